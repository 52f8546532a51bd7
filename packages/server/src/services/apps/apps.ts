import type {
  AppInstallation,
  InstallAppBody,
  RevokeAppBody,
  RevokeAppResponse,
} from '@clickclack/protocol';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AppRow } from '../../store/repos/apps.js';
import { announceRetirement, retireBot } from '../bots/retirement.js';
import type { Actor } from '../actor.js';
import type { ServiceDeps } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { assertHuman, isManagerRole, requireManager, requireMember } from '../policies.js';
import { setupNonce, setupNonceConflict } from '../setup-nonce.js';
import { jsonObject, slugify } from '../validate.js';

/** An installation's `config` (it may hold the app's keys) is shown to managers only. */
const present = (r: AppRow, settings = true): AppInstallation => ({
  id: r.id,
  workspace_id: r.workspace_id,
  app_slug: r.app_slug,
  display_name: r.display_name,
  bot_user_id: r.bot_user_id,
  ...(settings ? { config: JSON.parse(r.config_json) as Record<string, unknown> } : {}),
  ...(r.created_by ? { created_by: r.created_by } : {}),
  created_at: r.created_at,
  ...(r.revoked_at ? { revoked_at: r.revoked_at } : {}),
});

export async function installApp(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  body: InstallAppBody,
): Promise<AppInstallation> {
  const slug = slugify(body.app_slug);
  if (slug === '') throw badRequest('app_slug is required');
  const name = (body.display_name ?? '').trim() || slug;
  if (Buffer.byteLength(name) > 80) throw badRequest('display_name is too long');
  const config = jsonObject(body.config, 'config', 16);
  const nonce = setupNonce(body.setup_nonce);
  const botId = body.bot_user_id.trim();
  return deps.store.write(async (tx) => {
    await requireManager(tx, actor, workspaceId, 'app installations');
    const prior = nonce ? await tx.apps.bySetupNonce(actor.user.id, nonce) : undefined;
    if (prior) {
      // A retry gets the installation its first try made, never a second one.
      if (
        prior.revoked_at ||
        prior.workspace_id !== workspaceId ||
        prior.app_slug !== slug ||
        prior.display_name !== name ||
        prior.bot_user_id !== botId ||
        prior.config_json !== config
      )
        throw setupNonceConflict();
      return present(prior);
    }
    const bot = await tx.users.byId(botId);
    if (!bot || bot.kind !== 'bot' || !(await tx.workspaces.role(workspaceId, bot.id))) {
      throw badRequest('bot_user_id must be a bot in this workspace');
    }
    const row: AppRow = {
      id: newId('appInstallation'),
      workspace_id: workspaceId,
      app_slug: slug,
      display_name: name,
      bot_user_id: bot.id,
      config_json: config,
      created_by: actor.user.id,
      setup_nonce: nonce,
      created_at: nowIso(),
      revoked_at: null,
    };
    await tx.apps.insert(row);
    await tx.audit.record({
      workspaceId,
      actorUserId: actor.user.id,
      action: 'app_installation.created',
      targetType: 'app_installation',
      targetId: row.id,
      metadata: { app_slug: slug },
    });
    return present(row);
  });
}

export async function listApps(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
): Promise<AppInstallation[]> {
  assertHuman(actor, 'bot tokens cannot list app installations');
  const settings = isManagerRole(await requireMember(deps.store.read, actor, workspaceId));
  return (await deps.store.read.apps.listActive(workspaceId)).map((r) => present(r, settings));
}

/** Uninstalling cascades to what the app registered; bot tokens only when asked. */
export async function revokeApp(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  body: RevokeAppBody,
): Promise<RevokeAppResponse> {
  const res = await deps.store.write(async (tx) => {
    const app = await tx.apps.byId(id);
    if (!app || !(await tx.workspaces.role(app.workspace_id, actor.user.id)))
      throw notFound('app installation not found');
    await requireManager(tx, actor, app.workspace_id, 'app installations');
    const revoked = { slash_commands: 0, event_subscriptions: 0, bot_tokens: 0 };
    const tokens: string[] = [];
    if (app.revoked_at) return { app, revoked, tokens, retired: undefined };
    const at = nowIso();
    await tx.apps.revoke(app.id, at);
    app.revoked_at = at;
    if (body.revoke_slash_commands !== false)
      revoked.slash_commands = await tx.apps.revokeSlashCommands(app.id, at);
    if (body.revoke_event_subscriptions !== false)
      revoked.event_subscriptions = await tx.apps.revokeSubscriptions(app.id, at);
    if (body.revoke_bot_tokens) {
      const bot = await tx.users.byId(app.bot_user_id);
      if (bot?.owner_user_id && bot.owner_user_id !== actor.user.id)
        throw forbidden('only the bot owner can manage this bot');
      for (const t of await tx.bots.tokens(app.workspace_id, [app.bot_user_id])) {
        if (t.revoked_at) continue;
        await tx.bots.revokeToken(t.id, at);
        tokens.push(t.id);
      }
      revoked.bot_tokens = tokens.length;
    }
    const retired = body.delete_bot ? await retireBot(tx, actor, app.bot_user_id) : undefined;
    if (retired) revoked.bot_tokens += retired.tokens.length;
    await tx.audit.record({
      workspaceId: app.workspace_id,
      actorUserId: actor.user.id,
      action: 'app_installation.revoked',
      targetType: 'app_installation',
      targetId: app.id,
      metadata: revoked,
    });
    return { app, revoked, tokens, retired };
  });
  for (const t of res.tokens) deps.realtime.revokeCredential(t);
  if (res.retired) announceRetirement(deps, res.retired);
  return {
    installation: present(res.app),
    revoked: res.revoked,
    ...(res.retired ? { deleted_bot: res.retired.deleted_bot } : {}),
  };
}
