import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyRequest } from 'fastify';
import type { Ctx, ServiceDeps } from '../../services/context.js';
import * as messages from '../../services/messages/messages.js';
import * as threads from '../../services/threads/threads.js';
import { suppliedCorrelationId } from '../correlation.js';
import { route, routeOutcome, type App } from '../route.js';

const ctx = (req: FastifyRequest): Ctx => ({
  actor: req.actor,
  correlationId: suppliedCorrelationId(req.raw),
});

export function messageRoutes(app: App, deps: ServiceDeps): void {
  route(
    app,
    OPERATIONS.listMessages,
    async (req) => messages.listChannelMessages(deps, ctx(req), req.params.channel_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createMessage, async (req) =>
    messages.createChannelMessage(deps, ctx(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.messageByNonce, async (req) => ({
    message: await messages.messageByNonce(deps, ctx(req), req.query.workspace_id, req.query.nonce),
  }));
  route(app, OPERATIONS.getMessage, async (req) => ({
    message: await messages.getMessage(deps, ctx(req), req.params.message_id),
  }));
  route(
    app,
    OPERATIONS.getThread,
    async (req) => threads.getThread(deps, ctx(req), req.params.message_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createReply, async (req) =>
    threads.createReply(deps, ctx(req), req.params.message_id, req.body),
  );
}
