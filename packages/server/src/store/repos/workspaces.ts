import type { WriteBatch } from '../write-batch.js';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { WriteConflict } from '../errors.js';
import type { WorkspaceMembersTable, WorkspacesTable } from '../schema.js';
import type { UserRow } from './users.js';
import { prepared } from '../prepared.js';
import { patchById } from '../patch.js';

export type WorkspaceRow = Selectable<WorkspacesTable>;
export type Role = WorkspaceMembersTable['role'];
export type WorkspaceWithRole = WorkspaceRow & { role: Role };
export type MemberRow = { role: Role; joined_at: string; user: UserRow };

/**
 * Literal, case-insensitive substring match (no LIKE wildcards from user input). `lower()`
 * folds ASCII only on both dialects (SQLite's built-in, PostgreSQL under the "C" collation).
 */
const nameOrHandleContains = (dialect: Dialect, q: string) =>
  dialect === 'postgres'
    ? sql<boolean>`(strpos(lower(u.display_name), ${q}) > 0 OR strpos(lower(u.handle), ${q}) > 0)`
    : sql<boolean>`(instr(lower(u.display_name), ${q}) > 0 OR instr(lower(u.handle), ${q}) > 0)`;

const memberRole = prepared<{ workspaceId: string; userId: string }, { role: Role }>((db, p) =>
  db
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', p.workspaceId)
    .where('user_id', '=', p.userId),
);

