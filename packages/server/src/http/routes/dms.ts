import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as dms from '../../services/dms/dms.js';
import { caller, route, routeOutcome, type App } from '../route.js';

export function dmRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createDm, async (req, reply) =>
    reply.status(201).send(await dms.createDm(deps, caller(req), req.body)),
  );
  route(app, OPERATIONS.listDms, async (req) => ({
    conversations: await dms.listDms(deps, caller(req), req.query.workspace_id),
  }));
  route(app, OPERATIONS.getDm, async (req) => ({
    conversation: await dms.getDm(deps, caller(req), req.params.conversation_id),
  }));
  route(app, OPERATIONS.closeDm, async (req) => {
    await dms.setDmOpen(deps, caller(req), req.params.conversation_id, false);
    return { ok: true };
  });
  route(app, OPERATIONS.openDm, async (req) => ({
    conversation: await dms.setDmOpen(deps, caller(req), req.params.conversation_id, true),
  }));
  route(
    app,
    OPERATIONS.listDmMessages,
    async (req) => dms.listDmMessages(deps, caller(req), req.params.conversation_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createDmMessage, async (req) =>
    dms.createDmMessage(deps, caller(req), req.params.conversation_id, req.body),
  );
  route(app, OPERATIONS.markDmRead, async (req) =>
    dms.markDmRead(deps, caller(req), req.params.conversation_id, req.body),
  );
  route(app, OPERATIONS.markDmUnread, async (req) =>
    dms.markDmUnread(deps, caller(req), req.params.conversation_id, req.body),
  );
}
