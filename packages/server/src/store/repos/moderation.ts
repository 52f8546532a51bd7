import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { WriteBatch } from '../write-batch.js';
import { prepared } from '../prepared.js';
import type { WorkspaceMemberModerationTable } from '../schema.js';
import type { UserRow } from './users.js';
import type { Role } from './workspaces.js';

export type ModerationRow = Selectable<WorkspaceMemberModerationTable>;
export type Restriction = Pick<ModerationRow, 'blocked_at' | 'timeout_until'>;
export type RosterRow = { role: Role; user: UserRow; moderation: ModerationRow | undefined };

// Every write checks it, sending a message included.
const restrictionOf = prepared<{ workspaceId: string; userId: string }, Restriction>((db, p) =>
  db
    .selectFrom('workspace_member_moderation')
    .select(['blocked_at', 'timeout_until'])
    .where('workspace_id', '=', p.workspaceId)
    .where('user_id', '=', p.userId),
);

/** Blocks, timeouts and notes on workspace members (spec model-and-auth.md §2.6, §5.7). */
export class ModerationRepo {
  constructor(
    private readonly db: Executor,
    /** Set inside a batched post: lookups are shared by the batch (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

  async restriction(workspaceId: string, userId: string): Promise<Restriction | undefined> {
    const load = async () => (await restrictionOf(this.db, { workspaceId, userId })).rows[0];
    return this.batch ? this.batch.memo(`restriction ${workspaceId} ${userId}`, load) : load();
  }

  byMember(workspaceId: string, userId: string): Promise<ModerationRow | undefined> {
    return this.db
      .selectFrom('workspace_member_moderation')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async upsert(row: ModerationRow): Promise<void> {
    await this.db
      .insertInto('workspace_member_moderation')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'user_id']).doUpdateSet({
          timeout_until: row.timeout_until,
          blocked_at: row.blocked_at,
          moderation_note: row.moderation_note,
          moderation_by: row.moderation_by,
          moderation_at: row.moderation_at,
        }),
      )
      .execute();
  }

  /** The workspace's owners and moderators, each with what restricts them. */
  managers(workspaceId: string): Promise<(Restriction & { user_id: string })[]> {
    return this.db
      .selectFrom('workspace_members as m')
      .leftJoin('workspace_member_moderation as x', (j) =>
        j.onRef('x.workspace_id', '=', 'm.workspace_id').onRef('x.user_id', '=', 'm.user_id'),
      )
      .select(['m.user_id', 'x.blocked_at', 'x.timeout_until'])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.role', 'in', ['owner', 'moderator'])
      .execute();
  }

  /** Every member with their moderation state, in no particular order. */
  async roster(workspaceId: string): Promise<RosterRow[]> {
    const rows = await this.db
      .selectFrom('workspace_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .leftJoin('workspace_member_moderation as x', (j) =>
        j.onRef('x.workspace_id', '=', 'm.workspace_id').onRef('x.user_id', '=', 'm.user_id'),
      )
      .selectAll('u')
      .select([
        'm.role',
        'x.user_id as moderated_user_id',
        'x.timeout_until',
        'x.blocked_at',
        'x.moderation_note',
        'x.moderation_by',
        'x.moderation_at',
      ])
      .where('m.workspace_id', '=', workspaceId)
      .execute();
    return rows.map(
      ({
        role,
        moderated_user_id,
        timeout_until,
        blocked_at,
        moderation_note,
        moderation_by,
        moderation_at,
        ...user
      }) => ({
        role,
        user,
        moderation: moderated_user_id
          ? {
              workspace_id: workspaceId,
              user_id: moderated_user_id,
              timeout_until,
              blocked_at,
              moderation_note: moderation_note ?? '',
              moderation_by,
              moderation_at: moderation_at ?? '',
            }
          : undefined,
      }),
    );
  }
}
