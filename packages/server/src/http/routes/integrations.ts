import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as bots from '../../services/bots/admin.js';
import * as retirement from '../../services/bots/retirement.js';
import * as setupCodes from '../../services/bots/setup-codes.js';
import * as subs from '../../services/event-subscriptions/event-subscriptions.js';
import * as hooks from '../../services/webhooks/webhooks.js';
import * as slash from '../../services/slash-commands/slash-commands.js';
import * as apps from '../../services/apps/apps.js';
import type { MattermostHookBody as HookBody } from '@clickclack/protocol';
import { badRequest } from '../../services/errors.js';
import { suppliedCorrelationId } from '../correlation.js';
import { apiBaseUrl } from '../local-request.js';
import { route, routeOutcome, type App } from '../route.js';

/** Bots and integrations management. */
export function integrationRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createEventSubscription, async (req, reply) =>
    reply.status(201).send({
      event_subscription: await subs.createSubscription(
        deps,
        req.actor,
        req.params.workspace_id,
        req.body,
      ),
    }),
  );
  route(app, OPERATIONS.listEventSubscriptions, async (req) => ({
    event_subscriptions: await subs.listSubscriptions(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeEventSubscription, async (req) => ({
    event_subscription: await subs.revokeSubscription(deps, req.actor, req.params.subscription_id),
  }));
  route(app, OPERATIONS.rotateEventSubscriptionSecret, async (req) => ({
    event_subscription: await subs.rotateSubscriptionSecret(
      deps,
      req.actor,
      req.params.subscription_id,
    ),
  }));
  route(app, OPERATIONS.listDeliveries, async (req) =>
    subs.listDeliveries(deps, req.actor, req.params.subscription_id, req.query),
  );
  route(app, OPERATIONS.createBot, async (req, reply) =>
    reply
      .status(201)
      .send(await bots.createBotHttp(deps, req.actor, req.params.workspace_id, req.body)),
  );
  route(app, OPERATIONS.listBots, async (req) =>
    bots.listBots(deps, req.actor, req.params.workspace_id),
  );
  route(app, OPERATIONS.listBotTokens, async (req) => ({
    bot_tokens: await bots.listTokens(
      deps,
      req.actor,
      req.params.workspace_id,
      req.params.bot_user_id,
    ),
  }));
  route(app, OPERATIONS.createBotToken, async (req, reply) =>
    reply.status(201).send({
      bot_token: await bots.createToken(
        deps,
        req.actor,
        req.params.workspace_id,
        req.params.bot_user_id,
        req.body ?? {},
      ),
    }),
  );
  route(app, OPERATIONS.revokeBotToken, async (req) => ({
    bot_token: await bots.revokeToken(deps, req.actor, req.params.token_id),
  }));
  route(app, OPERATIONS.deleteBot, async (req) =>
    retirement.deleteBot(deps, req.actor, req.params.bot_user_id),
  );
  route(app, OPERATIONS.removeBotMembership, async (req, reply) => {
    await bots.removeBotMembership(
      deps,
      req.actor,
      req.params.workspace_id,
      req.params.bot_user_id,
    );
    return reply.status(204).send();
  });
  route(app, OPERATIONS.myBots, async (req) => bots.myBots(deps, req.actor));
  route(app, OPERATIONS.setBotCommands, async (req) => bots.setCommands(deps, req.actor, req.body));
  route(app, OPERATIONS.createBotSetupCode, async (req, reply) =>
    reply.status(201).send({
      setup_code: await setupCodes.createSetupCode(
        deps,
        req.actor,
        req.params.workspace_id,
        req.params.bot_user_id,
        req.body ?? {},
        apiBaseUrl(req, deps.publicUrl),
      ),
    }),
  );
  // No caller: the code is the credential. The TCP peer (trustProxy is off) is the budget key.
  route(app, OPERATIONS.claimBotSetupCode, async (req) =>
    setupCodes.claimSetupCode(deps, req.body.code, req.ip, apiBaseUrl(req, deps.publicUrl)),
  );
  route(app, OPERATIONS.listBotCommands, async (req) =>
    bots.listCommands(deps, req.actor, req.params.workspace_id),
  );
  route(app, OPERATIONS.mattermostHook, async (req, reply) =>
    reply
      .status(201)
      .send(
        await hooks.mattermostHook(
          deps,
          { actor: req.actor, correlationId: suppliedCorrelationId(req.raw) },
          req.params.channel_id,
          req.body,
        ),
      ),
  );
  route(app, OPERATIONS.createIncomingWebhook, async (req, reply) =>
    reply.status(201).send({
      incoming_webhook: await hooks.createWebhook(
        deps,
        req.actor,
        req.params.workspace_id,
        req.body,
      ),
    }),
  );
  route(app, OPERATIONS.listIncomingWebhooks, async (req) => ({
    incoming_webhooks: await hooks.listWebhooks(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeIncomingWebhook, async (req) => ({
    incoming_webhook: await hooks.revokeWebhook(deps, req.actor, req.params.webhook_id),
  }));
  // Mattermost tools send JSON, or a form with the JSON in `payload`: accept both, unauthenticated
  // (the unguessable key in the URL is the credential).
  route(app, OPERATIONS.postToIncomingWebhook, async (req, reply) => {
    let body: unknown = req.body;
    if (
      body &&
      typeof body === 'object' &&
      typeof (body as { payload?: unknown }).payload === 'string'
    ) {
      try {
        body = JSON.parse((body as { payload: string }).payload);
      } catch {
        throw badRequest('payload must be JSON');
      }
    }
    const text = (body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string') throw badRequest('text is required');
    const b = body as Record<string, unknown>;
    const payload: HookBody = {
      text,
      ...(typeof b.username === 'string' ? { username: b.username } : {}),
      ...(typeof b.icon_url === 'string' ? { icon_url: b.icon_url } : {}),
    };
    return reply.status(201).send(await hooks.postToWebhook(deps, req.params.key, payload));
  });
  route(app, OPERATIONS.createSlashCommand, async (req, reply) =>
    reply.status(201).send({
      slash_command: await slash.createSlash(deps, req.actor, req.params.workspace_id, req.body),
    }),
  );
  route(app, OPERATIONS.listSlashCommands, async (req) => ({
    slash_commands: await slash.listSlash(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeSlashCommand, async (req) => ({
    slash_command: await slash.revokeSlash(deps, req.actor, req.params.command_id),
  }));
  route(app, OPERATIONS.rotateSlashCommandSecret, async (req) => ({
    slash_command: await slash.rotateSlash(deps, req.actor, req.params.command_id),
  }));
  routeOutcome(app, OPERATIONS.invokeSlashCommand, async (req) =>
    slash.invokeSlash(
      deps,
      { actor: req.actor, correlationId: suppliedCorrelationId(req.raw) },
      req.params.channel_id,
      req.body ?? {},
    ),
  );
  route(app, OPERATIONS.auditLog, async (req) =>
    slash.auditLog(deps, req.actor, req.params.workspace_id, req.query.limit),
  );
  route(app, OPERATIONS.installApp, async (req, reply) =>
    reply.status(201).send({
      app_installation: await apps.installApp(deps, req.actor, req.params.workspace_id, req.body),
    }),
  );
  route(app, OPERATIONS.listApps, async (req) => ({
    app_installations: await apps.listApps(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeApp, async (req) =>
    apps.revokeApp(deps, req.actor, req.params.installation_id, req.body ?? {}),
  );
  route(app, OPERATIONS.listBotTokensLegacy, async (req) => {
    const ws = await bots.soleWorkspaceOf(deps, req.actor, req.params.bot_user_id);
    return { bot_tokens: await bots.listTokens(deps, req.actor, ws, req.params.bot_user_id) };
  });
  route(app, OPERATIONS.createBotTokenLegacy, async (req, reply) => {
    const ws = await bots.soleWorkspaceOf(deps, req.actor, req.params.bot_user_id);
    return reply.status(201).send({
      bot_token: await bots.createToken(
        deps,
        req.actor,
        ws,
        req.params.bot_user_id,
        req.body ?? {},
      ),
    });
  });
}
