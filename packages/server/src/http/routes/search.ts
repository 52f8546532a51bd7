import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { search } from '../../services/search/search.js';
import { route, type App } from '../route.js';

export function searchRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.search, async (req) => search(deps, req.actor, req.query));
}
