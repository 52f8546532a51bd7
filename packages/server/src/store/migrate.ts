import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { nowIso } from '../lib/clock.js';
import { PG_MIGRATE_LOCK } from './dialects/postgres.js';

/** Migration files ship inside the package, one folder per dialect. */
export const migrationsDir = (dialect: 'sqlite' | 'postgres'): string =>
  fileURLToPath(new URL(`../../migrations/${dialect}/`, import.meta.url));

/**
 * Applies every not-yet-recorded migration in file-name order, each in its own transaction.
 * Returns the names applied; running it again applies nothing.
 */
export function migrateSqlite(db: Database.Database): string[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const dir = migrationsDir('sqlite');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(dir + file, 'utf8');
    const run = db.transaction(() => {
      // Re-check inside the write lock: another process may have migrated meanwhile.
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(file)) return;
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
        file,
        nowIso(),
      );
      done.push(file);
    });
    try {
      run.immediate();
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return done;
}

/**
 * PostgreSQL migrations: the same contract as SQLite's (file-name order, one transaction
 * each, recorded in schema_migrations, idempotent). Concurrent migrators (several nodes
 * starting at once) queue on an advisory lock, so each file is applied exactly once.
 */
export async function migratePostgres(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  const done: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATE_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT COLLATE "C" PRIMARY KEY, applied_at TEXT COLLATE "C" NOT NULL)',
      );
      const dir = migrationsDir('postgres');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort();
      const applied = new Set(
        (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map(
          (r) => r.name,
        ),
      );
      for (const file of files) {
        if (applied.has(file)) continue;
        const sql = readFileSync(dir + file, 'utf8');
        try {
          await client.query('BEGIN');
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
            file,
            nowIso(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
        }
        done.push(file);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATE_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
  return done;
}
