import { resolve } from 'node:path';
import { openSqliteDatabase, sqliteKysely } from './dialects/sqlite.js';
import { migrateSqlite } from './migrate.js';
import { KyselyStore, type Store } from './store.js';

/** `sqlite://path`, a plain path, or (later) `postgres://…`. */
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
}

export function openStore(dbUrl: string, opts: OpenOptions): Store {
  if (isPostgresUrl(dbUrl)) {
    throw new Error('the PostgreSQL store is not available in this build yet');
  }
  const sqlite = openSqliteDatabase(sqlitePathFromUrl(dbUrl));
  if (opts.migrate) migrateSqlite(sqlite);
  // Kysely's SQLite driver serialises queries on this one connection (like upstream).
  return new KyselyStore('sqlite', sqliteKysely(sqlite));
}
