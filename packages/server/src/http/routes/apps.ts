import { OPERATIONS } from '@clickclack/protocol';
import * as apps from '../../services/apps/apps.js';
import type { ServiceDeps } from '../../services/context.js';
import { caller, route, type App } from '../route.js';

export function appRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.installApp, async (req, reply) =>
    reply.status(201).send({
      app_installation: await apps.installApp(deps, caller(req), req.params.workspace_id, req.body),
    }),
  );
  route(app, OPERATIONS.listApps, async (req) => ({
    app_installations: await apps.listApps(deps, caller(req), req.params.workspace_id),
  }));
  route(app, OPERATIONS.revokeApp, async (req) =>
    apps.revokeApp(deps, caller(req), req.params.installation_id, req.body ?? {}),
  );
}
