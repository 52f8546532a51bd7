import type { DeleteBotResponse, DeletedBot } from '@clickclack/protocol';
import { nowIso } from '../lib/clock.js';
import type { UserRow } from '../store/repos/users.js';
import type { Repos } from '../store/store.js';
import type { Actor } from './actor.js';
import type { ServiceDeps } from './context.js';
import { requireTokenManager } from './bot-admin.js';
import { notFound } from './errors.js';
import { assertHuman, assertUnrestricted } from './policies.js';
import { announceBotRemoval } from './realtime.js';

/** A bot retired inside a transaction: what to announce once it commits. */
export interface Retirement {
  deleted_bot: DeletedBot;
  workspaces: string[];
  tokens: string[];
}

/**
 * Retires a bot in every workspace it is in, inside the caller's transaction. The caller must
 * be its token manager in each (`requireTokenManager`: a user-owned bot's owner, a service
 * bot's managers), so nobody retires it from under a workspace they do not run.
 */
export async function retireBot(tx: Repos, actor: Actor, botId: string): Promise<Retirement> {
  assertHuman(actor, 'bot tokens cannot manage bots');
  const workspaces = await tx.bots.workspacesOf(botId);
  if (workspaces.length === 0) throw notFound('bot not found');
  let bot: UserRow | undefined;
  for (const workspaceId of workspaces) {
    bot = await requireTokenManager(tx, actor, workspaceId, botId);
    await assertUnrestricted(tx, workspaceId, actor.user.id);
  }
  if (!bot) throw notFound('bot not found');
  const at = nowIso();
  const tokens = await tx.bots.retire(bot, actor.user.id, at);
  for (const workspaceId of workspaces)
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'bot.deleted',
      targetType: 'bot',
      targetId: bot.id,
      metadata: { former_handle: bot.handle },
    });
  return {
    deleted_bot: {
      id: bot.id,
      display_name: bot.display_name,
      former_handle: bot.handle,
      deleted_at: at,
    },
    workspaces,
    tokens,
  };
}

/** After the commit: each former workspace hears of it, and the bot's sockets close. */
export function announceRetirement(deps: ServiceDeps, r: Retirement): void {
  const { id, ...payload } = r.deleted_bot;
  for (const workspaceId of r.workspaces)
    announceBotRemoval(deps, workspaceId, id, 'bot.deleted', payload);
  for (const token of r.tokens) deps.realtime?.revokeCredential(token);
}

export async function deleteBot(
  deps: ServiceDeps,
  actor: Actor,
  botId: string,
): Promise<DeleteBotResponse> {
  const retired = await deps.store.write((tx) => retireBot(tx, actor, botId));
  announceRetirement(deps, retired);
  return { deleted_bot: retired.deleted_bot };
}
