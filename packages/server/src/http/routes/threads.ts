import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { setFollow } from '../../services/threads/follows.js';
import * as threads from '../../services/threads/threads.js';
import { caller, route, routeOutcome, type App } from '../route.js';

export function threadRoutes(app: App, deps: ServiceDeps): void {
  route(
    app,
    OPERATIONS.getThread,
    async (req) => threads.getThread(deps, caller(req), req.params.message_id, req.query),
    { presented: true },
  );
  routeOutcome(app, OPERATIONS.createReply, async (req) =>
    threads.createReply(deps, caller(req), req.params.message_id, req.body),
  );
  route(app, OPERATIONS.followThread, async (req) =>
    setFollow(deps, caller(req), req.params.message_id, true),
  );
  route(app, OPERATIONS.unfollowThread, async (req) =>
    setFollow(deps, caller(req), req.params.message_id, false),
  );
}
