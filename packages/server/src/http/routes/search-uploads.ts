import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { search } from '../../services/search.js';
import { route, type App } from '../route.js';

/** Search and uploads. */
export function searchUploadRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.search, async (req) => search(deps, req.actor, req.query));
}
