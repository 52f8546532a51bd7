import type { ServiceDeps } from '../../services/context.js';
import type { App } from '../route.js';

/** Search and uploads. */
export function searchUploadRoutes(_app: App, _deps: ServiceDeps): void {}
