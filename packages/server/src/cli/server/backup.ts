import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { redactPgUrl } from '../../store/dialects/postgres.js';
import { isPostgresUrl, sqlitePathFromUrl } from '../../store/open.js';
import { CliError } from '../log.js';
import type { DbFlags } from './open.js';

/** Opens the SQLite file for reading only; refuses missing files. */
export function openSqliteForReading(url: string): { db: Database.Database; path: string } {
  const path = sqlitePathFromUrl(url);
  if (!existsSync(path)) throw new CliError(`database ${path} does not exist`);
  const handle = new Database(path, { readonly: true, fileMustExist: true });
  handle.pragma('busy_timeout = 5000');
  return { db: handle, path };
}

/**
 * libpq gets the URL without its password (argv is visible to every local user in `ps`)
 * and the password through PGPASSWORD, in the child's environment only.
 */
export function pgDumpConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`invalid PostgreSQL URL ${redactPgUrl(url)}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PGPASSWORD;
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = '';
  }
  return { dbname: u.toString(), env };
}

/** Runs pg_dump in custom format into a temporary sibling, renamed over `dest` on success. */
async function pgDump(url: string, dest: string): Promise<void> {
  const { dbname, env } = pgDumpConnection(url);
  const tmp = join(dirname(dest), `.clickclack-backup-${randomBytes(6).toString('hex')}`);
  // pg_dump truncates an existing file and keeps its mode: made here, it is owner-only.
  closeSync(openSync(tmp, 'wx', 0o600));
  const bin = process.env.CLICKCLACK_PG_DUMP || 'pg_dump';
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
      (done, fail) => {
        const child = spawn(
          bin,
          ['--format=custom', '--no-password', `--file=${tmp}`, `--dbname=${dbname}`],
          { env, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('error', (e: NodeJS.ErrnoException) =>
          fail(
            e.code === 'ENOENT'
              ? new CliError(
                  `pg_dump is not installed (or not on PATH): backing up PostgreSQL needs the PostgreSQL client tools (Debian: apt-get install postgresql-client), matching the server's major version`,
                )
              : new CliError(`could not run pg_dump: ${e.message}`),
          ),
        );
        child.on('close', (c) => done({ code: c, stderr: err }));
      },
    );
    if (code !== 0) {
      const password = env.PGPASSWORD;
      let msg = stderr.trim();
      if (password) msg = msg.split(password).join('***');
      throw new CliError(
        `pg_dump of ${redactPgUrl(url)} failed (exit ${code ?? 'signal'}): ${msg || 'no message'}`,
      );
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * SQLite: the online backup API copies a consistent snapshot page by page while `serve`
 * keeps writing; the copy never sees a half-committed transaction. PostgreSQL: pg_dump
 * (custom format, one snapshot), restorable with pg_restore.
 */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'copy the database to a file, safely while the server runs (SQLite copy, or pg_dump custom format on PostgreSQL)',
    )
    .option('--out <file>', 'destination file (must not exist or be empty)')
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
    .action(async (opts: DbFlags & { out?: string }) => {
      const out = (opts.out ?? '').trim();
      if (out === '') throw new CliError('--out is required');
      const dest = resolve(out);
      if (existsSync(dest) && statSync(dest).size > 0)
        throw new CliError(`backup destination ${dest} already exists and is not empty`);
      const { db: url } = resolveDbUrl(opts);
      if (isPostgresUrl(url)) {
        await pgDump(url, dest);
        return;
      }
      const { db, path } = openSqliteForReading(url);
      try {
        if (resolve(path) === dest) throw new CliError('backup destination is the database itself');
        // SQLite keeps the mode of a file that exists: a backup is as private as the database.
        closeSync(openSync(dest, 'a', 0o600));
        chmodSync(dest, 0o600);
        await db.backup(dest);
      } finally {
        db.close();
      }
    });
}
