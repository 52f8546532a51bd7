import type { Insertable, Selectable } from 'kysely';
import { channelOpenTo } from '../channel-access.js';
import { WriteConflict } from '../errors.js';
import type { Executor } from '../executor.js';
import type { ChannelsTable } from '../schema.js';
import { prepared } from '../prepared.js';
import { patchById } from '../patch.js';
import type { WriteBatch } from '../write-batch.js';

export type ChannelRow = Selectable<ChannelsTable>;
export type ChannelWithReads = ChannelRow & {
  last_read_seq: number;
  unread_count: number;
  mention_count: number;
  notification_preference: string;
};

const channelById = prepared<{ id: string }, ChannelRow>((db, p) =>
  db.selectFrom('channels').selectAll().where('id', '=', p.id),
);
const channelMember = prepared<{ channelId: string; userId: string }, { user_id: string }>(
  (db, p) =>
    db
      .selectFrom('channel_members')
      .select('user_id')
      .where('channel_id', '=', p.channelId)
      .where('user_id', '=', p.userId),
);
const bumpSeq = prepared<{ channelId: string }, { last_seq: number }>((db, p) =>
  db
    .updateTable('channels')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p.channelId)
    .returning('last_seq'),
);

export class ChannelsRepo {
  constructor(
    private readonly db: Executor,
    /** Set inside a batched post: its writes are gathered (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

  async byId(id: string): Promise<ChannelRow | undefined> {
    const load = async () => (await channelById(this.db, { id })).rows[0];
    return this.batch ? this.batch.memo(`channel ${id}`, load) : load();
  }

  byName(workspaceId: string, name: string): Promise<ChannelRow | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insert(row: Insertable<ChannelsTable>): Promise<void> {
    await this.db.insertInto('channels').values(row).execute();
  }

  async addMember(channelId: string, userId: string, at: string): Promise<void> {
    await this.db
      .insertInto('channel_members')
      .values({ channel_id: channelId, user_id: userId, created_at: at })
      .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
      .execute();
  }

  /** Puts every human member of a workspace but its guests in a channel (a new #general). */
  async addWorkspaceMembers(channelId: string, workspaceId: string, at: string): Promise<void> {
    await this.db
      .insertInto('channel_members')
      .columns(['channel_id', 'user_id', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('workspace_members')
          .select([eb.val(channelId).as('channel_id'), 'user_id', eb.val(at).as('created_at')])
          .where('workspace_id', '=', workspaceId)
          .where('role', 'not in', ['guest', 'bot']),
      )
      .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
      .execute();
  }

  async isMember(channelId: string, userId: string): Promise<boolean> {
    return (await channelMember(this.db, { channelId, userId })).rows.length > 0;
  }

  /**
   * Channels of a workspace the user may see: every public channel plus private ones they
   * belong to, with their read pointer. Unread is last_seq - last_read_seq: O(1) per channel.
   */
  listVisible(workspaceId: string, userId: string): Promise<ChannelWithReads[]> {
    return this.db
      .selectFrom('channels as c')
      .leftJoin('channel_reads as r', (j) =>
        j.onRef('r.channel_id', '=', 'c.id').on('r.user_id', '=', userId),
      )
      .leftJoin('channel_notification_settings as n', (j) =>
        j.onRef('n.channel_id', '=', 'c.id').on('n.user_id', '=', userId),
      )
      .selectAll('c')
      .select((eb) => eb.fn.coalesce('n.preference', eb.val('all')).as('notification_preference'))
      .select((eb) => eb.fn.coalesce('r.last_read_seq', eb.lit(0)).as('last_read_seq'))
      .select((eb) => eb.fn.coalesce('r.mention_count', eb.lit(0)).as('mention_count'))
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('channel_members as me')
              .select('me.user_id')
              .whereRef('me.channel_id', '=', 'c.id')
              .where('me.user_id', '=', userId),
          )
          .$castTo<number>()
          .as('is_member'),
      )
      .select((eb) =>
        eb(eb.ref('c.last_seq'), '-', eb.fn.coalesce('r.last_read_seq', eb.lit(0))).as(
          'unread_count',
        ),
      )
      .where('c.workspace_id', '=', workspaceId)
      .where((eb) => channelOpenTo(eb, userId))
      .orderBy('c.name')
      .execute();
  }

