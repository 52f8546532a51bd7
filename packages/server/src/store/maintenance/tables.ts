import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MaintenanceError } from '../errors.js';
import { sqlitePathFromUrl } from '../open.js';

/** Opens the SQLite file for reading only; refuses missing files. */
export function openSqliteForReading(url: string): { db: Database.Database; path: string } {
  const path = sqlitePathFromUrl(url);
  if (!existsSync(path)) throw new MaintenanceError(`database ${path} does not exist`);
  const handle = new Database(path, { readonly: true, fileMustExist: true });
  handle.pragma('busy_timeout = 5000');
  return { db: handle, path };
}

export const quoteIdent = (ident: string): string => `"${ident.replace(/"/g, '""')}"`;

/**
 * The SQLite tables that hold data, by name: not SQLite's own, not FTS5 virtual tables or
 * their shadow tables (the search index is rebuilt from the messages).
 */
export function sqliteDataTables(db: Database.Database): string[] {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; sql: string }[];
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return tables
    .map((t) => t.name)
    .filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}
