import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { ensureMessageRoute, resolveRoute } from '../../services/deep-links/deep-links.js';
import { caller, route, type App } from '../route.js';

/** Deep-link routes: upstream's short ids of a workspace and what it holds. */
export function deepLinkRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.resolveRoute, async (req) => ({
    route: await resolveRoute(
      deps,
      caller(req),
      req.params.workspace_route_id,
      req.params.target_route_id,
    ),
  }));
  route(app, OPERATIONS.ensureMessageRoute, async (req) =>
    ensureMessageRoute(deps, caller(req), req.params.message_id),
  );
}