export class WorkspacesRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
    /** Set inside a batched post: lookups are shared by the batch (store/write-batch.ts). */
    private readonly batch?: WriteBatch,
  ) {}

  byId(id: string): Promise<WorkspaceRow | undefined> {
    return this.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  }

  bySlug(slug: string): Promise<WorkspaceRow | undefined> {
    return this.db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async insert(row: Insertable<WorkspacesTable>): Promise<void> {
    await this.db.insertInto('workspaces').values(row).execute();
  }

  listForUser(userId: string): Promise<WorkspaceWithRole[]> {
    return this.db
      .selectFrom('workspaces as w')
      .innerJoin('workspace_members as m', 'm.workspace_id', 'w.id')
      .selectAll('w')
      .select('m.role')
      .where('m.user_id', '=', userId)
      .orderBy('w.created_at')
      .orderBy('w.id')
      .execute();
  }

  async role(workspaceId: string, userId: string): Promise<Role | undefined> {
    const load = async () => (await memberRole(this.db, { workspaceId, userId })).rows[0]?.role;
    return this.batch ? this.batch.memo(`role ${workspaceId} ${userId}`, load) : load();
  }

  /** The workspace's longest-standing owner (its creator unless ownership moved), if any. */
  async firstOwner(workspaceId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .orderBy('created_at')
      .orderBy('user_id')
      .limit(1)
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Adds a member; returns false when the user already belonged (role unchanged). */
  async addMember(row: Insertable<WorkspaceMembersTable>): Promise<boolean> {
    const res = await this.db
      .insertInto('workspace_members')
      .values(row)
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Member directory page ordered by role rank, name, id (keyset after `after`). */
  async members(
    workspaceId: string,
    opts: {
      limit: number;
      q?: string;
      role?: Role;
      after?: { rank: number; name: string; id: string };
    },
  ): Promise<MemberRow[]> {
    let query = this.db
      .selectFrom('workspace_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .selectAll('u')
      .select(['m.role as member_role', 'm.created_at as joined_at'])
      .select((eb) =>
        eb
          .case()
          .when('m.role', '=', 'owner')
          .then(eb.lit(0))
          .when('m.role', '=', 'moderator')
          .then(eb.lit(1))
          .when('m.role', '=', 'member')
          .then(eb.lit(2))
          .when('m.role', '=', 'bot')
          .then(eb.lit(3))
          .else(eb.lit(4))
          .end()
          .as('rank'),
      )
      .select((eb) => eb.fn<string>('lower', ['u.display_name']).as('sort_name'))
      .where('m.workspace_id', '=', workspaceId);
    if (opts.role) query = query.where('m.role', '=', opts.role);
    if (opts.q) query = query.where(nameOrHandleContains(this.dialect, opts.q));
    const rows = await query.orderBy('rank').orderBy('sort_name').orderBy('u.id').execute();
    // Keyset filtering is done here: the directory is small and this keeps one query shape.
    const after = opts.after;
    const filtered = after
      ? rows.filter(
          (r) =>
            r.rank > after.rank ||
            (r.rank === after.rank &&
              (r.sort_name > after.name || (r.sort_name === after.name && r.id > after.id))),
        )
      : rows;
    return filtered.slice(0, opts.limit + 1).map((r) => ({
      role: r.member_role,
      joined_at: r.joined_at,
      user: {
        id: r.id,
        kind: r.kind,
        owner_user_id: r.owner_user_id,
        display_name: r.display_name,
        handle: r.handle,
        email: r.email,
        avatar_url: r.avatar_url,
        created_at: r.created_at,
        deleted_at: r.deleted_at,
        former_handle: r.former_handle,
        deleted_by: r.deleted_by,
        deactivated_at: r.deactivated_at,
        status_emoji: r.status_emoji,
        status_text: r.status_text,
        status_expires_at: r.status_expires_at,
      },
    }));
  }

  async countMembers(workspaceId: string, q?: string, role?: Role): Promise<number> {
    let query = this.db
      .selectFrom('workspace_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('m.workspace_id', '=', workspaceId);
    if (role) query = query.where('m.role', '=', role);
    if (q) query = query.where(nameOrHandleContains(this.dialect, q));
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many members hold each role (the directory's `total_by_role`). */
  async countByRole(workspaceId: string): Promise<Record<Role, number>> {
    const rows = await this.db
      .selectFrom('workspace_members')
      .select('role')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .groupBy('role')
      .execute();
    const counts: Record<Role, number> = { owner: 0, moderator: 0, member: 0, bot: 0, guest: 0 };
    for (const r of rows) counts[r.role] = Number(r.n);
    return counts;
  }

  async memberIds(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** The workspace's guests: the members who read only its `guest` channel. */
  async guestIds(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'guest')
      .execute();
    return rows.map((r) => r.user_id);
  }

  /**
   * With `from`, only a member who still has that role changes: one whom a concurrent write
   * changed first makes this write run again (`WriteConflict`), meeting its checks anew.
   */
  async setRole(workspaceId: string, userId: string, role: Role, from?: Role): Promise<void> {
    const res = await this.db
      .updateTable('workspace_members')
      .set({ role })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .$if(from !== undefined, (q) => q.where('role', '=', from as Role))
      .executeTakeFirst();
    if (from !== undefined && Number(res.numUpdatedRows) === 0)
      throw new WriteConflict(`the role of ${userId} changed`);
  }

  async update(
    id: string,
    patch: Partial<Pick<WorkspaceRow, 'name' | 'slug' | 'icon_url'>>,
  ): Promise<void> {
    await patchById(this.db, 'workspaces', id, patch);
  }

  /**
   * What a workspace holds: its members, channels, live messages (channels, DMs and
   * threads) and uploads. Each count walks an index that leads with the workspace.
   */
  async content(workspaceId: string): Promise<{
    members: number;
    channels: number;
    messages: number;
    uploads: { id: string; storage_path: string }[];
  }> {
    const count = (table: 'workspace_members' | 'channels') =>
      this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
    const [members, channels, messages, uploads] = await Promise.all([
      count('workspace_members'),
      count('channels'),
      this.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('deleted_at', 'is', null)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('uploads')
        .select(['id', 'storage_path'])
        .where('workspace_id', '=', workspaceId)
        .execute(),
    ]);
    return {
      members: Number(members.n),
      channels: Number(channels.n),
      messages: Number(messages.n),
      uploads,
    };
  }

  /**
   * Deletes a workspace and everything in it: every table that refers to it, or to a row
   * that goes with it, follows by foreign key through an index (query-plans.test.ts).
   */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('workspaces').where('id', '=', id).execute();
  }

  async removeMember(workspaceId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
  }
}
