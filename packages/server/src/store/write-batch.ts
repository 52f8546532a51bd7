import { type Selectable, sql, type Transaction } from 'kysely';
import { inList } from './prepared.js';
import { type EventRow, type NewEvent, newEventRow, nextEventCursor } from './event-rows.js';
import { WriteConflict } from './errors.js';
import type { Dialect } from './executor.js';
import type { DB } from './schema.js';

// The rows the repos name too (repos/messages.ts, repos/messaging.ts), spelled from the
// schema here: those repos hand their writes to this batch, so it cannot import them.
type MessageRow = Selectable<DB['messages']>;
type ThreadStateRow = Selectable<DB['thread_state']>;
type MentionRow = Selectable<DB['mentions']>;

interface ReadPointer {
  scope: string;
  user: string;
  seq: number;
  at: string;
}

/**
 * Seqs a batch hands out before its counters are bumped: far above any real seq, so a
 * provisional one is told apart from every other number in the pending rows.
 */
const PROVISIONAL = 2 ** 40;

/**
 * The rows the posts of one group commit write, gathered in memory and written by a fixed
 * few set-based statements (`flush`) instead of a dozen statements per post: on PostgreSQL
 * every statement is a round trip. A channel's or DM's seq is handed out provisionally and
 * the counter bumped once per batch at the flush, whose returned value renumbers the pending
 * rows (and the events the posts return) before they are inserted: the counter row, which
 * every post to that channel from every node needs, is locked only from the flush to COMMIT,
 * not while the posts are being decided. Counters are bumped in one order (table, then id),
 * so batches of several nodes queue on them without deadlocking. A thread's seq and state
 * are read once per batch, locked until COMMIT on PostgreSQL, and carried forward here;
 * event cursors come from the transaction's allocator (event-rows.ts); a post's nonce is
 * looked up among the batch's own messages as well as in the table.
 *
 * Only posts (store.write with `{ batched: true }`) go through a batch. The group committer
 * flushes it before any other write runs and forgets its counters after, so every other
 * write sees the database exactly as if the posts before it had written row by row.
 */
