import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { deleteMessage, updateMessage } from '../../services/messages/edits.js';
import { listMentions } from '../../services/messages/mentions.js';
import * as messages from '../../services/messages/messages.js';
import { caller, route, routeOutcome, type App } from '../route.js';

export function messageRoutes(app: App, deps: ServiceDeps): void {
  route(
    app,
    OPERATIONS.listMessages,
    async (req) =>
      messages.listChannelMessages(deps, caller(req), req.params.channel_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createMessage, async (req) =>
    messages.createChannelMessage(deps, caller(req), req.params.channel_id, req.body),
  );
  route(app, OPERATIONS.messageByNonce, async (req) => ({
    message: await messages.messageByNonce(
      deps,
      caller(req),
      req.query.workspace_id,
      req.query.nonce,
    ),
  }));
  route(app, OPERATIONS.getMessage, async (req) => ({
    message: await messages.getMessage(deps, caller(req), req.params.message_id),
  }));
  route(app, OPERATIONS.updateMessage, async (req) =>
    updateMessage(deps, caller(req), req.params.message_id, req.body),
  );
  route(app, OPERATIONS.deleteMessage, async (req) =>
    deleteMessage(deps, caller(req), req.params.message_id),
  );
  route(app, OPERATIONS.listMentions, async (req) => listMentions(deps, caller(req), req.query));
}
