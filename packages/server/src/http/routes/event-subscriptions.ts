import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as subs from '../../services/event-subscriptions/event-subscriptions.js';
import { caller, route, type App } from '../route.js';

export function eventSubscriptionRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createEventSubscription, async (req, reply) =>
    reply.status(201).send({
      event_subscription: await subs.createSubscription(
        deps,
        caller(req),
        req.params.workspace_id,
        req.body,
      ),
    }),
  );
  route(app, OPERATIONS.listEventSubscriptions, async (req) => ({
    event_subscriptions: await subs.listSubscriptions(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeEventSubscription, async (req) => ({
    event_subscription: await subs.revokeSubscription(
      deps,
      caller(req),
      req.params.subscription_id,
    ),
  }));
  route(app, OPERATIONS.rotateEventSubscriptionSecret, async (req) => ({
    event_subscription: await subs.rotateSubscriptionSecret(
      deps,
      caller(req),
      req.params.subscription_id,
    ),
  }));
  route(app, OPERATIONS.listDeliveries, async (req) =>
    subs.listDeliveries(deps, caller(req), req.params.subscription_id, req.query),
  );
}
