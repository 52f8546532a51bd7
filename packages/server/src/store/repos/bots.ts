import type { Selectable } from 'kysely';
import type { Executor } from '../executor.js';
import type { BotCommandsTable, BotSetupCodesTable } from '../schema.js';
import type { BotTokenRow } from './auth.js';
import type { UserRow } from './users.js';

export type BotCommandRow = Selectable<BotCommandsTable>;
export type BotSetupCodeRow = Selectable<BotSetupCodesTable>;

/** Bot users of workspaces, their tokens, setup codes and command menus. */
export class BotsRepo {
  constructor(private readonly db: Executor) {}

  botsIn(workspaceId: string): Promise<UserRow[]> {
    return this.db
      .selectFrom('users as u')
      .innerJoin('workspace_members as m', 'm.user_id', 'u.id')
      .selectAll('u')
      .where('m.workspace_id', '=', workspaceId)
      .where('u.kind', '=', 'bot')
      .orderBy('u.created_at')
      .execute();
  }

  ownedBy(ownerId: string): Promise<(UserRow & { workspace_id: string })[]> {
    return this.db
      .selectFrom('users as u')
      .innerJoin('workspace_members as m', 'm.user_id', 'u.id')
      .selectAll('u')
      .select('m.workspace_id')
      .where('u.owner_user_id', '=', ownerId)
      .where('u.kind', '=', 'bot')
      .execute();
  }

  tokens(workspaceId: string, botIds: readonly string[]): Promise<BotTokenRow[]> {
    if (botIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('bot_tokens')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('bot_user_id', 'in', [...botIds])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  tokenById(id: string): Promise<BotTokenRow | undefined> {
    return this.db.selectFrom('bot_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The token a creator minted with this setup nonce (a retry finds its first try). */
  tokenBySetupNonce(createdBy: string, nonce: string): Promise<BotTokenRow | undefined> {
    return this.db
      .selectFrom('bot_tokens')
      .selectAll()
      .where('created_by', '=', createdBy)
      .where('setup_nonce', '=', nonce)
      .executeTakeFirst();
  }

  /** A new secret for a token (setup-nonce replay): the old one stops authenticating. */
  async rehashToken(id: string, tokenHash: string): Promise<void> {
    await this.db
      .updateTable('bot_tokens')
      .set({ token_hash: tokenHash })
      .where('id', '=', id)
      .execute();
  }

  async revokeToken(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('bot_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async replaceCommands(workspaceId: string, botId: string, rows: BotCommandRow[]): Promise<void> {
    await this.db
      .deleteFrom('bot_commands')
      .where('workspace_id', '=', workspaceId)
      .where('bot_user_id', '=', botId)
      .execute();
    if (rows.length > 0) await this.db.insertInto('bot_commands').values(rows).execute();
  }

  async deleteCommands(workspaceId: string, botId: string): Promise<void> {
    await this.db
      .deleteFrom('bot_commands')
      .where('workspace_id', '=', workspaceId)
      .where('bot_user_id', '=', botId)
      .execute();
  }

  /** The workspaces a bot is a member of. */
  async workspacesOf(botId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('workspace_members')
      .select('workspace_id')
      .where('user_id', '=', botId)
      .execute();
    return rows.map((r) => r.workspace_id);
  }

  /** Every workspace a bot ever had a token in (tokens outlive a removal, revoked). */
  async tokenWorkspacesOf(botId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('bot_tokens')
      .select('workspace_id')
      .distinct()
      .where('bot_user_id', '=', botId)
      .orderBy('workspace_id')
      .execute();
    return rows.map((r) => r.workspace_id);
  }

  /**
   * Retires a bot everywhere: every live token, slash command, app installation (and the
   * subscriptions it or the bot made), incoming webhook and command menu goes, it leaves
   * every channel and workspace, and its handle is freed (kept as `former_handle`). Returns
   * the revoked tokens, whose sockets the caller closes.
   */
  async retire(bot: UserRow, by: string, at: string): Promise<string[]> {
    const tokens = await this.db
      .updateTable('bot_tokens')
      .set({ revoked_at: at })
      .where('bot_user_id', '=', bot.id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    const apps = this.db
      .selectFrom('app_installations')
      .select('id')
      .where('bot_user_id', '=', bot.id);
    await this.db
      .updateTable('event_subscriptions')
      .set({ revoked_at: at })
      .where((eb) => eb.or([eb('app_installation_id', 'in', apps), eb('created_by', '=', bot.id)]))
      .where('revoked_at', 'is', null)
      .execute();
    for (const table of ['slash_commands', 'app_installations', 'incoming_webhooks'] as const)
      await this.db
        .updateTable(table)
        .set({ revoked_at: at })
        .where('bot_user_id', '=', bot.id)
        .where('revoked_at', 'is', null)
        .execute();
    await this.db.deleteFrom('bot_commands').where('bot_user_id', '=', bot.id).execute();
    await this.db.deleteFrom('channel_members').where('user_id', '=', bot.id).execute();
    await this.db.deleteFrom('workspace_members').where('user_id', '=', bot.id).execute();
    await this.db
      .updateTable('users')
      .set({ handle: '', former_handle: bot.handle, deleted_at: at, deleted_by: by })
      .where('id', '=', bot.id)
      .execute();
    return tokens.map((t) => t.id);
  }

  commands(
    workspaceId: string,
  ): Promise<(BotCommandRow & { handle: string; display_name: string; avatar_url: string })[]> {
    return this.db
      .selectFrom('bot_commands as c')
      .innerJoin('users as u', 'u.id', 'c.bot_user_id')
      .selectAll('c')
      .select(['u.handle', 'u.display_name', 'u.avatar_url'])
      .where('c.workspace_id', '=', workspaceId)
      .orderBy('u.handle')
      .orderBy('c.command')
      .execute();
  }

  async insertSetupCode(row: BotSetupCodeRow): Promise<void> {
    await this.db.insertInto('bot_setup_codes').values(row).execute();
  }

  setupCodeByHash(hash: string): Promise<BotSetupCodeRow | undefined> {
    return this.db
      .selectFrom('bot_setup_codes')
      .selectAll()
      .where('code_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Marks an unclaimed code claimed; false when another claim got there first. */
  async claimSetupCode(id: string, at: string, tokenId: string): Promise<boolean> {
    const res = await this.db
      .updateTable('bot_setup_codes')
      .set({ claimed_at: at, claimed_token_id: tokenId })
      .where('id', '=', id)
      .where('claimed_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