export class WriteBatch {
  private messages: MessageRow[] = [];
  private events: EventRow[] = [];
  /** What `appendEvent` returned for each event, renumbered with it. */
  private eventViews: { seq?: number }[] = [];
  private recipients: { event_id: string; user_id: string }[] = [];
  private mentions: MentionRow[] = [];
  private threadStates = new Map<string, ThreadStateRow>();
  private channelReads = new Map<string, ReadPointer>();
  private dmReads = new Map<string, ReadPointer>();
  private unhidden = new Set<string>();
  /** Unread-mention counts to add, by channel and user. */
  private mentionCounts = new Map<
    string,
    { channel: string; user: string; n: number; at: string }
  >();
  /** Thread follows inserted only where none exists yet, by root and user. */
  private follows = new Map<string, { root: string; user: string; at: string }>();
  /** Seqs handed out since the last flush, by channel and by DM. */
  private channelSeqs = new Map<string, number>();
  private dmSeqs = new Map<string, number>();
  private threadSeqs = new Map<string, number>();
  private states = new Map<string, ThreadStateRow | undefined>();
  /** Lookups every post repeats (its channel, the author's role and restriction), by key. */
  private lookups = new Map<string, Promise<unknown>>();
  /** The nonces the batch's posts carry (author, nonce), looked up together on first use. */
  private nonces = new Map<string, { author: string; nonce: string }>();
  private storedNonces: Promise<Map<string, MessageRow>> | undefined;

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly dialect: Dialect,
  ) {}

  /** Forgets pending rows and every counter read (a rollback, or another write ran). */
  reset(): void {
    this.clearPending();
    this.threadSeqs.clear();
    this.states.clear();
    this.lookups.clear();
    // Another write may have stored one of them meanwhile: each post looks its own up again.
    this.nonces.clear();
    this.storedNonces = undefined;
  }

  /** The nonces the batch's posts will look up (group-commit.ts, before they run). */
  expectNonces(keys: readonly { author: string; nonce: string }[]): void {
    for (const k of keys) this.nonces.set(`${k.author}\u0000${k.nonce}`, k);
  }

  /**
   * A stored message with the author's nonce: for a nonce the batch expects, from one query
   * for all of them (run by the first post that asks); otherwise `load`'s own.
   */
  async storedByNonce(
    author: string,
    nonce: string,
    load: () => Promise<MessageRow | undefined>,
  ): Promise<MessageRow | undefined> {
    const key = `${author}\u0000${nonce}`;
    if (!this.nonces.has(key)) return load();
    this.storedNonces ??= this.loadNonces();
    return (await this.storedNonces).get(key);
  }

  private async loadNonces(): Promise<Map<string, MessageRow>> {
    const keys = [...this.nonces.values()];
    const rows = await this.trx
      .selectFrom('messages')
      .selectAll()
      .where('author_id', 'in', [...new Set(keys.map((k) => k.author))])
      .where('client_nonce', 'in', [...new Set(keys.map((k) => k.nonce))])
      .where('client_nonce', '<>', sql.lit(''))
      .execute();
    return new Map(rows.map((r) => [`${r.author_id}\u0000${r.client_nonce}`, r]));
  }

  /**
   * A read shared by the batch's posts. Posts never change what is memoised (channels,
   * roles, moderation), and any other write resets the batch first, so it stays true.
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.lookups.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.lookups.set(key, hit);
    }
    return hit;
  }

  insertMessage(row: MessageRow): void {
    this.messages.push(row);
  }

  /** A message of this batch carrying the author's nonce, if any. */
  pendingByNonce(authorId: string, nonce: string): MessageRow | undefined {
    return this.messages.find((m) => m.author_id === authorId && m.client_nonce === nonce);
  }

  /** A provisional seq, made real by the flush (`bumpCounters`). */
  nextChannelSeq(channelId: string): Promise<number> {
    return Promise.resolve(provisional(this.channelSeqs, channelId));
  }

  nextDmSeq(dmId: string): Promise<number> {
    return Promise.resolve(provisional(this.dmSeqs, dmId));
  }

  async nextThreadSeq(rootId: string, load: () => Promise<number>): Promise<number> {
    const next = this.threadSeqs.has(rootId)
      ? (this.threadSeqs.get(rootId) as number) + 1
      : await load();
    this.threadSeqs.set(rootId, next);
    return next;
  }

  async threadState(
    rootId: string,
    load: () => Promise<ThreadStateRow | undefined>,
  ): Promise<ThreadStateRow | undefined> {
    if (!this.states.has(rootId)) this.states.set(rootId, await load());
    return this.states.get(rootId);
  }

  saveThreadState(row: ThreadStateRow): void {
    this.states.set(row.root_message_id, row);
    this.threadStates.set(row.root_message_id, row);
  }

  /** Forward-only, like the upsert it stands for: the highest seq of the batch wins. */
  advanceChannelRead(channelId: string, userId: string, seq: number, at: string): void {
    advance(this.channelReads, { scope: channelId, user: userId, seq, at });
  }

  advanceDmRead(dmId: string, userId: string, seq: number, at: string): void {
    advance(this.dmReads, { scope: dmId, user: userId, seq, at });
  }

  unhideDm(dmId: string): void {
    this.unhidden.add(dmId);
  }

  insertMentions(rows: readonly MentionRow[]): void {
    this.mentions.push(...rows);
  }

  bumpMentionCounts(channelId: string, userIds: readonly string[], at: string): void {
    for (const user of userIds) {
      const key = `${channelId}\u0000${user}`;
      const prev = this.mentionCounts.get(key);
      this.mentionCounts.set(key, { channel: channelId, user, n: (prev?.n ?? 0) + 1, at });
    }
  }

  follow(rootId: string, userId: string, at: string): void {
    const key = `${rootId}\u0000${userId}`;
    if (!this.follows.has(key)) this.follows.set(key, { root: rootId, user: userId, at });
  }

  pendingFollowers(rootId: string): string[] {
    return [...this.follows.values()].filter((f) => f.root === rootId).map((f) => f.user);
  }

  /**
   * An event with the transaction's next cursor (event-rows.ts); `view` is what the caller
   * hands on, renumbered with the row should its seq be provisional.
   */
  async appendEvent<E extends { seq?: number }>(
    input: NewEvent,
    view: (row: EventRow) => E,
  ): Promise<E> {
    const row = newEventRow(input, await nextEventCursor(this.trx, this.dialect));
    const shown = view(row);
    this.events.push(row);
    this.eventViews.push(shown);
    for (const user_id of new Set(input.recipients ?? []))
      this.recipients.push({ event_id: row.id, user_id });
    return shown;
  }

  /**
   * Bumps each counter once by the seqs it handed out, in one order, and renumbers the
   * pending rows that carry them. A counter row gone by now was deleted by a concurrent
   * transaction: the posts run again and find it gone (a clean 404).
   */
  private async bumpCounters(): Promise<void> {
    for (const [table, seqs] of [
      ['channels', this.channelSeqs],
      ['direct_conversations', this.dmSeqs],
    ] as const) {
      if (seqs.size === 0) continue;
      const ids = [...seqs.keys()].sort();
      const bumped = new Map((await this.bump(table, ids, seqs)).map((r) => [r.id, r.last_seq]));
      for (const id of ids) {
        const last = bumped.get(id);
        if (last === undefined) throw new WriteConflict(`${table} ${id} was deleted`);
        this.renumber(table === 'channels' ? 'channel' : 'dm', id, last - (seqs.get(id) as number));
      }
      seqs.clear();
    }
  }

  /**
   * The counters' new values. On PostgreSQL several counters are locked in id order and
   * bumped by one statement (one round trip while they are held); SQLite writes alone.
   */
  private async bump(
    table: 'channels' | 'direct_conversations',
    ids: string[],
    seqs: Map<string, number>,
  ): Promise<{ id: string; last_seq: number }[]> {
    const counts = ids.map((id) => seqs.get(id) as number);
    if (this.dialect === 'postgres' && ids.length > 1) {
      const t = sql.table(table);
      const { rows } = await sql<{ id: string; last_seq: number }>`
        UPDATE ${t} AS c SET last_seq = c.last_seq + v.n
          FROM unnest(${ids}::text[], ${counts}::int[]) AS v(id, n),
               (SELECT id FROM ${t} WHERE id = ANY(${ids}::text[])
                 ORDER BY id FOR NO KEY UPDATE) AS locked
         WHERE c.id = v.id AND locked.id = c.id
        RETURNING c.id, c.last_seq`.execute(this.trx);
      return rows;
    }
    const rows: { id: string; last_seq: number }[] = [];
    for (const [i, id] of ids.entries()) {
      const row = await this.trx
        .updateTable(table)
        .set({ last_seq: sql`last_seq + ${counts[i]}` })
        .where('id', '=', id)
        .returning('last_seq')
        .executeTakeFirst();
      if (row) rows.push({ id, last_seq: row.last_seq });
    }
    return rows;
  }

  /** Provisional seqs of one channel or DM → `base` + 1, + 2, … in the order handed out. */
  private renumber(kind: 'channel' | 'dm', id: string, base: number): void {
    const real = (seq: number): number => (seq > PROVISIONAL ? seq - PROVISIONAL + base : seq);
    const inScope = (row: {
      channel_id: string | null;
      direct_conversation_id: string | null;
    }): boolean =>
      kind === 'dm'
        ? row.direct_conversation_id === id
        : row.channel_id === id && row.direct_conversation_id === null;
    for (const m of this.messages)
      if (m.channel_seq !== null && inScope(m)) m.channel_seq = real(m.channel_seq);
    this.events.forEach((e, i) => {
      if (e.seq === null || !inScope(e)) return;
      e.seq = real(e.seq);
      const shown = this.eventViews[i] as { seq?: number };
      if (shown.seq !== undefined) shown.seq = e.seq;
    });
    if (kind === 'channel') {
      for (const m of this.mentions) if (inScope(m)) m.seq = real(m.seq);
    }
    for (const r of (kind === 'channel' ? this.channelReads : this.dmReads).values())
      if (r.scope === id) r.seq = real(r.seq);
  }

  /** Writes everything pending: a fixed number of statements, whatever the batch's size. */
  async flush(): Promise<void> {
    const trx = this.trx;
    await this.bumpCounters();
    if (this.messages.length > 0) await trx.insertInto('messages').values(this.messages).execute();
    if (this.threadStates.size > 0) {
      await trx
        .insertInto('thread_state')
        .values([...this.threadStates.values()])
        .onConflict((oc) =>
          oc.column('root_message_id').doUpdateSet({
            reply_count: (eb) => eb.ref('excluded.reply_count'),
            last_reply_at: (eb) => eb.ref('excluded.last_reply_at'),
            last_reply_author_ids_json: (eb) => eb.ref('excluded.last_reply_author_ids_json'),
          }),
        )
        .execute();
    }
    if (this.events.length > 0) await trx.insertInto('events').values(this.events).execute();
    if (this.recipients.length > 0)
      await trx.insertInto('event_recipients').values(this.recipients).execute();
    if (this.channelReads.size > 0) {
      await trx
        .insertInto('channel_reads')
        .values(
          [...this.channelReads.values()].map((r) => ({
            channel_id: r.scope,
            user_id: r.user,
            last_read_seq: r.seq,
            last_read_at: r.at,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['channel_id', 'user_id'])
            .doUpdateSet({
              last_read_seq: (eb) => eb.ref('excluded.last_read_seq'),
              last_read_at: (eb) => eb.ref('excluded.last_read_at'),
            })
            .whereRef('channel_reads.last_read_seq', '<', 'excluded.last_read_seq'),
        )
        .execute();
    }
    if (this.dmReads.size > 0) {
      await trx
        .insertInto('direct_reads')
        .values(
          [...this.dmReads.values()].map((r) => ({
            conversation_id: r.scope,
            user_id: r.user,
            last_read_seq: r.seq,
            last_read_at: r.at,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['conversation_id', 'user_id'])
            .doUpdateSet({
              last_read_seq: (eb) => eb.ref('excluded.last_read_seq'),
              last_read_at: (eb) => eb.ref('excluded.last_read_at'),
            })
            .whereRef('direct_reads.last_read_seq', '<', 'excluded.last_read_seq'),
        )
        .execute();
    }
    if (this.mentions.length > 0) {
      await trx
        .insertInto('mentions')
        .values(this.mentions)
        .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
        .execute();
    }
    if (this.mentionCounts.size > 0) {
      await trx
        .insertInto('channel_reads')
        .values(
          [...this.mentionCounts.values()].map((m) => ({
            channel_id: m.channel,
            user_id: m.user,
            last_read_seq: 0,
            last_read_at: m.at,
            mention_count: m.n,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['channel_id', 'user_id']).doUpdateSet({
            mention_count: sql`channel_reads.mention_count + excluded.mention_count`,
          }),
        )
        .execute();
    }
    if (this.follows.size > 0) {
      await trx
        .insertInto('thread_follows')
        .values(
          [...this.follows.values()].map((f) => ({
            root_message_id: f.root,
            user_id: f.user,
            following: 1,
            created_at: f.at,
          })),
        )
        .onConflict((oc) => oc.columns(['root_message_id', 'user_id']).doNothing())
        .execute();
    }
    if (this.unhidden.size > 0) {
      await trx
        .deleteFrom('direct_conversation_hidden')
        .where(inList(trx, 'conversation_id', [...this.unhidden]))
        .execute();
    }
    this.clearPending();
  }

  private clearPending(): void {
    this.messages = [];
    this.events = [];
    this.eventViews = [];
    this.channelSeqs.clear();
    this.dmSeqs.clear();
    this.recipients = [];
    this.mentions = [];
    this.threadStates.clear();
    this.channelReads.clear();
    this.dmReads.clear();
    this.unhidden.clear();
    this.mentionCounts.clear();
    this.follows.clear();
  }
}

function provisional(seqs: Map<string, number>, id: string): number {
  const n = (seqs.get(id) ?? 0) + 1;
  seqs.set(id, n);
  return PROVISIONAL + n;
}

function advance(pointers: Map<string, ReadPointer>, next: ReadPointer): void {
  const key = `${next.scope}\u0000${next.user}`;
  const prev = pointers.get(key);
  if (!prev || prev.seq < next.seq) pointers.set(key, next);
}
