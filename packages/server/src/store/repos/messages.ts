import { type Selectable, sql } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { forUpdate } from '../locks.js';
import { type Columns, inList, placeholderRow, prepared } from '../prepared.js';
import type { MessagesTable, ThreadStateTable } from '../schema.js';
import { patchById } from '../patch.js';
import type { WriteBatch } from '../write-batch.js';

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
    .where('client_nonce', '=', p.nonce)
    // As in the partial index messages_author_nonce, which otherwise goes unused: every
    // post with a nonce scanned the whole table (240 ms at 1M messages).
    .where('client_nonce', '<>', sql.lit('')),
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

const threadStatesOf = prepared<{ ids: readonly string[] }, ThreadStateRow>((db, p) =>
  db
    .selectFrom('thread_state')
    .selectAll()
    .where(inList(db, 'root_message_id', p.ids)),
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

type ScopeKind = PageScope['kind'];

const scopeId = (scope: PageScope): string =>
  scope.kind === 'channel'
    ? scope.channelId
    : scope.kind === 'dm'
      ? scope.conversationId
      : scope.rootId;

interface ScopedParams {
  scopeId: string;
  seq: number;
}

/**
 * The messages of a scope, for a query built once per scope kind (see `prepared`). Only
 * roots carry a `channel_seq` (replies are written with none), so `channel_seq IS NOT NULL`
 * alone selects the roots. Saying it lets the partial seq index serve every window (the
 * newest page of a channel scanned the whole table without it), and leaving out a
 * `parent_message_id` test keeps the has-more probe inside that index: the test made it read
 * the table row behind each index entry.
 */
function scoped(db: Executor, kind: ScopeKind, p: ScopedParams) {
  const q = db.selectFrom('messages');
  switch (kind) {
    case 'channel':
      return q.where('channel_id', '=', p.scopeId).where('channel_seq', 'is not', null);
    case 'dm':
      return q.where('direct_conversation_id', '=', p.scopeId).where('channel_seq', 'is not', null);
    case 'thread':
      return q.where('parent_message_id', '=', p.scopeId);
  }
}

const seqColumn = (kind: ScopeKind) => (kind === 'thread' ? 'thread_seq' : 'channel_seq');

/** One prepared query per scope kind, since the WHERE clause differs by kind. */
const perScope = <Q>(make: (kind: ScopeKind) => Q): Record<ScopeKind, Q> => ({
  channel: make('channel'),
  dm: make('dm'),
  thread: make('thread'),
});

function windowPrepared(kind: ScopeKind, win: PageWindow['kind']) {
  return prepared<ScopedParams & { limit: number }, MessageRow>((db, p) => {
    const col = seqColumn(kind);
    let q = scoped(db, kind, p).selectAll();
    if (win === 'before') q = q.where(col, '<', p.seq);
    if (win === 'after') q = q.where(col, '>', p.seq);
    const descending = win === 'latest' || win === 'before';
    return q.orderBy(col, descending ? 'desc' : 'asc').limit(p.limit);
  });
}

const windowQueries = perScope((kind) => ({
  latest: windowPrepared(kind, 'latest'),
  earliest: windowPrepared(kind, 'earliest'),
  before: windowPrepared(kind, 'before'),
  after: windowPrepared(kind, 'after'),
}));

/** Selects the seq itself, not the id: the seq index holds it, so the probe never reads the table. */
const existsPrepared = (kind: ScopeKind, op: '<' | '>') =>
  prepared<ScopedParams, { seq: number }>((db, p) =>
    scoped(db, kind, p)
      .select(`${seqColumn(kind)} as seq`)
      .where(seqColumn(kind), op, p.seq)
      .limit(1),
  );

const existsQueries = perScope((kind) => ({
  below: existsPrepared(kind, '<'),
  above: existsPrepared(kind, '>'),
}));

export class MessagesRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
    /** Set inside a batched post: its writes are gathered (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

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
    const pending = this.batch?.pendingByNonce(authorId, nonce);
    if (pending) return pending;
    const load = async () => (await messageByNonce(this.db, { authorId, nonce })).rows[0];
    return this.batch ? this.batch.storedByNonce(authorId, nonce, load) : load();
  }

  async insert(row: MessageRow): Promise<void> {
    if (this.batch) return this.batch.insertMessage(row);
    await insertMessage(this.db, row);
  }

  /** One window of messages in ascending seq order (fetches limit+1 to detect more). */
  async window(
    scope: PageScope,
    win: PageWindow,
    limit: number,
  ): Promise<{ rows: MessageRow[]; more: boolean }> {
    const seq = win.kind === 'before' || win.kind === 'after' ? win.seq : 0;
    const { rows } = await windowQueries[scope.kind][win.kind](this.db, {
      scopeId: scopeId(scope),
      seq,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (win.kind === 'latest' || win.kind === 'before') page.reverse();
    return { rows: page, more };
  }

  /** Whether any message of the scope lies strictly beyond `seq` in the given direction. */
  async exists(scope: PageScope, dir: 'below' | 'above', seq: number): Promise<boolean> {
    const { rows } = await existsQueries[scope.kind][dir](this.db, {
      scopeId: scopeId(scope),
      seq,
    });
    return rows.length > 0;
  }

  threadState(rootId: string): Promise<ThreadStateRow | undefined> {
    if (this.batch) return this.batch.threadState(rootId, () => this.storedThreadState(rootId));
    return this.storedThreadState(rootId);
  }

  private storedThreadState(rootId: string): Promise<ThreadStateRow | undefined> {
    return this.db
      .selectFrom('thread_state')
      .selectAll()
      .where('root_message_id', '=', rootId)
      .executeTakeFirst();
  }

  async threadStates(rootIds: readonly string[]): Promise<ThreadStateRow[]> {
    if (rootIds.length === 0) return [];
    return (await threadStatesOf(this.db, { ids: rootIds })).rows;
  }

  /** Threads get their state row with their first reply; a root without one has none. */
  async saveThreadState(row: ThreadStateRow): Promise<void> {
    if (this.batch) return this.batch.saveThreadState(row);
    await upsertThreadState(this.db, row);
  }

  /**
   * The next reply seq of a thread, inside the caller's write transaction. On PostgreSQL it
   * first locks the root until commit, so concurrent replies take their seqs (and update the
   * thread's state) one after another.
   */
  async nextThreadSeq(rootId: string): Promise<number> {
    if (this.batch) return this.batch.nextThreadSeq(rootId, () => this.storedNextThreadSeq(rootId));
    return this.storedNextThreadSeq(rootId);
  }

  /** Held until COMMIT, so a batch's replies keep the lock while it counts them in memory. */
  private async storedNextThreadSeq(rootId: string): Promise<number> {
    await forUpdate(
      this.dialect,
      this.db.selectFrom('messages').select('id').where('id', '=', rootId),
    ).execute();
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('thread_seq').as('max'))
      .where('thread_root_id', '=', rootId)
      .where('thread_seq', 'is not', null)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  }

  async advanceRead(channelId: string, userId: string, seq: number, at: string): Promise<void> {
    if (this.batch) return this.batch.advanceChannelRead(channelId, userId, seq, at);
    await advanceRead(this.db, { channelId, userId, seq, at });
  }

  async update(id: string, patch: Partial<MessageRow>): Promise<void> {
    await patchById(this.db, 'messages', id, patch);
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
