import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { BotTokensTable, InvitesTable, MagicLinksTable, SessionsTable } from '../schema.js';
import { prepared } from '../prepared.js';

export type MagicLinkRow = Selectable<MagicLinksTable>;
export type SessionRow = Selectable<SessionsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type BotTokenRow = Selectable<BotTokensTable>;

const sessionByHash = prepared<{ hash: string }, SessionRow>((db, p) =>
  db.selectFrom('sessions').selectAll().where('token_hash', '=', p.hash),
);

/** Credentials: every secret is looked up by its SHA-256 hash, never stored raw. */
export class AuthRepo {
  constructor(private readonly db: Executor) {}

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

  async insertSession(row: Insertable<SessionsTable>): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async sessionByHash(hash: string): Promise<SessionRow | undefined> {
    return (await sessionByHash(this.db, { hash })).rows[0];
  }

  async revokeSession(hash: string, at: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .execute();
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

  async markInviteAccepted(id: string, userId: string, at: string): Promise<void> {
    await this.db
      .updateTable('invites')
      .set({ accepted_at: at, accepted_by: userId })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .execute();
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

  async touchBotTokens(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('bot_tokens')
      .set({ last_used_at: at })
      .where('id', 'in', [...ids])
      .execute();
  }
}
