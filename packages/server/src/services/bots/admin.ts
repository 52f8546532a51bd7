import type {
  BotCommandsResponse,
  BotListResponse,
  BotToken,
  CreateBotBody,
  CreateBotResponse,
  CreateTokenBody,
  OwnedBotsResponse,
  SetCommandsBody,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import { createBot, insertBotToken, presentBotToken, replayBotToken } from './bots.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { assertHuman, assertScope, requireMember } from '../policies.js';
import { announceBotRemoval } from './announce.js';
import { presentUser } from '../present.js';
import { setupNonce } from '../setup-nonce.js';

/**
 * Token manager: a user-owned bot's owner (still a member), or for a service bot a
 * workspace owner or moderator. Bot tokens never manage bots.
 */
export async function requireTokenManager(
  tx: Repos,
  actor: Actor,
  workspaceId: string,
  botId: string,
): Promise<UserRow> {
  assertHuman(actor, 'bot tokens cannot manage bots');
  const role = await requireMember(tx, actor, workspaceId);
  const bot = await tx.users.byId(botId);
  if (!bot || bot.kind !== 'bot' || !(await tx.workspaces.role(workspaceId, bot.id)))
    throw notFound('bot not found');
  if (bot.owner_user_id) {
    if (bot.owner_user_id !== actor.user.id)
      throw forbidden('only the bot owner can manage this bot');
  } else if (role !== 'owner' && role !== 'moderator') {
    throw forbidden('workspace manager permission required');
  }
  return bot;
}

export async function createBotHttp(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateBotBody,
): Promise<CreateBotResponse> {
  assertHuman(actor, 'bot tokens cannot create bots');
  const res = await createBot(deps, {
    workspaceId,
    createdBy: actor.user.id,
    displayName: body.display_name,
    ownerUserId: body.owner_user_id?.trim() || undefined,
    handle: body.handle,
    avatarUrl: body.avatar_url,
    tokenName: body.token_name,
    scopes: body.scopes,
    initialToken: body.initial_token,
    setupNonce: body.setup_nonce,
  });
  return body.initial_token === false
    ? { bot: res.bot }
    : { bot: res.bot, bot_token: res.bot_token };
}

export async function listBots(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<BotListResponse> {
  assertHuman(actor, 'bot tokens cannot list bots');
  const db = deps.store.read;
  await requireMember(db, actor, workspaceId);
  const bots = await db.bots.botsIn(workspaceId);
  const tokens = await db.bots.tokens(
    workspaceId,
    bots.map((b) => b.id),
  );
  return {
    bots: bots.map((b) => ({
      bot: presentUser(b),
      tokens: tokens.filter((t) => t.bot_user_id === b.id).map((t) => presentBotToken(t)),
    })),
  };
}

export async function listTokens(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  botId: string,
): Promise<BotToken[]> {
  assertHuman(actor, 'bot tokens cannot list bot tokens');
  const db = deps.store.read;
  await requireMember(db, actor, workspaceId);
  const bot = await db.users.byId(botId);
  if (!bot || bot.kind !== 'bot') throw notFound('bot not found');
  return (await db.bots.tokens(workspaceId, [botId])).map((t) => presentBotToken(t));
}

export async function createToken(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  botId: string,
  body: CreateTokenBody,
): Promise<BotToken> {
  const nonce = setupNonce(body.setup_nonce);
  const res = await deps.store.write(async (tx) => {
    const bot = await requireTokenManager(tx, actor, workspaceId, botId);
    const prior = nonce ? await tx.bots.tokenBySetupNonce(actor.user.id, nonce) : undefined;
    if (prior) {
      const { row, raw } = await replayBotToken(tx, prior, {
        workspaceId,
        botId: bot.id,
        name: body.name,
        scopes: body.scopes,
      });
      return { token: presentBotToken(row, raw), rotated: row.id };
    }
    const { row, raw } = await insertBotToken(tx, bot, workspaceId, {
      name: body.name,
      scopes: body.scopes,
      createdBy: actor.user.id,
      setupNonce: nonce,
    });
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'bot_token.created',
      targetType: 'bot_token',
      targetId: row.id,
      metadata: { bot_user_id: bot.id },
    });
    return { token: presentBotToken(row, raw) };
  });
  // Sockets on the replaced secret close, as the secret itself no longer authenticates.
  if (res.rotated) deps.realtime.revokeCredential(res.rotated);
  return res.token;
}

/** Revocation is immediate: the token stops authenticating and its sockets close. */
export async function revokeToken(
  deps: ServiceDeps,
  actor: Actor,
  tokenId: string,
): Promise<BotToken> {
  const token = await deps.store.write(async (tx) => {
    const row = await tx.bots.tokenById(tokenId);
    if (!row || !(await tx.workspaces.role(row.workspace_id, actor.user.id)))
      throw notFound('bot token not found');
    await requireTokenManager(tx, actor, row.workspace_id, row.bot_user_id);
    await tx.bots.revokeToken(row.id, nowIso());
    await tx.audit.record({
      workspaceId: row.workspace_id,
      actorUserId: actor.user.id,
      action: 'bot_token.revoked',
      targetType: 'bot_token',
      targetId: row.id,
    });
    return (await tx.bots.tokenById(row.id)) ?? row;
  });
  deps.realtime.revokeCredential(token.id);
  return presentBotToken(token);
}

