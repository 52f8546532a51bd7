import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { search } from '../../services/search/search.js';
import { caller, route, type App } from '../route.js';

export function searchRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.search, async (req) => search(deps, caller(req), req.query));
}
