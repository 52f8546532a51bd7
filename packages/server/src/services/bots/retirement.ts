import type { DeleteBotResponse, DeletedBot } from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import type { UserRow } from '../../store/repos/users.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { requireTokenManager } from './admin.js';
import { notFound } from '../errors.js';
import { assertHuman, assertUnrestricted } from '../policies.js';
import { announceBotRemoval } from './announce.js';

/** A bot retired inside a transaction: what to announce once it commits. */
export interface Retirement {
  deleted_bot: DeletedBot;
  workspaces: string[];
  tokens: string[];
}

/**
 * Who may retire a bot that no workspace holds any more (every manager removed it): there is
 * no workspace to be its token manager in. A user-owned bot is its owner's, wherever it is. A
 * service bot falls to the owners and moderators of a workspace it once had a token in (its
 * tokens are revoked, never deleted, by a removal, so they remember where it was): they ran
 * it last. Anybody else, and a bot whose every former workspace is gone, gets a 404: nobody
 * learns of a bot they had no hand in. Returns the bot and the workspaces to audit in.
 */
async function requireOrphanRetirer(
  tx: Repos,
  actor: Actor,
  botId: string,
): Promise<{ bot: UserRow; auditIn: string[] }> {
  const bot = await tx.users.byId(botId);
  if (!bot || bot.kind !== 'bot' || bot.deleted_at) throw notFound('bot not found');
  const former = await tx.bots.tokenWorkspacesOf(bot.id);
  if (bot.owner_user_id) {
    if (bot.owner_user_id !== actor.user.id) throw notFound('bot not found');
    return { bot, auditIn: former };
  }
  for (const workspaceId of former) {
    const role = await tx.workspaces.role(workspaceId, actor.user.id);
    if (role !== 'owner' && role !== 'moderator') continue;
    await assertUnrestricted(tx, workspaceId, actor.user.id);
    return { bot, auditIn: [workspaceId] };
  }
  throw notFound('bot not found');
}

/**
 * Retires a bot in every workspace it is in, inside the caller's transaction. The caller must
 * be its token manager in each (`requireTokenManager`: a user-owned bot's owner, a service
 * bot's managers), so nobody retires it from under a workspace they do not run; a bot in no
 * workspace any more, see `requireOrphanRetirer`.
 */
export async function retireBot(tx: Repos, actor: Actor, botId: string): Promise<Retirement> {
  assertHuman(actor, 'bot tokens cannot manage bots');
  const workspaces = await tx.bots.workspacesOf(botId);
  let bot: UserRow | undefined;
  let auditIn = workspaces;
  if (workspaces.length === 0) ({ bot, auditIn } = await requireOrphanRetirer(tx, actor, botId));
  for (const workspaceId of workspaces) {
    bot = await requireTokenManager(tx, actor, workspaceId, botId);
    await assertUnrestricted(tx, workspaceId, actor.user.id);
  }
  if (!bot) throw notFound('bot not found');
  const at = nowIso();
  const tokens = await tx.bots.retire(bot, actor.user.id, at);
  for (const workspaceId of auditIn)
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
  for (const token of r.tokens) deps.realtime.revokeCredential(token);
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
