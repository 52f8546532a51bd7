import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as admin from '../../services/workspaces/admin.js';
import * as workspaces from '../../services/workspaces/workspaces.js';
import { caller, route, type App } from '../route.js';

export function workspaceRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listWorkspaces, async (req) => ({
    workspaces: await workspaces.listWorkspaces(deps, caller(req)),
  }));
  route(app, OPERATIONS.createWorkspace, async (req, reply) =>
    reply.status(201).send(await workspaces.createWorkspace(deps, caller(req), req.body)),
  );
  route(app, OPERATIONS.getWorkspace, async (req) => ({
    workspace: await workspaces.getWorkspace(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.updateWorkspace, async (req) =>
    admin.updateWorkspace(deps, caller(req), req.params.workspace_id, req.body),
  );
  route(app, OPERATIONS.transferWorkspaceOwnership, async (req) =>
    admin.transferOwnership(deps, caller(req), req.params.workspace_id, req.body),
  );
  route(app, OPERATIONS.workspaceDeletionPreview, async (req) =>
    admin.previewWorkspaceDeletion(deps, caller(req), req.params.workspace_id),
  );
  route(app, OPERATIONS.deleteWorkspace, async (req, reply) => {
    await admin.deleteWorkspace(deps, caller(req), req.params.workspace_id);
    return reply.status(204).send();
  });
}
