import { sql } from 'kysely';
import type { Dialect, Executor } from './executor.js';

/**
 * Locks for the invariants two concurrent write transactions could break together. SQLite
 * runs its write transactions one at a time (BEGIN IMMEDIATE), so these are PostgreSQL's
 * alone; each is held until the transaction ends, and each covers one row or one narrow key,
 * never the whole database.
 */

/** Advisory-lock classes (the two-key form, apart from the single-key migration locks). */
export const LOCK_SCOPE = {
  /** One user's uploads in one workspace: the quota check and the insert it allows. */
  uploadQuota: 0x636c6b10,
} as const;

/** Waits for, then holds, the lock on `key` within `scope` until the transaction ends. */
export async function lockKey(
  db: Executor,
  dialect: Dialect,
  scope: number,
  key: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`SELECT pg_advisory_xact_lock(${scope}::int, hashtext(${key}))`.execute(db);
}

/** `FOR NO KEY UPDATE` on PostgreSQL: the rows read stay as read until the transaction ends. */
export function forUpdate<Q extends { forNoKeyUpdate(): Q }>(dialect: Dialect, q: Q): Q {
  return dialect === 'postgres' ? q.forNoKeyUpdate() : q;
}
