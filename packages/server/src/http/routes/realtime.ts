import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as realtime from '../../services/realtime/realtime.js';
import { route, type App } from '../route.js';

/** HTTP side of realtime; the WebSocket upgrade lives in http/realtime-upgrade.ts. */
export function realtimeRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listEvents, async (req) => realtime.listEvents(deps, req.actor, req.query));
  route(app, OPERATIONS.publishEphemeral, async (req, reply) =>
    reply.status(202).send({ event: await realtime.publishEphemeral(deps, req.actor, req.body) }),
  );
  route(app, OPERATIONS.eventTypes, async (req) => ({
    event_types: realtime.eventTypes(req.actor),
  }));
  route(app, OPERATIONS.presence, async (req) => ({
    user_ids: await realtime.presence(deps, req.actor, req.params.workspace_id),
  }));
}
