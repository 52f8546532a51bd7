import { OPERATIONS, UNSUPPORTED_FEATURES } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { DomainError } from '../../services/errors.js';
import {
  getChannelNotificationSettings,
  updateChannelNotificationSettings,
} from '../../services/channels/notification-settings.js';
import { ensureMessageRoute, resolveRoute } from '../../services/routes/routes.js';
import { route, type App } from '../route.js';

/** Upstream compatibility: notification settings, public routes, unsupported upstream routes. */
export function compatRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.getChannelNotificationSettings, async (req) =>
    getChannelNotificationSettings(deps, req.actor, req.params.channel_id),
  );
  route(app, OPERATIONS.updateChannelNotificationSettings, async (req) =>
    updateChannelNotificationSettings(deps, req.actor, req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.resolveRoute, async (req) => ({
    route: await resolveRoute(
      deps,
      req.actor,
      req.params.workspace_route_id,
      req.params.target_route_id,
    ),
  }));
  route(app, OPERATIONS.ensureMessageRoute, async (req) =>
    ensureMessageRoute(deps, req.actor, req.params.message_id),
  );
  // Registered rather than left to the 404 handler, so a client of the upstream server
  // learns the feature is missing here, not that it asked for a wrong path.
  for (const [id, feature] of Object.entries(UNSUPPORTED_FEATURES)) {
    route(app, OPERATIONS[id as keyof typeof UNSUPPORTED_FEATURES], async () => {
      throw new DomainError('not_implemented', `this server does not support ${feature}`);
    });
  }
}
