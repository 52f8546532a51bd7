import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { createPgPool, pgKysely, redactPgUrl } from './dialects/postgres.js';
import { openSqliteDatabase, sqliteKysely } from './dialects/sqlite.js';
import { migratePostgres, migrateSqlite } from './migrate.js';
import { realignCursorBase } from './pg-cursor.js';
import { KyselyStore, type Store } from './store.js';

/** `sqlite://path`, a plain path, or `postgres://…`. */
export function sqlitePathFromUrl(url: string): string {
  const stripped = url.startsWith('sqlite://') ? url.slice('sqlite://'.length) : url;
  return resolve(stripped === '' ? url : stripped);
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export interface OpenOptions {
  /** Apply pending migrations first (serve, migrate, admin). */
  migrate: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

export async function openStore(dbUrl: string, opts: OpenOptions): Promise<Store> {
  if (isPostgresUrl(dbUrl)) {
    const poolSize = opts.poolSize ?? 10;
    const pool = createPgPool(dbUrl, poolSize);
    const db = pgKysely(pool);
    try {
      if (opts.migrate) await migratePostgres(pool);
      else await pool.query('SELECT 1');
      // Only where writes follow: opening to read (a backup) changes nothing.
      if (opts.migrate) await realignCursorBase(db);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`PostgreSQL ${redactPgUrl(dbUrl)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // Kysely ends the pool only if it ever used it (a bare `migrate` does not).
    return new KyselyStore('postgres', db, {
      onClose: async () => {
        if (!pool.ended) await pool.end();
      },
      pool,
    });
  }
  const path = sqlitePathFromUrl(dbUrl);
  const sqlite = openSqliteDatabase(path);
  if (opts.migrate) migrateSqlite(sqlite);
  const opened = path === resolve(':memory:') ? undefined : statSync(path);
  // Kysely's SQLite driver serialises queries on this one connection (like upstream).
  return new KyselyStore('sqlite', sqliteKysely(sqlite), {
    ...(opened ? { probe: () => assertSameFile(path, opened) } : {}),
  });
}

/**
 * SQLite goes on reading and writing a database file that was deleted, moved away or
 * replaced under it, and everything written then is lost at the next start: readiness
 * requires the file at the path to still be the one opened.
 */
function assertSameFile(path: string, opened: Stats): void {
  let now: Stats;
  try {
    now = statSync(path);
  } catch {
    throw new Error(`database file ${path} is gone`);
  }
  if (now.ino !== opened.ino || now.dev !== opened.dev)
    throw new Error(`database file ${path} was replaced`);
}
