import { OPERATIONS, UNSUPPORTED_FEATURES } from '@clickclack/protocol';
import { DomainError } from '../../services/errors.js';
import { route, type App } from '../route.js';

/**
 * Upstream operations this server does not implement. Registered rather than left to the
 * 404 handler, so a client of the upstream server learns the feature is missing here, not
 * that it asked for a wrong path.
 */
export function unsupportedRoutes(app: App): void {
  for (const [id, feature] of Object.entries(UNSUPPORTED_FEATURES)) {
    route(app, OPERATIONS[id as keyof typeof UNSUPPORTED_FEATURES], async () => {
      throw new DomainError('not_implemented', `this server does not support ${feature}`);
    });
  }
}
