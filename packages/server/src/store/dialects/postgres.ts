import { countStatement } from '../statements.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../schema.js';

/**
 * Advisory-lock keys (scoped to one database): migrations, and the write lock, which write
 * transactions hold shared (store/pg-cursor.ts) and only a realignment of the cursor base
 * takes exclusively.
 */
export const PG_MIGRATE_LOCK = 0x636c6b01;
export const PG_WRITE_LOCK = 0x636c6b02;

/**
 * Row values come back the way SQLite returns them: 64-bit integers (count(*), BIGINT
 * columns) and numerics (sum()) as JS numbers rather than strings. Every timestamp is TEXT
 * in the schema, so no date parsing is involved.
 */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  },
} as pg.CustomTypesConfig;

/** Safe to log: the URL without its password. */
export function redactPgUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export function createPgPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle client losing its connection (server restart) must not crash the process;
  // the pool drops it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  return pool;
}

export function pgKysely(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: countStatement });
}
