import { sql, type Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import { WriteConflict } from '../errors.js';
import type { DirectConversationsTable } from '../schema.js';
import type { WriteBatch } from '../write-batch.js';

export type DmRow = Selectable<DirectConversationsTable>;
export type DmWithReads = DmRow & { last_read_seq: number };

/** Direct conversations, their members and per-user state. */
export class DmsRepo {
  constructor(
    private readonly db: Executor,
    /** Set inside a batched post: its writes are gathered (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('direct_conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('direct_conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Member ids of several conversations at once. */
  async membersOf(conversationIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (conversationIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('direct_conversation_members')
      .select(['conversation_id', 'user_id'])
      .where('conversation_id', 'in', [...conversationIds])
      .execute();
    for (const r of rows)
      out.set(r.conversation_id, [...(out.get(r.conversation_id) ?? []), r.user_id]);
    return out;
  }

  byId(id: string): Promise<DmRow | undefined> {
    return this.db
      .selectFrom('direct_conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  byMemberSet(workspaceId: string, key: string): Promise<DmRow | undefined> {
    return this.db
      .selectFrom('direct_conversations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('member_set_key', '=', key)
      .executeTakeFirst();
  }

  async insert(row: DmRow, memberIds: readonly string[]): Promise<void> {
    await this.db.insertInto('direct_conversations').values(row).execute();
    await this.db
      .insertInto('direct_conversation_members')
      .values(
        memberIds.map((user_id) => ({
          conversation_id: row.id,
          user_id,
          created_at: row.created_at,
        })),
      )
      .execute();
  }

  /** The user's conversations in a workspace, open ones only unless `includeHidden`. */
  listFor(workspaceId: string, userId: string): Promise<DmWithReads[]> {
    return this.db
      .selectFrom('direct_conversations as d')
      .innerJoin('direct_conversation_members as m', 'm.conversation_id', 'd.id')
      .leftJoin('direct_reads as r', (j) =>
        j.onRef('r.conversation_id', '=', 'd.id').on('r.user_id', '=', userId),
      )
      .selectAll('d')
      .select((eb) => eb.fn.coalesce('r.last_read_seq', eb.lit(0)).as('last_read_seq'))
      .where('d.workspace_id', '=', workspaceId)
      .where('m.user_id', '=', userId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('direct_conversation_hidden as h')
              .select('h.user_id')
              .whereRef('h.conversation_id', '=', 'd.id')
              .where('h.user_id', '=', userId),
          ),
        ),
      )
      .orderBy('d.created_at')
      .execute();
  }

  async readPointer(conversationId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('direct_reads')
      .select('last_read_seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.last_read_seq ?? 0;
  }

  async setRead(conversationId: string, userId: string, seq: number, at: string): Promise<void> {
    if (this.batch) return this.batch.advanceDmRead(conversationId, userId, seq, at);
    await this.db
      .insertInto('direct_reads')
      .values({
        conversation_id: conversationId,
        user_id: userId,
        last_read_seq: seq,
        last_read_at: at,
      })
      .onConflict((oc) =>
        oc
          .columns(['conversation_id', 'user_id'])
          .doUpdateSet({ last_read_seq: seq, last_read_at: at })
          .where('direct_reads.last_read_seq', '<', seq),
      )
      .execute();
  }

  /** Moves the read pointer back (mark unread); setRead only ever moves it forward. */
  async rewindRead(conversationId: string, userId: string, seq: number, at: string): Promise<void> {
    await this.db
      .updateTable('direct_reads')
      .set({ last_read_seq: seq, last_read_at: at })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('last_read_seq', '>', seq)
      .execute();
  }

  async nextSeq(conversationId: string): Promise<number> {
    if (this.batch) return this.batch.nextDmSeq(conversationId);
    const row = await this.db
      .updateTable('direct_conversations')
      .set({ last_seq: sql`last_seq + 1` })
      .where('id', '=', conversationId)
      .returning('last_seq')
      .executeTakeFirst();
    // Deleted by a concurrent transaction: the write runs again and finds it gone (a 404).
    if (!row) throw new WriteConflict(`conversation ${conversationId} was deleted`);
    return row.last_seq;
  }

  async hide(conversationId: string, userId: string, at: string): Promise<void> {
    await this.db
      .insertInto('direct_conversation_hidden')
      .values({ conversation_id: conversationId, user_id: userId, hidden_at: at })
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
      .execute();
  }

  /** Un-hides for one user, or for everyone when `userId` is omitted (a new message). */
  async unhide(conversationId: string, userId?: string): Promise<void> {
    if (this.batch && userId === undefined) return this.batch.unhideDm(conversationId);
    let q = this.db
      .deleteFrom('direct_conversation_hidden')
      .where('conversation_id', '=', conversationId);
    if (userId) q = q.where('user_id', '=', userId);
    await q.execute();
  }
}
