import type { Event } from '@clickclack/protocol';
import { channelOpenTo } from '../channel-access.js';
import {
  type EventRow,
  type NewEvent,
  newEventRow,
  newestCursor,
  nextEventCursor,
} from '../event-rows.js';
import type { Dialect, Executor } from '../executor.js';
import { readBound } from '../pg-cursor.js';
import { type Columns, placeholderRow, prepared } from '../prepared.js';
import type { WriteBatch } from '../write-batch.js';

export type { EventRow, NewEvent } from '../event-rows.js';

const EVENT_COLUMNS: Columns<EventRow> = {
  id: true,
  cursor: true,
  workspace_id: true,
  channel_id: true,
  direct_conversation_id: true,
  type: true,
  seq: true,
  payload_json: true,
  is_private: true,
  created_at: true,
  mentioned_user_ids: true,
};
const insertEvent = prepared<EventRow, never>((db, p) =>
  db.insertInto('events').values(placeholderRow(p, EVENT_COLUMNS)),
);

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
    ...(row.mentioned_user_ids
      ? { mentioned_user_ids: JSON.parse(row.mentioned_user_ids) as string[] }
      : {}),
  };
}

export class EventsRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
    /** Set inside a batched post: its writes are gathered (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
    /** In a write transaction: the store announces these once it has committed. */
    private readonly appended?: Event[],
  ) {}

  /**
   * Appends one durable event inside the caller's write transaction. On SQLite, whose write
   * transactions run one at a time, the cursor is fenced above the newest persisted cursor,
   * so cursor order is commit order even when another process (an admin command) writes to
   * the same file. On PostgreSQL it is ordered by transaction id (store/pg-cursor.ts).
   */
  async append(input: NewEvent): Promise<Event> {
    if (this.batch) {
      const queued = await this.batch.appendEvent(input, eventFromRow);
      this.appended?.push(queued);
      return queued;
    }
    const row = newEventRow(input, await nextEventCursor(this.db, this.dialect));
    await insertEvent(this.db, row);
    if (input.recipients && input.recipients.length > 0) {
      await this.db
        .insertInto('event_recipients')
        .values([...new Set(input.recipients)].map((user_id) => ({ event_id: row.id, user_id })))
        .execute();
    }
    const event = eventFromRow(row);
    this.appended?.push(event);
    return event;
  }

  /**
   * Deletes a workspace's events older than `before` (if given), always sparing the newest
   * `keepLatest`. Returns how many were deleted; recipient rows cascade.
   */
  /**
   * Before events are deleted: records the frontier as the floor, so deleting the newest
   * events (a workspace's) cannot let a later event take a cursor a reader has passed. On
   * PostgreSQL a later transaction's cursors sort above every earlier one's anyway.
   */
  async keepFrontier(): Promise<void> {
    if (this.dialect === 'postgres') return;
    const frontier = (await newestCursor(this.db, {})).rows[0]?.cursor;
    if (!frontier) return;
    await this.db
      .insertInto('event_cursor_floor')
      .values({ id: 1, cursor: frontier })
      .onConflict((oc) => oc.column('id').doUpdateSet({ cursor: frontier }))
      .execute();
  }

  async prune(
    workspaceId: string,
    before: string | undefined,
    keepLatest: number,
  ): Promise<number> {
    await this.keepFrontier();
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

  /**
   * Events of a workspace after `after` (exclusive) that `userId` may read now, ascending:
   * private events only for recipients, channel events only where the user can read the
   * channel, DM events only for DM members. `upTo` bounds the cursor (inclusive).
   */
  visibleAfter(
    workspaceId: string,
    userId: string,
    after: string,
    limit: number,
    upTo?: string,
  ): Promise<EventRow[]> {
    let q = this.visible(workspaceId, userId).where('e.cursor', '>', after);
    if (upTo !== undefined) q = q.where('e.cursor', '<=', upTo);
    return q.orderBy('e.cursor').limit(limit).execute();
  }

  /** The newest cursor `userId` may see in a workspace, or ''. */
  async visibleTail(workspaceId: string, userId: string): Promise<string> {
    const row = await this.visible(workspaceId, userId)
      .orderBy('e.cursor', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.cursor ?? '';
  }

  /**
   * The events `userId` may read, by the rules of services/policies.ts: a guest reads only
   * the `guest` channel and no DM. The guest check names no column of `e`, so both
   * dialects evaluate it once per query, not per row.
   */
  private visible(workspaceId: string, userId: string) {
    const guest = this.db
      .selectFrom('workspace_members as g')
      .select('g.user_id')
      .where('g.workspace_id', '=', workspaceId)
      .where('g.user_id', '=', userId)
      .where('g.role', '=', 'guest');
    return this.db
      .selectFrom('events as e')
      .selectAll('e')
      .where('e.workspace_id', '=', workspaceId)
      .$if(this.dialect === 'postgres', (q) => q.where('e.cursor', '<', readBound))
      .where((eb) =>
        eb.and([
          eb.or([
            eb('e.is_private', '=', 0),
            eb.exists(
              eb
                .selectFrom('event_recipients as r')
                .select('r.user_id')
                .whereRef('r.event_id', '=', 'e.id')
                .where('r.user_id', '=', userId),
            ),
          ]),
          eb.or([
            eb('e.channel_id', 'is', null),
            eb.exists(
              eb
                .selectFrom('channels as c')
                .select('c.id')
                .whereRef('c.id', '=', 'e.channel_id')
                .where((c) =>
                  c.and([
                    channelOpenTo(c, userId),
                    c.or([c('c.name', '=', 'guest'), c.not(c.exists(guest))]),
                  ]),
                ),
            ),
          ]),
          eb.or([
            eb('e.direct_conversation_id', 'is', null),
            eb.and([
              eb.not(eb.exists(guest)),
              eb.exists(
                eb
                  .selectFrom('direct_conversation_members as d')
                  .select('d.user_id')
                  .whereRef('d.conversation_id', '=', 'e.direct_conversation_id')
                  .where('d.user_id', '=', userId),
              ),
            ]),
          ]),
        ]),
      );
  }

  /**
   * Every event (all workspaces) after a cursor, ascending: the live tailer's read, and that
   * of the integrations with their own cursors. Like every read that a reader pages on by
   * cursor, on PostgreSQL it stops below `readBound`, so no event can commit later behind it.
   */
  allAfter(after: string, limit: number): Promise<EventRow[]> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('cursor', '>', after)
      .$if(this.dialect === 'postgres', (q) => q.where('cursor', '<', readBound))
      .orderBy('cursor')
      .limit(limit)
      .execute();
  }

  /** Where a reader starting now begins: no event can commit later below it. */
  async newestCursor(): Promise<string> {
    if (this.dialect === 'sqlite') return (await newestCursor(this.db, {})).rows[0]?.cursor ?? '';
    const row = await this.db
      .selectFrom('events')
      .select('cursor')
      .where('cursor', '<', readBound)
      .orderBy('cursor', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.cursor ?? '';
  }

  /** The newest event's time (/metrics: how long ago the log last grew). */
  async newestCreatedAt(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('events')
      .select('created_at')
      .orderBy('cursor', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.created_at;
  }

  async exists(workspaceId: string, cursor: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('events')
      .select('id')
      .where('cursor', '=', cursor)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Recipient lists of private events, keyed by event id. */
  async recipients(eventIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (eventIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('event_recipients')
      .select(['event_id', 'user_id'])
      .where('event_id', 'in', [...eventIds])
      .execute();
    for (const r of rows) out.set(r.event_id, [...(out.get(r.event_id) ?? []), r.user_id]);
    return out;
  }
}
