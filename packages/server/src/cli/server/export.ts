import {
  closeSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { createPgPool, redactPgUrl } from '../../store/dialects/postgres.js';
import { isPostgresUrl } from '../../store/open.js';
import { CliError } from '../log.js';
import { openSqliteForReading } from './backup.js';
import type { DbFlags } from './open.js';

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
 * email_notify_state: the email notifier's place in the log).
 */
const SKIPPED = new Set([
  'schema_migrations',
  'event_dispatch_state',
  'oidc_logins',
  'email_notify_state',
  'event_cursor_floor',
  'event_cursor_base',
]);

type Row = Record<string, unknown>;

/** One exported row: sorted keys, secrets redacted, blobs as base64, deleted bodies emptied. */
function cleanRow(table: string, row: Row): Row {
  const clean: Row = {};
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

function exportSqliteTables(db: Database.Database): Record<string, Row[]> {
  const tables = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; sql: string }[];
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const out: Record<string, Row[]> = {};
  // One read transaction: every table comes from the same snapshot.
  db.transaction(() => {
    for (const { name } of tables) {
      if (SKIPPED.has(name) || virtual.some((v) => name === v || name.startsWith(`${v}_`)))
        continue;
      const rows = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Row[];
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
async function exportPgTables(url: string): Promise<Record<string, Row[]>> {
  const pool = createPgPool(url, 1);
  const out: Record<string, Row[]> = {};
  try {
    const client = await pool.connect().catch((err: Error) => {
      throw new CliError(`PostgreSQL ${redactPgUrl(url)}: ${err.message}`);
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
      const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
      for (const { name, key } of tables) {
        if (SKIPPED.has(name)) continue;
        const order = key && key.length > 0 ? ` ORDER BY ${key.map(quote).join(', ')}` : '';
        const rows = (await client.query<Row>(`SELECT * FROM ${quote(name)}${order}`)).rows;
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
    throw new CliError('export destination overlaps the SQLite database or its journal files');
  }
}

/** Writes next to the destination, fsyncs, then renames over it. */
function writeAtomically(dest: string, text: string): void {
  const tmp = join(dirname(resolve(dest)), `.clickclack-export-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export every table as JSON (secrets redacted)')
    .option('--out <file>', 'destination file, or - for stdout', '-')
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
    .action(async (opts: DbFlags & { out: string }) => {
      const { db: url } = resolveDbUrl(opts);
      let tables: Record<string, Row[]>;
      if (isPostgresUrl(url)) {
        tables = await exportPgTables(url);
      } else {
        const { db, path } = openSqliteForReading(url);
        try {
          if (opts.out !== '-') assertNotDatabase(opts.out, path);
          tables = exportSqliteTables(db);
        } finally {
          db.close();
        }
      }
      const text = `${JSON.stringify(tables, null, 2)}\n`;
      if (opts.out === '-') process.stdout.write(text);
      else writeAtomically(opts.out, text);
    });
}
