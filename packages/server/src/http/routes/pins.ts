import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { listPins, pinMessage, unpinMessage } from '../../services/pins/pins.js';
import { caller, route, type App } from '../route.js';

export function pinRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listPins, async (req) => ({
    messages: await listPins(deps, caller(req), req.params.channel_id, req.query),
  }));
  route(app, OPERATIONS.pinMessage, async (req, reply) =>
    reply.status(201).send(await pinMessage(deps, caller(req), req.params.channel_id, req.body)),
  );
  route(app, OPERATIONS.unpinMessage, async (req) =>
    unpinMessage(deps, caller(req), req.params.channel_id, req.params.message_id),
  );
}
