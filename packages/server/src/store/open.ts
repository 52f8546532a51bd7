import { resolve } from 'node:path';
import { createPgPool, pgKysely, redactPgUrl } from './dialects/postgres.js';
import { openSqliteDatabase, sqliteKysely } from './dialects/sqlite.js';
import { migratePostgres, migrateSqlite } from './migrate.js';
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
    try {
      if (opts.migrate) await migratePostgres(pool);
      else await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`PostgreSQL ${redactPgUrl(dbUrl)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // Kysely ends the pool only if it ever used it (a bare `migrate` does not).
    return new KyselyStore(
      'postgres',
      pgKysely(pool),
      async () => {
        if (!pool.ended) await pool.end();
      },
      pool,
    );
  }
  const sqlite = openSqliteDatabase(sqlitePathFromUrl(dbUrl));
  if (opts.migrate) migrateSqlite(sqlite);
  // Kysely's SQLite driver serialises queries on this one connection (like upstream).
  return new KyselyStore('sqlite', sqliteKysely(sqlite));
}
