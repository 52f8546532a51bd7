/**
 * Text PostgreSQL cannot hold (a NUL character; SQLite stores it). Such input can never
 * match a stored row or be written, so it is the caller's error (400), not the server's.
 * SQLSTATE 22021 character_not_in_repertoire, 22P05 untranslatable_character.
 */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** An operator's mistake in a maintenance command (backup, export, copy): one line, exit 1. */
export class MaintenanceError extends Error {}

/**
 * A write met a concurrent one on PostgreSQL, where writes of different transactions (and
 * nodes) run side by side: the row it checked is gone or changed under it. The group
 * committer runs such a write again in a later transaction, where the write's own checks
 * see the other one's outcome (a replayed nonce, a clean 404 or 409).
 */
export class WriteConflict extends Error {
  constructor(what: string) {
    super(`concurrent write: ${what}`);
  }
}

/**
 * SQLSTATEs of a lost race between concurrent transactions: 40P01 deadlock, 40001
 * serialization failure, 23505 a unique key another transaction inserted first, 23503 a
 * referenced row another transaction deleted first.
 */
const RACE_CODES = new Set(['40P01', '40001', '23505', '23503']);

/** Whether running the write again, after the transaction it raced has ended, may succeed. */
export function isLostRace(err: unknown): boolean {
  if (err instanceof WriteConflict) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RACE_CODES.has(code);
}

/** A unique or foreign key that a write still broke when run again: the caller's 409. */
export function isConstraintConflict(err: unknown): boolean {
  if (err instanceof WriteConflict) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === '23503';
}
