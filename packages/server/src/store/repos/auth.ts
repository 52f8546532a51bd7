import type { Insertable, Selectable } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import type {
  BotTokensTable,
  InvitesTable,
  MagicLinksTable,
  OidcLoginsTable,
  SessionsTable,
} from '../schema.js';
import { prepared } from '../prepared.js';
import type { UserRow } from './users.js';
import type { WorkspaceRow } from './workspaces.js';

export type MagicLinkRow = Selectable<MagicLinksTable>;
export type SessionRow = Selectable<SessionsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type OidcLoginRow = Selectable<OidcLoginsTable>;
export type BotTokenRow = Selectable<BotTokensTable>;

const sessionByHash = prepared<{ hash: string }, SessionRow>((db, p) =>
  db.selectFrom('sessions').selectAll().where('token_hash', '=', p.hash),
);

type SessionJoinRow = UserRow & {
  session_id: string;
  session_expires_at: string;
  session_revoked_at: string | null;
};

const sessionWithUser = prepared<{ hash: string }, SessionJoinRow>((db, p) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.id as session_id', 's.expires_at as session_expires_at'])
    .select('s.revoked_at as session_revoked_at')
    .where('s.token_hash', '=', p.hash),
);

/** Credentials: every secret is looked up by its SHA-256 hash, never stored raw. */
export class AuthRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async insertMagicLink(row: Insertable<MagicLinksTable>): Promise<void> {
    await this.db.insertInto('auth_magic_links').values(row).execute();
  }

  magicLinkByHash(hash: string): Promise<MagicLinkRow | undefined> {
    return this.db
      .selectFrom('auth_magic_links')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Marks a link used; false when another request consumed it first. */
  async useMagicLink(id: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('auth_magic_links')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * The live links of an address that carry a code, newest first: a code is checked only
   * against these, so it is only as good as the address it was mailed to.
   */
  liveCodeLinks(email: string, now: string): Promise<MagicLinkRow[]> {
    return this.db
      .selectFrom('auth_magic_links')
      .selectAll()
      .where('email', '=', email)
      .where('code_hash', '<>', '')
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Counts a wrong code against each live link of the address. */
  async countCodeMiss(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('auth_magic_links')
      .set((eb) => ({ code_attempts: eb('code_attempts', '+', 1) }))
      .where('id', 'in', [...ids])
      .execute();
  }

  async insertSession(row: Insertable<SessionsTable>): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async sessionByHash(hash: string): Promise<SessionRow | undefined> {
    return (await sessionByHash(this.db, { hash })).rows[0];
  }

  /** A session with its user in one statement, as every signed-in request resolves it. */
  async sessionWithUser(hash: string): Promise<
    | {
        session: Pick<SessionRow, 'id' | 'expires_at' | 'revoked_at'>;
        user: UserRow;
      }
    | undefined
  > {
    const row = (await sessionWithUser(this.db, { hash })).rows[0];
    if (!row) return undefined;
    const { session_id, session_expires_at, session_revoked_at, ...user } = row;
    return {
      session: { id: session_id, expires_at: session_expires_at, revoked_at: session_revoked_at },
      user,
    };
  }

  async revokeSession(hash: string, at: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** A user's sessions that still work, newest first. */
  liveSessions(userId: string, now: string): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** Revokes one of a user's sessions by id; false when it is not theirs or already over. */
  async revokeSessionById(userId: string, id: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Last-used times are best effort: on PostgreSQL a row another transaction holds (another
   * node's flush, a revocation) is skipped rather than waited for, so a flush sharing a
   * batch with posts never deadlocks against another node's batch.
   */
  async touchSessions(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('id', 'in', this.unheld('sessions', ids))
      .execute();
  }

  /** Revokes every live session of a user but `keepId`; returns the ids it revoked. */
  async revokeUserSessions(
    userId: string,
    keepId: string | undefined,
    at: string,
  ): Promise<string[]> {
    let q = this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepId) q = q.where('id', '<>', keepId);
    return (await q.returning('id').execute()).map((r) => r.id);
  }

  /** The user's argon2id PHC string, when they have a local password. */
  async passwordHash(userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('user_passwords')
      .select('password_hash')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.password_hash;
  }

  async setPassword(userId: string, hash: string, at: string): Promise<void> {
    await this.db
      .insertInto('user_passwords')
      .values({ user_id: userId, password_hash: hash, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: hash, updated_at: at }))
      .execute();
  }

  /** False when the user had no password. */
  async clearPassword(userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('user_passwords')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async insertInvite(row: Insertable<InvitesTable>): Promise<void> {
    await this.db.insertInto('invites').values(row).execute();
  }

  inviteByHash(hash: string): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  }

  inviteById(id: string): Promise<InviteRow | undefined> {
    return this.db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first; a workspace keeps few links, 500 is more than a page ever shows. */
  invitesOf(workspaceId: string): Promise<InviteRow[]> {
    return this.db
      .selectFrom('invites')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
  }

  /** One more person joined through it; the first one stays recorded as its acceptor. */
  /**
   * Counts one use of an invite unless it is used up; false if it is. Concurrent joins
   * through one link wait for each other's row lock and see the count the other left.
   */
  async countInviteUse(id: string, userId: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('invites')
      .set((eb) => ({
        uses: eb('uses', '+', 1),
        accepted_at: eb.fn.coalesce('accepted_at', eb.val(at)),
        accepted_by: eb.fn.coalesce('accepted_by', eb.val(userId)),
      }))
      .where('id', '=', id)
      .where((eb) => eb.or([eb('max_uses', '=', 0), eb('uses', '<', eb.ref('max_uses'))]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async revokeInvite(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('invites')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async joinDomains(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('workspace_join_domains')
      .select('domain')
      .where('workspace_id', '=', workspaceId)
      .orderBy('domain')
      .execute();
    return rows.map((r) => r.domain);
  }

  /** Replaces the workspace's list. */
  async setJoinDomains(workspaceId: string, domains: readonly string[], at: string): Promise<void> {
    await this.db
      .deleteFrom('workspace_join_domains')
      .where('workspace_id', '=', workspaceId)
      .execute();
    if (domains.length === 0) return;
    await this.db
      .insertInto('workspace_join_domains')
      .values(domains.map((domain) => ({ workspace_id: workspaceId, domain, created_at: at })))
      .execute();
  }

  async isJoinDomain(domain: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('workspace_join_domains')
      .select('workspace_id')
      .where('domain', '=', domain)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Workspaces that let people at `domain` in on their own, but for those `userId` is in. */
  joinableWorkspaces(domain: string, userId: string): Promise<WorkspaceRow[]> {
    return this.db
      .selectFrom('workspace_join_domains as d')
      .innerJoin('workspaces as w', 'w.id', 'd.workspace_id')
      .selectAll('w')
      .where('d.domain', '=', domain)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('workspace_members as m')
              .select('m.user_id')
              .whereRef('m.workspace_id', '=', 'w.id')
              .where('m.user_id', '=', userId),
          ),
        ),
      )
      .orderBy('w.created_at')
      .orderBy('w.id')
      .execute();
  }

  async insertOidcLogin(row: Insertable<OidcLoginsTable>): Promise<void> {
    await this.db.insertInto('oidc_logins').values(row).execute();
  }

  /** Finds and deletes a sign-in in flight: each callback uses one once. */
  async takeOidcLogin(stateHash: string): Promise<OidcLoginRow | undefined> {
    const row = await this.db
      .selectFrom('oidc_logins')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
    if (row) await this.db.deleteFrom('oidc_logins').where('state_hash', '=', stateHash).execute();
    return row;
  }

  async deleteExpiredOidcLogins(now: string): Promise<void> {
    await this.db.deleteFrom('oidc_logins').where('expires_at', '<=', now).execute();
  }

  async insertBotToken(row: Insertable<BotTokensTable>): Promise<void> {
    await this.db.insertInto('bot_tokens').values(row).execute();
  }

  botTokenByHash(hash: string): Promise<BotTokenRow | undefined> {
    return this.db
      .selectFrom('bot_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Best effort, like `touchSessions`. */
  async touchBotTokens(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('bot_tokens')
      .set({ last_used_at: at })
      .where('id', 'in', this.unheld('bot_tokens', ids))
      .execute();
  }

  /** `ids`, less (on PostgreSQL) the rows another transaction holds: skipped, not awaited. */
  private unheld(table: 'sessions' | 'bot_tokens', ids: readonly string[]) {
    if (this.dialect !== 'postgres') return [...ids];
    return this.db
      .selectFrom(table)
      .select('id')
      .where('id', 'in', [...ids])
      .forUpdate()
      .skipLocked();
  }
}
