import { OPERATIONS } from '@clickclack/protocol';
import * as admin from '../../services/channels/admin.js';
import * as channels from '../../services/channels/channels.js';
import * as deletion from '../../services/channels/deletion.js';
import * as notifications from '../../services/channels/notification-settings.js';
import { markChannelRead, markChannelUnread } from '../../services/channels/reads.js';
import type { ServiceDeps } from '../../services/context.js';
import { caller, route, type App } from '../route.js';

export function channelRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listChannels, async (req) => ({
    channels: await channels.listChannels(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.createChannel, async (req, reply) =>
    reply
      .status(201)
      .send(await channels.createChannel(deps, caller(req), req.params.workspace_id, req.body)),
  );
  route(app, OPERATIONS.getChannel, async (req) => ({
    channel: await channels.getChannel(deps, caller(req), req.params.channel_id),
  }));
  route(app, OPERATIONS.updateChannel, async (req) =>
    admin.updateChannel(deps, caller(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.channelDeletionPreview, async (req) =>
    deletion.previewChannelDeletion(deps, caller(req), req.params.channel_id),
  );
  route(app, OPERATIONS.deleteChannel, async (req) =>
    deletion.deleteChannel(deps, caller(req), req.params.channel_id),
  );
  route(app, OPERATIONS.joinChannel, async (req) =>
    admin.joinChannel(deps, caller(req), req.params.channel_id),
  );
  route(app, OPERATIONS.leaveChannel, async (req) =>
    admin.leaveChannel(deps, caller(req), req.params.channel_id),
  );
  route(app, OPERATIONS.listChannelMembers, async (req) => ({
    members: await admin.listChannelMembers(deps, caller(req), req.params.channel_id),
  }));
  route(app, OPERATIONS.addChannelMember, async (req) =>
    admin.addChannelMember(deps, caller(req), req.params.channel_id, req.body.user_id.trim()),
  );
  route(app, OPERATIONS.removeChannelMember, async (req) =>
    admin.removeChannelMember(deps, caller(req), req.params.channel_id, req.params.user_id),
  );
  route(app, OPERATIONS.channelDirectory, async (req) =>
    admin.channelDirectory(deps, caller(req), req.params.workspace_id),
  );
  route(app, OPERATIONS.getChannelNotificationSettings, async (req) =>
    notifications.getChannelNotificationSettings(deps, caller(req), req.params.channel_id),
  );
  route(app, OPERATIONS.updateChannelNotificationSettings, async (req) =>
    notifications.updateChannelNotificationSettings(
      deps,
      caller(req),
      req.params.channel_id,
      req.body,
    ),
  );
  route(app, OPERATIONS.markChannelRead, async (req) =>
    markChannelRead(deps, caller(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.markChannelUnread, async (req) =>
    markChannelUnread(deps, caller(req), req.params.channel_id, req.body),
  );
}
