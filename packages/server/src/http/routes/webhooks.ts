import { OPERATIONS, type MattermostHookBody as HookBody } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { badRequest } from '../../services/errors.js';
import * as hooks from '../../services/webhooks/webhooks.js';
import { caller, route, type App } from '../route.js';

export function webhookRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createIncomingWebhook, async (req, reply) =>
    reply.status(201).send({
      incoming_webhook: await hooks.createWebhook(
        deps,
        caller(req),
        req.params.workspace_id,
        req.body,
      ),
    }),
  );
  route(app, OPERATIONS.listIncomingWebhooks, async (req) => ({
    incoming_webhooks: await hooks.listWebhooks(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeIncomingWebhook, async (req) => ({
    incoming_webhook: await hooks.revokeWebhook(deps, caller(req), req.params.webhook_id),
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
  route(app, OPERATIONS.mattermostHook, async (req, reply) =>
    reply
      .status(201)
      .send(await hooks.mattermostHook(deps, caller(req), req.params.channel_id, req.body)),
  );
}
