import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { createPgPool, redactPgUrl } from '../dialects/postgres.js';
import { MaintenanceError } from '../errors.js';
import { isPostgresUrl } from '../open.js';
import { openSqliteForReading, quoteIdent, sqliteDataTables } from './tables.js';

/** Columns whose values never leave the server: secrets and storage locations. */
const REDACTED = new Set([
  'token_hash',
  'code_hash',
  'password_hash',
  'signing_secret',
  'storage_path',
  'setup_nonce',
  'pushover_user_key',
]);
/**
 * Bookkeeping tables, not data (oidc_logins: sign-ins in flight, their PKCE secrets;
 * email_notify_state: the email notifier's place in the log; bus_payloads: realtime messages
 * between nodes, kept a minute).
 */
const SKIPPED = new Set([
  'schema_migrations',
  'event_dispatch_state',
  'oidc_logins',
  'email_notify_state',
  'event_cursor_floor',
  'bus_payloads',
  'event_cursor_base',
]);

export type ExportRow = Record<string, unknown>;
/** Every exported table's rows, by table name. */
export type ExportedTables = Record<string, ExportRow[]>;

/** One exported row: sorted keys, secrets redacted, blobs as base64, deleted bodies emptied. */
function cleanRow(table: string, row: ExportRow): ExportRow {
  const clean: ExportRow = {};
  for (const key of Object.keys(row).sort()) {
    const value = row[key];
    clean[key] =
      REDACTED.has(key) && value !== null && value !== ''
        ? '[redacted]'
        : Buffer.isBuffer(value)
          ? value.toString('base64')
          : value;
  }
  // Deleted messages keep no text in an export.
  if (table === 'messages' && clean.deleted_at) clean.body = '';
  return clean;
}

function exportSqliteTables(db: Database.Database): ExportedTables {
  const out: ExportedTables = {};
  // One read transaction: every table comes from the same snapshot.
  db.transaction(() => {
    for (const name of sqliteDataTables(db)) {
      if (SKIPPED.has(name)) continue;
      const rows = db.prepare(`SELECT * FROM ${quoteIdent(name)}`).all() as ExportRow[];
      out[name] = rows.map((row) => cleanRow(name, row));
    }
  })();
  return out;
}

/**
 * PostgreSQL: every base table of the current schema, read in one REPEATABLE READ, READ
 * ONLY transaction (one snapshot, like SQLite's), rows in primary-key order (SQLite's
 * rowid order is insertion order; a key order is the stable equivalent).
 */
async function exportPgTables(url: string): Promise<ExportedTables> {
  const pool = createPgPool(url, 1);
  const out: ExportedTables = {};
  try {
    const client = await pool.connect().catch((err: Error) => {
      throw new MaintenanceError(`PostgreSQL ${redactPgUrl(url)}: ${err.message}`);
    });
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const tables = (
        await client.query<{ name: string; key: string[] | null }>(
          `SELECT c.relname AS name,
                  (SELECT array_agg(a.attname::text ORDER BY k.ord)
                     FROM pg_index i
                     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                    WHERE i.indrelid = c.oid AND i.indisprimary) AS key
             FROM pg_class c
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
            ORDER BY c.relname COLLATE "C"`,
        )
      ).rows;
      for (const { name, key } of tables) {
        if (SKIPPED.has(name)) continue;
        const order = key && key.length > 0 ? ` ORDER BY ${key.map(quoteIdent).join(', ')}` : '';
        const rows = (await client.query<ExportRow>(`SELECT * FROM ${quoteIdent(name)}${order}`))
          .rows;
        out[name] = rows.map((row) => cleanRow(name, row));
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
  return out;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    try {
      return join(realpathSync(dirname(p)), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

/** The export must never replace the live database or its journal files. */
function assertNotDatabase(dest: string, dbPath: string): void {
  const target = realOrSelf(dest).toLowerCase();
  const base = realOrSelf(dbPath).toLowerCase();
  if ([base, `${base}-wal`, `${base}-shm`, `${base}-journal`].includes(target)) {
    throw new MaintenanceError(
      'export destination overlaps the SQLite database or its journal files',
    );
  }
}

/**
 * Every data table of the database at `url`, secrets redacted, from one snapshot.
 * `dest`: the file the caller will write them to, refused if it is the SQLite database.
 */
export async function exportDatabase(url: string, dest?: string): Promise<ExportedTables> {
  if (isPostgresUrl(url)) return exportPgTables(url);
  const { db, path } = openSqliteForReading(url);
  try {
    if (dest !== undefined) assertNotDatabase(dest, path);
    return exportSqliteTables(db);
  } finally {
    db.close();
  }
}
