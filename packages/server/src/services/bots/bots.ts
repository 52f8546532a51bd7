import { expandScopes, type BotToken, type User } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { hashSecret, newSecret } from '../../lib/tokens.js';
import type { BotTokenRow } from '../../store/repos/auth.js';
import { newUserRow, type UserRow } from '../../store/repos/users.js';
import type { Repos } from '../../store/store.js';
import type { ServiceDeps } from '../context.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { presentUser } from '../present.js';
import { setupNonce, setupNonceConflict } from '../setup-nonce.js';
import * as v from '../validate.js';

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
  /** Retry key (services/setup-nonce.ts), kept on the first token. */
  setupNonce?: string;
}

export interface CreatedBot {
  bot: User;
  bot_token: BotToken;
  /** The raw secret; '' for a replayed `initial_token: false` bot, which has none. */
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

/** A token's name and scopes as stored (what a setup-nonce replay must match). */
function tokenGrant(
  name: string | undefined,
  scopes: readonly string[] | string | undefined,
): Pick<BotTokenRow, 'name' | 'scopes_json'> {
  return {
    name: (name ?? '').trim() || 'default',
    scopes_json: JSON.stringify(expandScopes(scopes)),
  };
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
    /** Minted revoked (`initial_token: false`): created and revoked at this one instant. */
    revokedAt?: string;
    setupNonce?: string;
  },
): Promise<{ row: BotTokenRow; raw: string }> {
  const raw = newSecret('ccb');
  const row: BotTokenRow = {
    id: newId('botToken'),
    token_hash: hashSecret(raw),
    bot_user_id: bot.id,
    workspace_id: workspaceId,
    owner_user_id: bot.owner_user_id,
    ...tokenGrant(opts.name, opts.scopes),
    created_by: opts.createdBy,
    setup_nonce: opts.setupNonce ?? '',
    created_at: opts.revokedAt ?? nowIso(),
    last_used_at: null,
    revoked_at: opts.revokedAt ?? null,
  };
  await tx.auth.insertBotToken(row);
  return { row, raw };
}

/**
 * A setup-nonce replay of a token: the same live row, granting the same, with a fresh secret
 * (the first answer never arrived, so its secret is lost: it stops authenticating now). The
 * caller closes sockets that authenticated with the old one (`revokeCredential(row.id)`).
 */
export async function replayBotToken(
  tx: Repos,
  prior: BotTokenRow,
  expected: {
    workspaceId: string;
    botId: string;
    name?: string;
    scopes?: readonly string[] | string;
  },
): Promise<{ row: BotTokenRow; raw: string }> {
  const grant = tokenGrant(expected.name, expected.scopes);
  if (
    prior.revoked_at ||
    prior.workspace_id !== expected.workspaceId ||
    prior.bot_user_id !== expected.botId ||
    prior.name !== grant.name ||
    prior.scopes_json !== grant.scopes_json
  )
    throw setupNonceConflict();
  const raw = newSecret('ccb');
  const row = { ...prior, token_hash: hashSecret(raw) };
  await tx.bots.rehashToken(row.id, row.token_hash);
  return { row, raw };
}

/**
 * A setup-nonce replay of a bot create: the bot the first try made, if it is what this
 * request describes and still in the workspace. A tokenless bot (`initial_token: false`)
 * replays as such: its first token was revoked the instant it was made.
 */
async function replayCreatedBot(
  tx: Repos,
  prior: BotTokenRow,
  input: NewBot,
  profile: Pick<UserRow, 'display_name' | 'handle' | 'avatar_url'>,
): Promise<{ created: CreatedBot; rotated?: string }> {
  const bot = await tx.users.byId(prior.bot_user_id);
  const tokenless = input.initialToken === false;
  if (
    !bot ||
    bot.deleted_at ||
    bot.owner_user_id !== (input.ownerUserId ?? null) ||
    bot.display_name !== profile.display_name ||
    bot.handle !== profile.handle ||
    bot.avatar_url !== profile.avatar_url ||
    tokenless !== (prior.revoked_at === prior.created_at) ||
    !(await tx.workspaces.role(input.workspaceId, bot.id))
  )
    throw setupNonceConflict();
  if (tokenless) {
    if (prior.workspace_id !== input.workspaceId) throw setupNonceConflict();
    return { created: { bot: presentUser(bot), bot_token: presentBotToken(prior), token: '' } };
  }
  const { row, raw } = await replayBotToken(tx, prior, {
    workspaceId: input.workspaceId,
    botId: bot.id,
    name: input.tokenName,
    scopes: input.scopes,
  });
  return {
    created: { bot: presentUser(bot), bot_token: presentBotToken(row, raw), token: raw },
    rotated: row.id,
  };
}

/** Creates a bot user, its `bot` membership and a first token in one transaction. */
export async function createBot(deps: ServiceDeps, input: NewBot): Promise<CreatedBot> {
  const displayName = v.displayName(input.displayName);
  const handle = v.normalizeHandle(input.handle ?? '');
  const avatarUrl = v.avatarUrl(input.avatarUrl ?? '');
  const scopes = expandScopes(input.scopes);
  const nonce = setupNonce(input.setupNonce);
  const res = await deps.store.write(async (tx) => {
    if (!(await tx.workspaces.byId(input.workspaceId))) throw notFound('workspace not found');
    await assertMayCreate(tx, input);
    const prior = nonce ? await tx.bots.tokenBySetupNonce(input.createdBy, nonce) : undefined;
    if (prior)
      return replayCreatedBot(tx, prior, input, {
        display_name: displayName,
        handle,
        avatar_url: avatarUrl,
      });
    if (handle && (await tx.users.byHandle(handle))) throw conflict('handle is already taken');
    const at = nowIso();
    const bot = newUserRow({
      id: newId('user'),
      kind: 'bot',
      owner_user_id: input.ownerUserId ?? null,
      display_name: displayName,
      handle,
      email: '',
      avatar_url: avatarUrl,
      created_at: at,
    });
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
      setupNonce: nonce,
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
    const created: CreatedBot = {
      bot: presentUser(bot),
      bot_token: presentBotToken(row, raw),
      token: raw,
    };
    return { created };
  });
  if (res.rotated) deps.realtime.revokeCredential(res.rotated);
  return res.created;
}
