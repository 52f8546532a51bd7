import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { isPostgresUrl, sqlitePathFromUrl } from '../../store/open.js';
import { CliError } from '../log.js';
import type { DbFlags } from './open.js';

/** Opens the SQLite file for reading only; refuses Postgres and missing files. */
export function openForReading(
  flags: DbFlags,
  what: string,
): { db: Database.Database; path: string } {
  const { db } = resolveDbUrl(flags);
  if (isPostgresUrl(db))
    throw new CliError(`Postgres ${what} must be taken with pg_dump or provider snapshots`);
  const path = sqlitePathFromUrl(db);
  if (!existsSync(path)) throw new CliError(`database ${path} does not exist`);
  const handle = new Database(path, { readonly: true, fileMustExist: true });
  handle.pragma('busy_timeout = 5000');
  return { db: handle, path };
}

/**
 * SQLite's online backup API copies a consistent snapshot page by page while `serve`
 * keeps writing; the copy never sees a half-committed transaction.
 */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite database to a file, safely while the server runs')
    .option('--out <file>', 'destination file (must not exist or be empty)')
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
    .action(async (opts: DbFlags & { out?: string }) => {
      const out = (opts.out ?? '').trim();
      if (out === '') throw new CliError('--out is required');
      const dest = resolve(out);
      if (existsSync(dest) && statSync(dest).size > 0)
        throw new CliError(`backup destination ${dest} already exists and is not empty`);
      const { db, path } = openForReading(opts, 'backups');
      try {
        if (resolve(path) === dest) throw new CliError('backup destination is the database itself');
        await db.backup(dest);
      } finally {
        db.close();
      }
    });
}