/** Managers remove a bot from a workspace: membership, tokens there and its menu go. */
export async function removeBotMembership(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  botId: string,
): Promise<void> {
  assertHuman(actor, 'bot tokens cannot manage bots');
  const revoked = await deps.store.write(async (tx) => {
    const role = await requireMember(tx, actor, workspaceId);
    if (role !== 'owner' && role !== 'moderator')
      throw forbidden('workspace manager permission required');
    const bot = await tx.users.byId(botId);
    if (!bot || bot.kind !== 'bot' || !(await tx.workspaces.role(workspaceId, botId)))
      throw notFound('bot is not a member of this workspace');
    const tokens = await tx.bots.tokens(workspaceId, [botId]);
    const at = nowIso();
    for (const t of tokens) await tx.bots.revokeToken(t.id, at);
    await tx.bots.deleteCommands(workspaceId, botId);
    await tx.channels.removeFromWorkspace(workspaceId, botId);
    await tx.workspaces.removeMember(workspaceId, botId);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'bot.membership_removed',
      targetType: 'bot',
      targetId: botId,
    });
    return tokens.map((t) => t.id);
  });
  // Its sockets close as a lost workspace, before their tokens' revocation would close them.
  announceBotRemoval(deps, workspaceId, botId, 'bot.membership_removed', {});
  for (const id of revoked) deps.realtime.revokeCredential(id);
}

export async function myBots(deps: ServiceDeps, actor: Actor): Promise<OwnedBotsResponse> {
  assertHuman(actor, 'bot tokens cannot own bots');
  const db = deps.store.read;
  const rows = await db.bots.ownedBy(actor.user.id);
  const out: OwnedBotsResponse['bots'] = [];
  for (const r of rows) {
    const ws = await db.workspaces.byId(r.workspace_id);
    if (!ws) continue;
    const active = (await db.bots.tokens(ws.id, [r.id])).filter((t) => !t.revoked_at).length;
    out.push({
      bot: presentUser(r),
      workspace: { id: ws.id, route_id: ws.route_id, name: ws.name },
      active_token_count: active,
    });
  }
  return { bots: out };
}

const COMMAND = /^\/[a-z0-9_-]{1,32}$/;

export async function setCommands(
  deps: ServiceDeps,
  actor: Actor,
  body: SetCommandsBody,
): Promise<BotCommandsResponse> {
  if (actor.kind !== 'bot') throw forbidden('only bot tokens can set a command menu');
  assertScope(actor, 'commands:write');
  const at = nowIso();
  const seen = new Set<string>();
  const rows = body.commands.map((c) => {
    const command = `/${c.command.trim().toLowerCase().replace(/^\//, '')}`;
    if (!COMMAND.test(command)) throw badRequest(`invalid command "${c.command}"`);
    if (seen.has(command)) throw badRequest(`duplicate command "${command}"`);
    seen.add(command);
    const description = c.description.trim();
    if (description.length < 1 || description.length > 100)
      throw badRequest('command description must be 1-100 characters');
    return {
      id: newId('botCommand'),
      workspace_id: actor.workspaceId,
      bot_user_id: actor.user.id,
      command,
      description,
      args_hint: (c.args_hint ?? '').trim().slice(0, 100),
      created_at: at,
      updated_at: at,
    };
  });
  await deps.store.write((tx) => tx.bots.replaceCommands(actor.workspaceId, actor.user.id, rows));
  return listCommands(deps, actor, actor.workspaceId);
}

export async function listCommands(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<BotCommandsResponse> {
  assertScope(actor, 'workspaces:read');
  const db = deps.store.read;
  await requireMember(db, actor, workspaceId);
  const rows = await db.bots.commands(workspaceId);
  return {
    bot_commands: rows.map((r) => ({
      id: r.id,
      command: r.command,
      description: r.description,
      args_hint: r.args_hint,
      bot: {
        id: r.bot_user_id,
        handle: r.handle,
        display_name: r.display_name,
        avatar_url: r.avatar_url,
      },
      created_at: r.created_at,
      updated_at: r.updated_at,
    })),
  };
}

/** The legacy token routes name no workspace: allowed only for a bot in exactly one. */
export async function soleWorkspaceOf(
  deps: ServiceDeps,
  actor: Actor,
  botId: string,
): Promise<string> {
  assertHuman(actor, 'bot tokens cannot manage bots');
  const rows = await deps.store.read.workspaces.listForUser(botId);
  const bot = await deps.store.read.users.byId(botId);
  if (!bot || bot.kind !== 'bot' || rows.length === 0) throw notFound('bot not found');
  if (rows.length > 1)
    throw badRequest('workspace_id is required for bots installed in multiple workspaces');
  return (rows[0] as { id: string }).id;
}
