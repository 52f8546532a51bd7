import { OPERATIONS } from '@clickclack/protocol';
import { auditLog } from '../../services/audit-log/audit-log.js';
import type { ServiceDeps } from '../../services/context.js';
import { caller, route, type App } from '../route.js';

export function auditLogRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.auditLog, async (req) =>
    auditLog(deps, caller(req), req.params.workspace_id, req.query.limit),
  );
}
