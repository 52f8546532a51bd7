import type {
  CreateIncomingWebhookBody,
  IncomingWebhook,
  MattermostHookBody,
  MessageEventResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { hashSecret, newSecret } from '../../lib/tokens.js';
import { newUserRow } from '../../store/repos/users.js';
import type { WebhookRow } from '../../store/repos/webhooks.js';
import { type Actor, integrationActor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, notFound, rateLimited } from '../errors.js';
import { countWrite, retryAfterSeconds } from '../rate-windows.js';
import { createChannelMessage } from '../messages/messages.js';
import { assertHuman, requireManager, requireMember, requireReadableChannel } from '../policies.js';
import * as v from '../validate.js';

export const WEBHOOK_POSTS_PER_MINUTE = 60;

function present(row: WebhookRow, url?: string): IncomingWebhook {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    channel_id: row.channel_id,
    bot_user_id: row.bot_user_id,
    display_name: row.display_name,
    allow_override: row.allow_override === 1,
    ...(row.created_by ? { created_by: row.created_by } : {}),
    created_at: row.created_at,
    ...(row.last_used_at ? { last_used_at: row.last_used_at } : {}),
    ...(row.revoked_at ? { revoked_at: row.revoked_at } : {}),
    ...(url ? { url } : {}),
  };
}

/** The bearer-authenticated form: the caller posts `text` as themselves. */
export async function mattermostHook(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
  body: MattermostHookBody,
): Promise<MessageEventResponse> {
  const res = await createChannelMessage(deps, actor, channelId, { body: body.text });
  return res.response;
}

/**
 * A secret-URL webhook posts as its own bot user into one channel; the key is shown once
 * and stored only as a hash.
 */
export async function createWebhook(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: CreateIncomingWebhookBody,
): Promise<IncomingWebhook> {
  const name = v.displayName(body.display_name ?? 'Incoming webhook', 'display_name');
  const key = newSecret('whs');
  const row = await deps.store.write(async (tx) => {
    await requireManager(tx, actor, workspaceId, 'incoming webhooks');
    const { channel } = await requireReadableChannel(tx, actor, body.channel_id);
    if (channel.workspace_id !== workspaceId) throw badRequest('channel is not in this workspace');
    const at = nowIso();
    const bot = newUserRow({
      id: newId('user'),
      kind: 'bot',
      owner_user_id: null,
      display_name: name,
      handle: '',
      email: '',
      avatar_url: '',
      created_at: at,
    });
    await tx.users.insert(bot);
    await tx.workspaces.addMember({
      workspace_id: workspaceId,
      user_id: bot.id,
      role: 'bot',
      created_at: at,
    });
    if (channel.kind === 'private') await tx.channels.addMember(channel.id, bot.id, at);
    const hook: WebhookRow = {
      id: newId('incomingWebhook'),
      workspace_id: workspaceId,
      channel_id: channel.id,
      bot_user_id: bot.id,
      key_hash: hashSecret(key),
      display_name: name,
      allow_override: body.allow_override ? 1 : 0,
      created_by: actor.user.id,
      created_at: at,
      last_used_at: null,
      revoked_at: null,
    };
    await tx.webhooks.insert(hook);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'incoming_webhook.created',
      targetType: 'incoming_webhook',
      targetId: hook.id,
      metadata: { channel_id: channel.id },
    });
    return hook;
  });
  return present(row, `/hooks/${key}`);
}

export async function listWebhooks(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<IncomingWebhook[]> {
  assertHuman(actor, 'bot tokens cannot list incoming webhooks');
  await requireMember(deps.store.read, actor, workspaceId);
  return (await deps.store.read.webhooks.listActive(workspaceId)).map((r) => present(r));
}

export async function revokeWebhook(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
): Promise<IncomingWebhook> {
  return deps.store.write(async (tx) => {
    const row = await tx.webhooks.byId(id);
    if (!row || !(await tx.workspaces.role(row.workspace_id, actor.user.id)))
      throw notFound('incoming webhook not found');
    await requireManager(tx, actor, row.workspace_id, 'incoming webhooks');
    if (!row.revoked_at) {
      row.revoked_at = nowIso();
      await tx.webhooks.update(row.id, { revoked_at: row.revoked_at });
      await tx.audit.record({
        workspaceId: row.workspace_id,
        actorUserId: actor.user.id,
        action: 'incoming_webhook.revoked',
        targetType: 'incoming_webhook',
        targetId: row.id,
      });
    }
    return present(row);
  });
}

/** Fixed one-minute windows per webhook, counted in the database: one budget for all nodes. */
async function rateLimit(deps: ServiceDeps, id: string): Promise<void> {
  const w = await countWrite(deps, `webhook:${id}`, 60_000);
  if (w.count > WEBHOOK_POSTS_PER_MINUTE)
    throw rateLimited('incoming webhook rate limit reached', retryAfterSeconds(w.resetMs));
}

/** `POST /hooks/<key>`: the Mattermost body (JSON, or form field `payload`) posts `text`. */
export async function postToWebhook(
  deps: ServiceDeps,
  key: string,
  payload: MattermostHookBody,
): Promise<MessageEventResponse> {
  const hook = await deps.store.read.webhooks.byKeyHash(hashSecret(key));
  if (!hook || hook.revoked_at) throw notFound('unknown or revoked webhook');
  await rateLimit(deps, hook.id);
  const bot = await deps.store.read.users.byId(hook.bot_user_id);
  if (!bot) throw notFound('unknown or revoked webhook');
  const override =
    hook.allow_override === 1 && (payload.username || payload.icon_url)
      ? {
          username: (payload.username ?? '').trim().slice(0, 80) || null,
          iconUrl: payload.icon_url ? v.avatarUrl(payload.icon_url) || null : null,
        }
      : undefined;
  // The webhook's own bot user posts; the secret URL is its credential and grants one scope.
  const actor = integrationActor(bot, hook.id, hook.workspace_id, ['messages:write']);
  const res = await createChannelMessage(
    deps,
    actor,
    hook.channel_id,
    { body: payload.text },
    override,
  );
  await deps.store.write((tx) => tx.webhooks.update(hook.id, { last_used_at: nowIso() }));
  return res.response;
}
