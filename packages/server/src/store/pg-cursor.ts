import { type Kysely, sql } from 'kysely';
import type { Executor } from './executor.js';
import { PG_WRITE_LOCK } from './dialects/postgres.js';
import type { DB } from './schema.js';

/**
 * Event cursors on PostgreSQL, where transactions of every node commit side by side.
 *
 * A cursor is `cur_x` + 16 hex digits of (`event_cursor_base.base` + the appending
 * transaction's id, `pg_current_xact_id()`) + 9 hex digits counting the transaction's
 * events. Cursor order is therefore transaction-id order, and every reader bounds what it
 * reads by the oldest transaction of this database still running (`readBound`): an event
 * that commits later belongs to a transaction at or above that bound, so its cursor sorts
 * above everything the reader has already passed. The price: while a write transaction
 * runs, readers see nothing appended after it began, so a long one (a large workspace
 * deletion, a psql session left open after a write) holds back realtime delivery until it
 * ends; nothing is lost. `x` sorts above every ULID-based cursor
 * (their first character is 0–7), so cursors handed out before migration 0039 stay valid.
 *
 * Transaction ids restart low in a database restored into a fresh cluster; `base` is then
 * raised (`realignCursorBase`) so that new cursors still sort above the stored ones. Write
 * transactions hold the shared side of the write lock (`takeCursorLock`) from their start,
 * so the realignment, which takes it exclusively, never overlaps a transaction that read the
 * old base.
 */
export const PG_CURSOR_MARK = 'cur_x';

/** Taken by every write transaction first: a shared lock, so writers do not wait on each other. */
export async function takeCursorLock(trx: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock_shared(${PG_WRITE_LOCK})`.execute(trx);
}

/** The transaction's cursor prefix (`cur_x` + 16 hex digits); assigns its transaction id. */
export async function transactionCursorPrefix(trx: Executor): Promise<string> {
  const { rows } = await sql<{ hex: string }>`
    SELECT lpad(to_hex(coalesce((SELECT base FROM event_cursor_base WHERE id = 1), 0)
                       + pg_current_xact_id()::text::bigint), 16, '0') AS hex`.execute(trx);
  return `${PG_CURSOR_MARK}${(rows[0] as { hex: string }).hex}`;
}

/** The n-th cursor of the transaction with this prefix. */
export const nthCursor = (prefix: string, n: number): string =>
  prefix + n.toString(16).padStart(9, '0');

/**
 * Every cursor below this was appended by a transaction that has ended, as of the reading
 * statement's snapshot; one at or above it may still commit (`clickclack_event_bound`,
 * migration 0039: the oldest transaction of this database the snapshot holds running).
 * Evaluated inside the query, so it describes the very snapshot the query reads.
 */
export const readBound = sql<string>`clickclack_event_bound()`;

/**
 * Raises `base` when the stored cursors are ahead of this cluster's transaction ids (a
 * restore into a fresh cluster), so new cursors sort above them. Cheap when nothing is to
 * do; otherwise it waits for running write transactions (the exclusive write lock).
 */
export async function realignCursorBase(db: Kysely<DB>): Promise<void> {
  const behind = sql<boolean>`(SELECT ('x' || substr(max(cursor), 6, 16))::bit(64)::bigint
      FROM events WHERE cursor >= ${PG_CURSOR_MARK})
    >= coalesce((SELECT base FROM event_cursor_base WHERE id = 1), 0)
       + pg_current_xact_id()::text::bigint`;
  const { rows } = await sql<{ behind: boolean | null }>`SELECT ${behind} AS behind`.execute(db);
  if (!rows[0]?.behind) return;
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${PG_WRITE_LOCK})`.execute(trx);
    await sql`INSERT INTO event_cursor_base (id, base) VALUES (1, 0) ON CONFLICT DO NOTHING`.execute(
      trx,
    );
    await sql`UPDATE event_cursor_base
      SET base = (SELECT ('x' || substr(max(cursor), 6, 16))::bit(64)::bigint
                    FROM events WHERE cursor >= ${PG_CURSOR_MARK})
                 - pg_current_xact_id()::text::bigint + 1
      WHERE id = 1 AND ${behind}`.execute(trx);
  });
}
