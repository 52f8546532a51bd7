import type { Event } from '@clickclack/protocol';
import { sql, type Selectable } from 'kysely';
import { nowIso } from '../../lib/clock.js';
import { newId, newUlid } from '../../lib/ids.js';
import { fenceCursor } from '../cursor.js';
import type { Executor } from '../executor.js';
import type { EventsTable } from '../schema.js';

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
}

export function eventFromRow(row: EventRow): Event {
  return {
    id: row.id,
    cursor: row.cursor,
    type: row.type,
    workspace_id: row.workspace_id,
    ...(row.channel_id ? { channel_id: row.channel_id } : {}),
    ...(row.seq !== null ? { seq: row.seq } : {}),
    created_at: row.created_at,
    payload: JSON.parse(row.payload_json) as Record<string, unknown>,
  };
}

export class EventsRepo {
  constructor(private readonly db: Executor) {}

  /**
   * Appends one durable event inside the caller's write transaction. The cursor is fenced
   * above the newest persisted cursor, so cursor order is commit order even when another
   * process (an admin command) writes to the same database.
   */
  async append(input: NewEvent): Promise<Event> {
    const frontier = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('cursor').as('cursor'))
      .executeTakeFirst();
    const row: EventRow = {
      id: newId('event'),
      cursor: fenceCursor(newUlid(), frontier?.cursor ?? undefined),
      workspace_id: input.workspace_id,
      channel_id: input.channel_id ?? null,
      direct_conversation_id: input.direct_conversation_id ?? null,
      type: input.type,
      seq: input.seq ?? null,
      payload_json: JSON.stringify(input.payload),
      is_private: input.recipients ? 1 : 0,
      created_at: nowIso(),
    };
    await this.db.insertInto('events').values(row).execute();
    if (input.recipients && input.recipients.length > 0) {
      await this.db
        .insertInto('event_recipients')
        .values([...new Set(input.recipients)].map((user_id) => ({ event_id: row.id, user_id })))
        .execute();
    }
    return eventFromRow(row);
  }

  /**
   * Deletes a workspace's events older than `before` (if given), always sparing the newest
   * `keepLatest`. Returns how many were deleted; recipient rows cascade.
   */
  async prune(
    workspaceId: string,
    before: string | undefined,
    keepLatest: number,
  ): Promise<number> {
    let q = this.db.deleteFrom('events').where('workspace_id', '=', workspaceId);
    if (before) q = q.where('created_at', '<', before);
    if (keepLatest > 0) {
      q = q.where(
        'cursor',
        'not in',
        this.db
          .selectFrom('events')
          .select('cursor')
          .where('workspace_id', '=', workspaceId)
          .orderBy('cursor', 'desc')
          .limit(keepLatest),
      );
    }
    const res = await q.executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async count(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select(sql<number>`count(*)`.as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
