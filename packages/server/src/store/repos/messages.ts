import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import { type Columns, placeholderRow, prepared } from '../prepared.js';
import type { MessagesTable, ThreadStateTable } from '../schema.js';

export type MessageRow = Selectable<MessagesTable>;
export type ThreadStateRow = Selectable<ThreadStateTable>;

const MESSAGE_COLUMNS: Columns<MessageRow> = {
  id: true,
  workspace_id: true,
  channel_id: true,
  direct_conversation_id: true,
  author_id: true,
  parent_message_id: true,
  thread_root_id: true,
  channel_seq: true,
  thread_seq: true,
  body: true,
  kind: true,
  turn_id: true,
  client_nonce: true,
  quoted_message_id: true,
  quoted_author_id: true,
  quoted_body_snapshot: true,
  created_at: true,
  edited_at: true,
  deleted_at: true,
  override_username: true,
  override_icon_url: true,
};
const insertMessage = prepared<MessageRow, never>((db, p) =>
  db.insertInto('messages').values(placeholderRow(p, MESSAGE_COLUMNS)),
);
const messageByNonce = prepared<{ authorId: string; nonce: string }, MessageRow>((db, p) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('author_id', '=', p.authorId)
    .where('client_nonce', '=', p.nonce),
);
const advanceRead = prepared<{ channelId: string; userId: string; seq: number; at: string }, never>(
  (db, p) =>
    db
      .insertInto('channel_reads')
      .values({
        channel_id: p.channelId,
        user_id: p.userId,
        last_read_seq: p.seq,
        last_read_at: p.at,
      })
      .onConflict((oc) =>
        oc
          .columns(['channel_id', 'user_id'])
          .doUpdateSet({ last_read_seq: p.seq, last_read_at: p.at })
          .where('channel_reads.last_read_seq', '<', p.seq),
      ),
);
const upsertThreadState = prepared<ThreadStateRow, never>((db, p) =>
  db
    .insertInto('thread_state')
    .values({
      root_message_id: p.root_message_id,
      reply_count: p.reply_count,
      last_reply_at: p.last_reply_at,
      last_reply_author_ids_json: p.last_reply_author_ids_json,
    })
    .onConflict((oc) =>
      oc.column('root_message_id').doUpdateSet({
        reply_count: p.reply_count,
        last_reply_at: p.last_reply_at,
        last_reply_author_ids_json: p.last_reply_author_ids_json,
      }),
    ),
);

/** Which sequence a page walks: roots of a channel/DM, or replies of one thread. */
export type PageScope =
  | { kind: 'channel'; channelId: string }
  | { kind: 'dm'; conversationId: string }
  | { kind: 'thread'; rootId: string };

export type PageWindow =
  | { kind: 'latest' }
  | { kind: 'earliest' }
  | { kind: 'before'; seq: number }
  | { kind: 'after'; seq: number };

export class MessagesRepo {
  constructor(private readonly db: Executor) {}

  byId(id: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byIds(ids: readonly string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  async byNonce(authorId: string, nonce: string): Promise<MessageRow | undefined> {
    return (await messageByNonce(this.db, { authorId, nonce })).rows[0];
  }

  async insert(row: MessageRow): Promise<void> {
    await insertMessage(this.db, row);
  }

  private scoped(scope: PageScope) {
    const q = this.db.selectFrom('messages').selectAll();
    switch (scope.kind) {
      case 'channel':
        return q.where('channel_id', '=', scope.channelId).where('parent_message_id', 'is', null);
      case 'dm':
        return q
          .where('direct_conversation_id', '=', scope.conversationId)
          .where('parent_message_id', 'is', null);
      case 'thread':
        return q.where('parent_message_id', '=', scope.rootId);
    }
  }

  private seqColumn(scope: PageScope): 'channel_seq' | 'thread_seq' {
    return scope.kind === 'thread' ? 'thread_seq' : 'channel_seq';
  }

  /** One window of messages in ascending seq order (fetches limit+1 to detect more). */
  async window(
    scope: PageScope,
    win: PageWindow,
    limit: number,
  ): Promise<{ rows: MessageRow[]; more: boolean }> {
    const col = this.seqColumn(scope);
    let q = this.scoped(scope);
    let descending = false;
    switch (win.kind) {
      case 'latest':
        descending = true;
        break;
      case 'earliest':
        break;
      case 'before':
        q = q.where(col, '<', win.seq);
        descending = true;
        break;
      case 'after':
        q = q.where(col, '>', win.seq);
        break;
    }
    const rows = await q
      .orderBy(col, descending ? 'desc' : 'asc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (descending) page.reverse();
    return { rows: page, more };
  }

  /** Whether any message of the scope lies strictly beyond `seq` in the given direction. */
  async exists(scope: PageScope, dir: 'below' | 'above', seq: number): Promise<boolean> {
    const col = this.seqColumn(scope);
    const row = await this.scoped(scope)
      .where(col, dir === 'below' ? '<' : '>', seq)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  threadState(rootId: string): Promise<ThreadStateRow | undefined> {
    return this.db
      .selectFrom('thread_state')
      .selectAll()
      .where('root_message_id', '=', rootId)
      .executeTakeFirst();
  }

  threadStates(rootIds: readonly string[]): Promise<ThreadStateRow[]> {
    if (rootIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('thread_state')
      .selectAll()
      .where('root_message_id', 'in', [...rootIds])
      .execute();
  }

  /** Threads get their state row with their first reply; a root without one has none. */
  async saveThreadState(row: ThreadStateRow): Promise<void> {
    await upsertThreadState(this.db, row);
  }

  async nextThreadSeq(rootId: string): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('thread_seq').as('max'))
      .where('thread_root_id', '=', rootId)
      .where('thread_seq', 'is not', null)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  }

  async advanceRead(channelId: string, userId: string, seq: number, at: string): Promise<void> {
    await advanceRead(this.db, { channelId, userId, seq, at });
  }

  async update(id: string, patch: Partial<MessageRow>): Promise<void> {
    await this.db.updateTable('messages').set(patch).where('id', '=', id).execute();
  }

  /** Live (not deleted) replies of a thread: count, newest time, up to 3 recent authors. */
  async liveReplyStats(
    rootId: string,
  ): Promise<{ count: number; lastAt: string | null; recent: string[] }> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['author_id', 'created_at'])
      .where('parent_message_id', '=', rootId)
      .where('deleted_at', 'is', null)
      .orderBy('thread_seq', 'desc')
      .execute();
    const recent: string[] = [];
    for (const r of rows)
      if (!recent.includes(r.author_id) && recent.length < 3) recent.push(r.author_id);
    return { count: rows.length, lastAt: rows[0]?.created_at ?? null, recent };
  }

  /** Moves a read pointer forward only, setting the unread-mention counter with it. */
  async setRead(
    channelId: string,
    userId: string,
    seq: number,
    mentionCount: number,
    at: string,
  ): Promise<void> {
    await this.db
      .insertInto('channel_reads')
      .values({
        channel_id: channelId,
        user_id: userId,
        last_read_seq: seq,
        last_read_at: at,
        mention_count: mentionCount,
      })
      .onConflict((oc) =>
        oc
          .columns(['channel_id', 'user_id'])
          .doUpdateSet({ last_read_seq: seq, last_read_at: at, mention_count: mentionCount }),
      )
      .execute();
  }
}
