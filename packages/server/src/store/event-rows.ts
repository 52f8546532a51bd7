import type { Selectable } from 'kysely';
import { nowIso } from '../lib/clock.js';
import { newId, newUlid } from '../lib/ids.js';
import { fenceCursor } from './cursor.js';
import type { Dialect, Executor } from './executor.js';
import { nthCursor, transactionCursorPrefix } from './pg-cursor.js';
import { prepared } from './prepared.js';
import type { EventsTable } from './schema.js';

/**
 * New event rows and their cursors, for both ways events are written: one at a time
 * (repos/events.ts) and gathered by a batch of posts (write-batch.ts).
 */
export type EventRow = Selectable<EventsTable>;

export interface NewEvent {
  type: string;
  workspace_id: string;
  channel_id?: string | null;
  direct_conversation_id?: string | null;
  seq?: number | null;
  payload: Record<string, unknown>;
  /** When set the event is private: only these users may ever read it. */
  recipients?: readonly string[];
  /** Users the message's @handle mentions resolved to (message.created, thread.reply_created). */
  mentioned_user_ids?: readonly string[];
}

/** The frontier new cursors are fenced above on SQLite: the newest stored cursor, or the
 * floor a deletion of events left if that is higher. */
export const newestCursor = prepared<Record<never, never>, { cursor: string | null }>((db) =>
  db
    .selectFrom((eb) =>
      eb
        .selectFrom('events')
        .select((e) => e.fn.max('cursor').as('cursor'))
        .unionAll(eb.selectFrom('event_cursor_floor').select('cursor'))
        .as('frontier'),
    )
    .select((eb) => eb.fn.max('frontier.cursor').as('cursor')),
);

/** Per write transaction: hands out its next event cursor. */
const allocators = new WeakMap<Executor, () => string>();

/**
 * The next event cursor of the write transaction `trx`. On SQLite it is fenced above the
 * frontier, read once per transaction: BEGIN IMMEDIATE keeps every other writer out until
 * it ends, so the cursors it hands out itself are the only new ones (and a deletion of
 * events inside it records the floor, never lowering the frontier). On PostgreSQL cursors
 * follow transaction ids (pg-cursor.ts).
 */
export async function nextEventCursor(trx: Executor, dialect: Dialect): Promise<string> {
  const next = allocators.get(trx);
  if (next) return next();
  if (!trx.isTransaction) {
    if (dialect === 'postgres') throw new Error('events are appended inside a write transaction');
    return fenceCursor(newUlid(), (await newestCursor(trx, {})).rows[0]?.cursor ?? undefined);
  }
  let allocate: () => string;
  if (dialect === 'sqlite') {
    let last = (await newestCursor(trx, {})).rows[0]?.cursor ?? undefined;
    allocate = () => (last = fenceCursor(newUlid(), last));
  } else {
    const prefix = await transactionCursorPrefix(trx);
    let count = 0;
    allocate = () => nthCursor(prefix, count++);
  }
  allocators.set(trx, allocate);
  return allocate();
}

export function newEventRow(input: NewEvent, cursor: string): EventRow {
  return {
    id: newId('event'),
    cursor,
    workspace_id: input.workspace_id,
    channel_id: input.channel_id ?? null,
    direct_conversation_id: input.direct_conversation_id ?? null,
    type: input.type,
    seq: input.seq ?? null,
    payload_json: JSON.stringify(input.payload),
    is_private: input.recipients ? 1 : 0,
    created_at: nowIso(),
    mentioned_user_ids:
      input.mentioned_user_ids && input.mentioned_user_ids.length > 0
        ? JSON.stringify(input.mentioned_user_ids)
        : null,
  };
}
