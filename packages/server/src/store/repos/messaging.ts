import { sql, type Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import { inList, prepared } from '../prepared.js';
import type { MentionsTable, PinnedMessagesTable } from '../schema.js';
import type { WriteBatch } from '../write-batch.js';

const reactionCountsOf = prepared<{ ids: readonly string[]; viewerId: string }, ReactionCount>(
  (db, p) =>
    db
      .selectFrom('reactions')
      .select(['message_id', 'emoji'])
      .select(sql<number>`count(*)`.as('count'))
      .select(sql<number>`sum(CASE WHEN user_id = ${p.viewerId} THEN 1 ELSE 0 END)`.as('mine'))
      .select(sql<string>`min(created_at)`.as('first_at'))
      .where(inList(db, 'message_id', p.ids))
      .groupBy(['message_id', 'emoji'])
      .orderBy('first_at')
      .orderBy('emoji'),
);

export type PinRow = Selectable<PinnedMessagesTable>;
export type MentionRow = Selectable<MentionsTable>;
export interface ReactionCount {
  message_id: string;
  emoji: string;
  count: number;
  mine: number;
  first_at: string;
}

/** Reactions, pins, mentions and thread follows: the satellites of a message. */
export class MessagingRepo {
  constructor(
    private readonly db: Executor,
    /** Set inside a batched post: its writes are gathered (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

  /** Adds a reaction; false when this user already had it. */
  async addReaction(
    messageId: string,
    userId: string,
    emoji: string,
    at: string,
  ): Promise<boolean> {
    const res = await this.db
      .insertInto('reactions')
      .values({ message_id: messageId, user_id: userId, emoji, created_at: at })
      .onConflict((oc) => oc.columns(['message_id', 'user_id', 'emoji']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async removeReaction(messageId: string, userId: string, emoji: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('reactions')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .where('emoji', '=', emoji)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Per-message, per-emoji counts with whether `viewerId` reacted, in first-reaction order. */
  async reactionCounts(messageIds: readonly string[], viewerId: string): Promise<ReactionCount[]> {
    if (messageIds.length === 0) return [];
    return (await reactionCountsOf(this.db, { ids: messageIds, viewerId })).rows;
  }

  reactors(messageId: string): Promise<{ emoji: string; user_id: string }[]> {
    return this.db
      .selectFrom('reactions')
      .select(['emoji', 'user_id'])
      .where('message_id', '=', messageId)
      .orderBy('created_at')
      .execute();
  }

  pin(channelId: string, messageId: string): Promise<PinRow | undefined> {
    return this.db
      .selectFrom('pinned_messages')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('message_id', '=', messageId)
      .executeTakeFirst();
  }

  async pinCount(channelId: string): Promise<number> {
    const row = await this.db
      .selectFrom('pinned_messages')
      .select(sql<number>`count(*)`.as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertPin(row: PinRow): Promise<void> {
    await this.db.insertInto('pinned_messages').values(row).execute();
  }

  async deletePin(channelId: string, messageId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('pinned_messages')
      .where('channel_id', '=', channelId)
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Pinned messages of a channel, newest pin first, deleted messages skipped. */
  pinnedMessageIds(channelId: string, limit: number): Promise<string[]> {
    return this.db
      .selectFrom('pinned_messages as p')
      .innerJoin('messages as m', 'm.id', 'p.message_id')
      .select('p.message_id')
      .where('p.channel_id', '=', channelId)
      .where('m.deleted_at', 'is', null)
      .orderBy('p.created_at', 'desc')
      .limit(limit)
      .execute()
      .then((rows) => rows.map((r) => r.message_id));
  }

  async insertMentions(rows: MentionRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.batch) return this.batch.insertMentions(rows);
    await this.db
      .insertInto('mentions')
      .values(rows)
      .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
      .execute();
  }

  /** Bumps unread-mention counters of channel members (the read pointer row is created if missing). */
  async bumpMentionCounts(
    channelId: string,
    userIds: readonly string[],
    at: string,
  ): Promise<void> {
    if (this.batch) return this.batch.bumpMentionCounts(channelId, userIds, at);
    for (const userId of userIds) {
      await this.db
        .insertInto('channel_reads')
        .values({
          channel_id: channelId,
          user_id: userId,
          last_read_seq: 0,
          last_read_at: at,
          mention_count: 1,
        })
        .onConflict((oc) =>
          oc
            .columns(['channel_id', 'user_id'])
            .doUpdateSet({ mention_count: sql`channel_reads.mention_count + 1` }),
        )
        .execute();
    }
  }

  /** Mentions of a user still unread after `seq` in a channel (used when the pointer moves). */
  async unreadMentions(channelId: string, userId: string, seq: number): Promise<number> {
    const row = await this.db
      .selectFrom('mentions')
      .select(sql<number>`count(*)`.as('n'))
      .where('user_id', '=', userId)
      .where('channel_id', '=', channelId)
      .where('seq', '>', seq)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  mentionsOf(
    userId: string,
    workspaceId: string | undefined,
    limit: number,
    before?: string,
  ): Promise<MentionRow[]> {
    let q = this.db.selectFrom('mentions').selectAll().where('user_id', '=', userId);
    if (workspaceId) q = q.where('workspace_id', '=', workspaceId);
    if (before) q = q.where('created_at', '<', before);
    return q.orderBy('created_at', 'desc').orderBy('message_id', 'desc').limit(limit).execute();
  }

  /** Sets (or clears) a user's follow of a thread; explicit choices are remembered. */
  async setFollow(
    rootId: string,
    userId: string,
    following: boolean,
    at: string,
    onlyIfNew = false,
  ): Promise<void> {
    if (this.batch && following && onlyIfNew) return this.batch.follow(rootId, userId, at);
    const q = this.db.insertInto('thread_follows').values({
      root_message_id: rootId,
      user_id: userId,
      following: following ? 1 : 0,
      created_at: at,
    });
    await (
      onlyIfNew
        ? q.onConflict((oc) => oc.columns(['root_message_id', 'user_id']).doNothing())
        : q.onConflict((oc) =>
            oc
              .columns(['root_message_id', 'user_id'])
              .doUpdateSet({ following: following ? 1 : 0 }),
          )
    ).execute();
  }

  async followers(rootId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('thread_follows')
      .select(['user_id', 'following'])
      .where('root_message_id', '=', rootId)
      .execute();
    const out = rows.filter((r) => r.following === 1).map((r) => r.user_id);
    // Follows a batched post added: they count where the user had no row (if-new inserts).
    for (const id of this.batch?.pendingFollowers(rootId) ?? [])
      if (!rows.some((r) => r.user_id === id)) out.push(id);
    return out;
  }
}
