import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { nowIso } from '../lib/clock.js';

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
