import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as realtime from '../../services/realtime/realtime.js';
import { caller, route, type App } from '../route.js';

/** HTTP side of realtime; the WebSocket upgrade lives in http/realtime-upgrade.ts. */
export function realtimeRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listEvents, async (req) =>
    realtime.listEvents(deps, caller(req), req.query),
  );
  route(app, OPERATIONS.publishEphemeral, async (req, reply) =>
    reply.status(202).send({ event: await realtime.publishEphemeral(deps, caller(req), req.body) }),
  );
  route(app, OPERATIONS.eventTypes, async (req) => ({
    event_types: realtime.eventTypes(caller(req)),
  }));
  route(app, OPERATIONS.presence, async (req) => ({
    user_ids: await realtime.presence(deps, caller(req), req.params.workspace_id),
  }));
}
