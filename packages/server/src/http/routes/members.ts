import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { deactivateMember } from '../../services/members/deactivation.js';
import { listMembers } from '../../services/members/list.js';
import * as members from '../../services/members/members.js';
import * as moderation from '../../services/members/moderation.js';
import { presentUser } from '../../services/present.js';
import { caller, route, type App } from '../route.js';

export function memberRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listMembers, async (req) =>
    listMembers(deps, caller(req), req.params.workspace_id, req.query),
  );
  route(app, OPERATIONS.addWorkspaceMember, async (req, reply) =>
    reply
      .status(201)
      .send(await members.addMember(deps, caller(req), req.params.workspace_id, req.body)),
  );
  route(app, OPERATIONS.updateWorkspaceMember, async (req) =>
    members.updateMember(
      deps,
      caller(req),
      req.params.workspace_id,
      req.params.user_id,
      req.body.role,
    ),
  );
  route(app, OPERATIONS.removeWorkspaceMember, async (req) =>
    members.removeMember(deps, caller(req), req.params.workspace_id, req.params.user_id),
  );
  route(app, OPERATIONS.moderationRoster, async (req) =>
    moderation.moderationRoster(deps, caller(req), req.params.workspace_id),
  );
  route(app, OPERATIONS.moderateMember, async (req) =>
    moderation.moderateMember(
      deps,
      caller(req),
      req.params.workspace_id,
      req.params.user_id,
      req.body,
    ),
  );
  route(app, OPERATIONS.deactivateMember, async (req) => ({
    user: presentUser(
      await deactivateMember(deps, caller(req), req.params.workspace_id, req.params.user_id),
    ),
  }));
}
