import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyRequest } from 'fastify';
import type { Ctx, ServiceDeps } from '../../services/context.js';
import * as admin from '../../services/channels/admin.js';
import * as deletion from '../../services/channels/deletion.js';
import * as dms from '../../services/dms/dms.js';
import * as members from '../../services/members/members.js';
import * as moderation from '../../services/members/moderation.js';
import { suppliedCorrelationId } from '../correlation.js';
import { route, routeOutcome, type App } from '../route.js';

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
  route(
    app,
    OPERATIONS.listDmMessages,
    async (req) => dms.listDmMessages(deps, ctx(req), req.params.conversation_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createDmMessage, async (req) =>
    dms.createDmMessage(deps, ctx(req), req.params.conversation_id, req.body),
  );
  route(app, OPERATIONS.markDmRead, async (req) =>
    dms.markDmRead(deps, ctx(req), req.params.conversation_id, req.body),
  );
  route(app, OPERATIONS.markDmUnread, async (req) =>
    dms.markDmUnread(deps, ctx(req), req.params.conversation_id, req.body),
  );
  route(app, OPERATIONS.updateChannel, async (req) =>
    admin.updateChannel(deps, req.actor, req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.channelDeletionPreview, async (req) =>
    deletion.previewChannelDeletion(deps, req.actor, req.params.channel_id),
  );
  route(app, OPERATIONS.deleteChannel, async (req) =>
    deletion.deleteChannel(deps, req.actor, req.params.channel_id),
  );
  route(app, OPERATIONS.joinChannel, async (req) =>
    admin.joinChannel(deps, req.actor, req.params.channel_id),
  );
  route(app, OPERATIONS.leaveChannel, async (req) =>
    admin.leaveChannel(deps, req.actor, req.params.channel_id),
  );
  route(app, OPERATIONS.listChannelMembers, async (req) => ({
    members: await admin.listChannelMembers(deps, req.actor, req.params.channel_id),
  }));
  route(app, OPERATIONS.addChannelMember, async (req) =>
    admin.addChannelMember(deps, req.actor, req.params.channel_id, req.body.user_id.trim()),
  );
  route(app, OPERATIONS.removeChannelMember, async (req) =>
    admin.removeChannelMember(deps, req.actor, req.params.channel_id, req.params.user_id),
  );
  route(app, OPERATIONS.channelDirectory, async (req) =>
    admin.channelDirectory(deps, req.actor, req.params.workspace_id),
  );
  route(app, OPERATIONS.addWorkspaceMember, async (req, reply) =>
    reply
      .status(201)
      .send(await members.addMember(deps, req.actor, req.params.workspace_id, req.body)),
  );
  route(app, OPERATIONS.updateWorkspaceMember, async (req) =>
    members.updateMember(
      deps,
      req.actor,
      req.params.workspace_id,
      req.params.user_id,
      req.body.role,
    ),
  );
  route(app, OPERATIONS.removeWorkspaceMember, async (req) =>
    members.removeMember(deps, req.actor, req.params.workspace_id, req.params.user_id),
  );
  route(app, OPERATIONS.moderationRoster, async (req) =>
    moderation.moderationRoster(deps, req.actor, req.params.workspace_id),
  );
  route(app, OPERATIONS.moderateMember, async (req) =>
    moderation.moderateMember(
      deps,
      req.actor,
      req.params.workspace_id,
      req.params.user_id,
      req.body,
    ),
  );
}
