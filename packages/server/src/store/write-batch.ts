import { type Selectable, sql, type Transaction } from 'kysely';
import { inList } from './prepared.js';
import { type EventRow, type NewEvent, newEventRow, nextEventCursor } from './event-rows.js';
import { WriteConflict } from './errors.js';
import type { Dialect } from './executor.js';
import { forUpdate } from './locks.js';
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
 * The rows the posts of one group commit write, gathered in memory and written by a fixed
 * few set-based statements (`flush`) instead of a dozen statements per post: on PostgreSQL
 * every statement is a round trip. Counters a post reads and bumps (a channel's or DM's
 * seq, a thread's seq and state) are read once per batch, locked on PostgreSQL until COMMIT
 * so another node's batch waits for them, and carried forward here; event cursors come from
 * the transaction's allocator (event-rows.ts); a post's nonce is looked up among the batch's
 * own messages as well as in the table.
 *
 * Only posts (store.write with `{ batched: true }`) go through a batch. The group committer
 * flushes it before any other write runs and forgets its counters after, so every other
 * write sees the database exactly as if the posts before it had written row by row.
 */
export class WriteBatch {
  private messages: MessageRow[] = [];
  private events: EventRow[] = [];
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
  /** Seq counters bumped in this batch, written back once each at the flush. */
  private channelSeqs = new Map<string, { seq: number; dirty: boolean }>();
  private dmSeqs = new Map<string, { seq: number; dirty: boolean }>();
  private threadSeqs = new Map<string, number>();
  private states = new Map<string, ThreadStateRow | undefined>();
  /** Lookups every post repeats (its channel, the author's role and restriction), by key. */
  private lookups = new Map<string, Promise<unknown>>();

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly dialect: Dialect,
  ) {}

  /** Forgets pending rows and every counter read (a rollback, or another write ran). */
  reset(): void {
    this.clearPending();
    this.channelSeqs.clear();
    this.dmSeqs.clear();
    this.threadSeqs.clear();
    this.states.clear();
    this.lookups.clear();
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

  async nextChannelSeq(channelId: string): Promise<number> {
    return this.bump(this.channelSeqs, channelId, async () => {
      const row = await forUpdate(
        this.dialect,
        this.trx.selectFrom('channels').select('last_seq').where('id', '=', channelId),
      ).executeTakeFirst();
      if (!row) throw new WriteConflict(`channel ${channelId} was deleted`);
      return row.last_seq;
    });
  }

  async nextDmSeq(dmId: string): Promise<number> {
    return this.bump(this.dmSeqs, dmId, async () => {
      const row = await forUpdate(
        this.dialect,
        this.trx.selectFrom('direct_conversations').select('last_seq').where('id', '=', dmId),
      ).executeTakeFirst();
      if (!row) throw new WriteConflict(`conversation ${dmId} was deleted`);
      return row.last_seq;
    });
  }

  private async bump(
    seqs: Map<string, { seq: number; dirty: boolean }>,
    id: string,
    load: () => Promise<number>,
  ): Promise<number> {
    const counter = seqs.get(id) ?? { seq: await load(), dirty: false };
    counter.seq += 1;
    counter.dirty = true;
    seqs.set(id, counter);
    return counter.seq;
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

  /** An event with the transaction's next cursor (event-rows.ts). */
  async appendEvent(input: NewEvent): Promise<EventRow> {
    const row = newEventRow(input, await nextEventCursor(this.trx, this.dialect));
    this.events.push(row);
    for (const user_id of new Set(input.recipients ?? []))
      this.recipients.push({ event_id: row.id, user_id });
    return row;
  }

  /** Writes everything pending: a fixed number of statements, whatever the batch's size. */
  async flush(): Promise<void> {
    const trx = this.trx;
    for (const [table, seqs] of [
      ['channels', this.channelSeqs],
      ['direct_conversations', this.dmSeqs],
    ] as const) {
      for (const [id, counter] of seqs) {
        if (!counter.dirty) continue;
        await trx.updateTable(table).set({ last_seq: counter.seq }).where('id', '=', id).execute();
        counter.dirty = false;
      }
    }
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

function advance(pointers: Map<string, ReadPointer>, next: ReadPointer): void {
  const key = `${next.scope}\u0000${next.user}`;
  const prev = pointers.get(key);
  if (!prev || prev.seq < next.seq) pointers.set(key, next);
}