  /** A user's read pointer in a channel, with their notification preference for it. */
  async readPointer(
    channelId: string,
    userId: string,
  ): Promise<{ last_read_seq: number; mention_count: number; notification_preference: string }> {
    const row = await this.db
      .selectFrom('channel_reads')
      .select(['last_read_seq', 'mention_count'])
      .where('channel_id', '=', channelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return {
      last_read_seq: row?.last_read_seq ?? 0,
      mention_count: row?.mention_count ?? 0,
      notification_preference: await this.notificationPreference(channelId, userId),
    };
  }

  /** `all` unless the user chose otherwise. */
  async notificationPreference(channelId: string, userId: string): Promise<string> {
    const row = await this.db
      .selectFrom('channel_notification_settings')
      .select('preference')
      .where('channel_id', '=', channelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.preference ?? 'all';
  }

  async setNotificationPreference(
    channelId: string,
    userId: string,
    preference: string,
    at: string,
  ): Promise<void> {
    await this.db
      .insertInto('channel_notification_settings')
      .values({ channel_id: channelId, user_id: userId, preference, updated_at: at })
      .onConflict((oc) =>
        oc.columns(['channel_id', 'user_id']).doUpdateSet({ preference, updated_at: at }),
      )
      .execute();
  }

  /** Allocates the next root seq of a channel inside the caller's write transaction. */
  async nextSeq(channelId: string): Promise<number> {
    if (this.batch) return this.batch.nextChannelSeq(channelId);
    const row = (await bumpSeq(this.db, { channelId })).rows[0];
    // Deleted by a concurrent transaction: the write runs again and finds it gone (a 404).
    if (!row) throw new WriteConflict(`channel ${channelId} was deleted`);
    return row.last_seq;
  }

  async memberIds(channelId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('channel_members')
      .select('user_id')
      .where('channel_id', '=', channelId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async update(id: string, patch: Partial<ChannelRow>): Promise<void> {
    await patchById(this.db, 'channels', id, patch);
  }

  async removeMember(channelId: string, userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('channel_members')
      .where('channel_id', '=', channelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Drops a user from every channel of a workspace (they left the workspace). */
  async removeFromWorkspace(workspaceId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('channel_members')
      .where('user_id', '=', userId)
      .where(
        'channel_id',
        'in',
        this.db.selectFrom('channels').select('id').where('workspace_id', '=', workspaceId),
      )
      .execute();
  }

  async countInWorkspace(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * What a channel holds: its live roots and live replies, and the uploads its messages
   * attach. Roots are reached by the seq index (only roots carry a seq), replies by their
   * root, attachments by message: nothing here walks a table in full.
   */
  async content(channelId: string): Promise<{
    messages: number;
    thread_replies: number;
    uploads: { id: string; storage_path: string }[];
  }> {
    const roots = this.roots(channelId);
    const replies = this.db
      .selectFrom('messages as r')
      .select('r.id')
      .where('r.parent_message_id', 'in', roots);
    const [messages, threadReplies, uploads] = await Promise.all([
      this.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel_id', '=', channelId)
        .where('channel_seq', 'is not', null)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('messages as r')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('r.parent_message_id', 'in', roots)
        .where('r.deleted_at', 'is', null)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom(roots.unionAll(replies).as('m'))
        .innerJoin('message_attachments as a', 'a.message_id', 'm.id')
        .innerJoin('uploads as u', 'u.id', 'a.upload_id')
        .select(['u.id', 'u.storage_path'])
        .distinct()
        .execute(),
    ]);
    return {
      messages: Number(messages.n),
      thread_replies: Number(threadReplies.n),
      uploads,
    };
  }

  /**
   * Deletes a channel and everything in it: its messages, and their replies, reactions, pins,
   * mentions, follows, thread state and attachments, all follow it by foreign key, each
   * found through an index (query-plans.test.ts checks that they lead one).
   */
  async deleteWithContent(channelId: string): Promise<void> {
    await this.db.deleteFrom('channels').where('id', '=', channelId).execute();
  }

  private roots(channelId: string) {
    return this.db
      .selectFrom('messages')
      .select('id')
      .where('channel_id', '=', channelId)
      .where('channel_seq', 'is not', null);
  }

  /** Public channels of a workspace with how many people joined each. */
  directory(workspaceId: string): Promise<(ChannelRow & { member_count: number })[]> {
    return this.db
      .selectFrom('channels as c')
      .selectAll('c')
      .select((eb) =>
        eb
          .selectFrom('channel_members as m')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('m.channel_id', '=', 'c.id')
          .as('member_count'),
      )
      .where('c.workspace_id', '=', workspaceId)
      .where('c.kind', '=', 'public')
      .orderBy('c.name')
      .execute() as Promise<(ChannelRow & { member_count: number })[]>;
  }
}
