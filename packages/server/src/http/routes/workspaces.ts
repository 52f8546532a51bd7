import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import * as admin from '../../services/workspaces/admin.js';
import * as workspaces from '../../services/workspaces/workspaces.js';
import { route, type App } from '../route.js';

export function workspaceRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.listWorkspaces, async (req) => ({
    workspaces: await workspaces.listWorkspaces(deps, req.actor),
  }));
  route(app, OPERATIONS.createWorkspace, async (req, reply) =>
    reply.status(201).send(await workspaces.createWorkspace(deps, req.actor, req.body)),
  );
  route(app, OPERATIONS.getWorkspace, async (req) => ({
    workspace: await workspaces.getWorkspace(deps, req.actor, req.params.workspace_id),
  }));
  route(app, OPERATIONS.updateWorkspace, async (req) =>
    admin.updateWorkspace(deps, req.actor, req.params.workspace_id, req.body),
  );
  route(app, OPERATIONS.transferWorkspaceOwnership, async (req) =>
    admin.transferOwnership(deps, req.actor, req.params.workspace_id, req.body),
  );
  route(app, OPERATIONS.workspaceDeletionPreview, async (req) =>
    admin.previewWorkspaceDeletion(deps, req.actor, req.params.workspace_id),
  );
  route(app, OPERATIONS.deleteWorkspace, async (req, reply) => {
    await admin.deleteWorkspace(deps, req.actor, req.params.workspace_id);
    return reply.status(204).send();
  });
}
