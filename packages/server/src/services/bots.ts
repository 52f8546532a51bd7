import { expandScopes, type BotToken, type User } from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { hashSecret, newSecret } from '../lib/tokens.js';
import type { BotTokenRow } from '../store/repos/auth.js';
import type { UserRow } from '../store/repos/users.js';
import type { Repos } from '../store/store.js';
import type { ServiceDeps } from './context.js';
import { conflict, forbidden, notFound } from './errors.js';
import { presentUser } from './present.js';
import * as v from './validate.js';

export interface NewBot {
  workspaceId: string;
  createdBy: string;
  displayName: string;
  ownerUserId?: string;
  handle?: string;
  avatarUrl?: string;
  tokenName?: string;
  scopes?: readonly string[] | string;
  /** False: the first token is created already revoked (`initial_token: false`). */
  initialToken?: boolean;
}

export interface CreatedBot {
  bot: User;
  bot_token: BotToken;
  token: string;
}

export function presentBotToken(row: BotTokenRow, raw?: string): BotToken {
  return {
    id: row.id,
    bot_user_id: row.bot_user_id,
    workspace_id: row.workspace_id,
    ...(row.owner_user_id ? { owner_user_id: row.owner_user_id } : {}),
    name: row.name,
    scopes: JSON.parse(row.scopes_json) as string[],
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: row.created_at,
    ...(row.last_used_at ? { last_used_at: row.last_used_at } : {}),
    ...(row.revoked_at ? { revoked_at: row.revoked_at } : {}),
    ...(raw ? { token: raw } : {}),
  };
}

/** Service bots are managed by owners/moderators; user-owned bots only by their owner. */
async function assertMayCreate(tx: Repos, input: NewBot): Promise<void> {
  const creatorRole = await tx.workspaces.role(input.workspaceId, input.createdBy);
  // Like requireMember: a workspace the creator is not in does not exist for them.
  if (!creatorRole) throw notFound('workspace not found');
  if (!input.ownerUserId) {
    if (creatorRole !== 'owner' && creatorRole !== 'moderator')
      throw forbidden('workspace manager permission required');
    return;
  }
  if (input.ownerUserId !== input.createdBy)
    throw forbidden('only the bot owner can create a user-owned bot');
  const owner = await tx.users.byId(input.ownerUserId);
  if (!owner || owner.kind !== 'human') throw forbidden('bot owner must be a human');
  if (!(await tx.workspaces.role(input.workspaceId, owner.id)))
    throw forbidden('bot owner is not a workspace member');
}

/** Mints one bot token; the raw `ccb_` secret is returned once, only its hash is kept. */
export async function insertBotToken(
  tx: Repos,
  bot: UserRow,
  workspaceId: string,
  opts: {
    name?: string;
    scopes?: readonly string[] | string;
    createdBy: string | null;
    revokedAt?: string;
  },
): Promise<{ row: BotTokenRow; raw: string }> {
  const raw = newSecret('ccb');
  const row: BotTokenRow = {
    id: newId('botToken'),
    token_hash: hashSecret(raw),
    bot_user_id: bot.id,
    workspace_id: workspaceId,
    owner_user_id: bot.owner_user_id,
    name: (opts.name ?? '').trim() || 'default',
    scopes_json: JSON.stringify(expandScopes(opts.scopes)),
    created_by: opts.createdBy,
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: opts.revokedAt ?? null,
  };
  await tx.auth.insertBotToken(row);
  return { row, raw };
}

/** Creates a bot user, its `bot` membership and a first token in one transaction. */
export async function createBot(deps: ServiceDeps, input: NewBot): Promise<CreatedBot> {
  const displayName = v.displayName(input.displayName);
  const handle = v.normalizeHandle(input.handle ?? '');
  const avatarUrl = v.avatarUrl(input.avatarUrl ?? '');
  const scopes = expandScopes(input.scopes);
  return deps.store.write(async (tx) => {
    if (!(await tx.workspaces.byId(input.workspaceId))) throw notFound('workspace not found');
    await assertMayCreate(tx, input);
    if (handle && (await tx.users.byHandle(handle))) throw conflict('handle is already taken');
    const at = nowIso();
    const bot: UserRow = {
      id: newId('user'),
      kind: 'bot',
      owner_user_id: input.ownerUserId ?? null,
      display_name: displayName,
      handle,
      email: '',
      avatar_url: avatarUrl,
      created_at: at,
      deleted_at: null,
      former_handle: null,
      deleted_by: null,
    };
    await tx.users.insert(bot);
    await tx.workspaces.addMember({
      workspace_id: input.workspaceId,
      user_id: bot.id,
      role: 'bot',
      created_at: at,
    });
    const { row, raw } = await insertBotToken(tx, bot, input.workspaceId, {
      name: input.tokenName,
      scopes,
      createdBy: input.createdBy,
      ...(input.initialToken === false ? { revokedAt: at } : {}),
    });
    await tx.audit.record({
      workspaceId: input.workspaceId,
      actorUserId: input.createdBy,
      action: 'bot.created',
      targetType: 'bot',
      targetId: bot.id,
      metadata: { token_id: row.id, scopes },
    });
    return { bot: presentUser(bot), bot_token: presentBotToken(row, raw), token: raw };
  });
}
