import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { addReaction, listReactions, removeReaction } from '../../services/reactions/reactions.js';
import { caller, route, routeOutcome, type App } from '../route.js';

export function reactionRoutes(app: App, deps: ServiceDeps): void {
  routeOutcome(app, OPERATIONS.addReaction, async (req) =>
    addReaction(deps, caller(req), req.params.message_id, req.body.emoji),
  );
  route(app, OPERATIONS.removeReaction, async (req) =>
    removeReaction(deps, caller(req), req.params.message_id, req.params.emoji),
  );
  route(app, OPERATIONS.listReactions, async (req) =>
    listReactions(deps, caller(req), req.params.message_id),
  );
}
