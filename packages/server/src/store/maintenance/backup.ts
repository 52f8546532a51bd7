import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { redactPgUrl } from '../dialects/postgres.js';
import { MaintenanceError } from '../errors.js';
import { isPostgresUrl } from '../open.js';
import { openSqliteForReading } from './tables.js';

/**
 * libpq gets the URL without its password (argv is visible to every local user in `ps`)
 * and the password through PGPASSWORD, in the child's environment only.
 */
export function pgDumpConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MaintenanceError(`invalid PostgreSQL URL ${redactPgUrl(url)}`);
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
              ? new MaintenanceError(
                  `pg_dump is not installed (or not on PATH): backing up PostgreSQL needs the PostgreSQL client tools (Debian: apt-get install postgresql-client), matching the server's major version`,
                )
              : new MaintenanceError(`could not run pg_dump: ${e.message}`),
          ),
        );
        child.on('close', (c) => done({ code: c, stderr: err }));
      },
    );
    if (code !== 0) {
      const password = env.PGPASSWORD;
      let msg = stderr.trim();
      if (password) msg = msg.split(password).join('***');
      throw new MaintenanceError(
        `pg_dump of ${redactPgUrl(url)} failed (exit ${code ?? 'signal'}): ${msg || 'no message'}`,
      );
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Copies the database at `url` into the file `dest` (absolute; missing or empty), safely
 * while `serve` keeps writing. SQLite: the online backup API copies a consistent snapshot
 * page by page; the copy never sees a half-committed transaction. PostgreSQL: pg_dump
 * (custom format, one snapshot), restorable with pg_restore.
 */
export async function backupDatabase(url: string, dest: string): Promise<void> {
  if (existsSync(dest) && statSync(dest).size > 0)
    throw new MaintenanceError(`backup destination ${dest} already exists and is not empty`);
  if (isPostgresUrl(url)) {
    await pgDump(url, dest);
    return;
  }
  const { db, path } = openSqliteForReading(url);
  try {
    if (resolve(path) === dest)
      throw new MaintenanceError('backup destination is the database itself');
    // SQLite keeps the mode of a file that exists: a backup is as private as the database.
    closeSync(openSync(dest, 'a', 0o600));
    chmodSync(dest, 0o600);
    await db.backup(dest);
  } finally {
    db.close();
  }
}
