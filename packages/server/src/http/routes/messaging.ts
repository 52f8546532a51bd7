import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyRequest } from 'fastify';
import type { Ctx, ServiceDeps } from '../../services/context.js';
import { setFollow } from '../../services/threads/follows.js';
import { listMentions } from '../../services/messages/mentions.js';
import { deleteMessage, updateMessage } from '../../services/messages/edits.js';
import { listPins, pinMessage, unpinMessage } from '../../services/pins/pins.js';
import { addReaction, listReactions, removeReaction } from '../../services/reactions/reactions.js';
import { markChannelRead, markChannelUnread } from '../../services/channels/reads.js';
import { suppliedCorrelationId } from '../correlation.js';
import { route, routeOutcome, type App } from '../route.js';

const ctx = (req: FastifyRequest): Ctx => ({
  actor: req.actor,
  correlationId: suppliedCorrelationId(req.raw),
});

/** Edits, deletes, reactions, pins, mentions, read state, thread follows. */
export function messagingRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.updateMessage, async (req) =>
    updateMessage(deps, ctx(req), req.params.message_id, req.body),
  );
  route(app, OPERATIONS.deleteMessage, async (req) =>
    deleteMessage(deps, ctx(req), req.params.message_id),
  );
  routeOutcome(app, OPERATIONS.addReaction, async (req) =>
    addReaction(deps, ctx(req), req.params.message_id, req.body.emoji),
  );
  route(app, OPERATIONS.removeReaction, async (req) =>
    removeReaction(deps, ctx(req), req.params.message_id, req.params.emoji),
  );
  route(app, OPERATIONS.listReactions, async (req) =>
    listReactions(deps, ctx(req), req.params.message_id),
  );
  route(app, OPERATIONS.listPins, async (req) => ({
    messages: await listPins(deps, ctx(req), req.params.channel_id, req.query),
  }));
  route(app, OPERATIONS.pinMessage, async (req, reply) =>
    reply.status(201).send(await pinMessage(deps, ctx(req), req.params.channel_id, req.body)),
  );
  route(app, OPERATIONS.unpinMessage, async (req) =>
    unpinMessage(deps, ctx(req), req.params.channel_id, req.params.message_id),
  );
  route(app, OPERATIONS.markChannelRead, async (req) =>
    markChannelRead(deps, ctx(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.markChannelUnread, async (req) =>
    markChannelUnread(deps, ctx(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.listMentions, async (req) => listMentions(deps, req.actor, req.query));
  route(app, OPERATIONS.followThread, async (req) =>
    setFollow(deps, ctx(req), req.params.message_id, true),
  );
  route(app, OPERATIONS.unfollowThread, async (req) =>
    setFollow(deps, ctx(req), req.params.message_id, false),
  );
}
