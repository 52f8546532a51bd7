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
import { CliError } from '../log.js';
import { openForReading } from './backup.js';
import type { DbFlags } from './open.js';

/** Columns whose values never leave the server: secrets and storage locations. */
const REDACTED = new Set([
  'token_hash',
  'signing_secret',
  'storage_path',
  'setup_nonce',
  'pushover_user_key',
]);
/** Bookkeeping tables, not data. */
const SKIPPED = new Set(['schema_migrations', 'event_dispatch_state']);

type Row = Record<string, unknown>;

function exportTables(db: Database.Database): Record<string, Row[]> {
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
      out[name] = rows.map((row) => {
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
        if (name === 'messages' && clean.deleted_at) clean.body = '';
        return clean;
      });
    }
  })();
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
    .action((opts: DbFlags & { out: string }) => {
      const { db, path } = openForReading(opts, 'exports');
      try {
        if (opts.out !== '-') assertNotDatabase(opts.out, path);
        const text = `${JSON.stringify(exportTables(db), null, 2)}\n`;
        if (opts.out === '-') process.stdout.write(text);
        else writeAtomically(opts.out, text);
      } finally {
        db.close();
      }
    });
}
