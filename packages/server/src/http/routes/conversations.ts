import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyRequest } from 'fastify';
import type { Ctx, ServiceDeps } from '../../services/context.js';
import * as dms from '../../services/dms.js';
import { suppliedCorrelationId } from '../correlation.js';
import { route, type App } from '../route.js';

const ctx = (req: FastifyRequest): Ctx => ({
  actor: req.actor,
  correlationId: suppliedCorrelationId(req.raw),
});

/** DMs, channel management, workspace member management. */
export function conversationRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.createDm, async (req, reply) =>
    reply.status(201).send(await dms.createDm(deps, req.actor, req.body)),
  );
  route(app, OPERATIONS.listDms, async (req) => ({
    conversations: await dms.listDms(deps, req.actor, req.query.workspace_id),
  }));
  route(app, OPERATIONS.getDm, async (req) => ({
    conversation: await dms.getDm(deps, req.actor, req.params.conversation_id),
  }));
  route(app, OPERATIONS.closeDm, async (req) => {
    await dms.setDmOpen(deps, req.actor, req.params.conversation_id, false);
    return { ok: true };
  });
  route(app, OPERATIONS.openDm, async (req) => ({
    conversation: await dms.setDmOpen(deps, req.actor, req.params.conversation_id, true),
  }));
  route(app, OPERATIONS.listDmMessages, async (req) =>
    dms.listDmMessages(deps, ctx(req), req.params.conversation_id, req.query),
  );
  route(app, OPERATIONS.createDmMessage, async (req, reply) => {
    const res = await dms.createDmMessage(deps, ctx(req), req.params.conversation_id, req.body);
    return reply.status(res.status).send(res.response);
  });
  route(app, OPERATIONS.markDmRead, async (req) =>
    dms.markDmRead(deps, ctx(req), req.params.conversation_id, req.body),
  );
}
