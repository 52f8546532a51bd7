import type { ServiceDeps } from '../../services/context.js';
import type { App } from '../route.js';

/** Edits, deletes, reactions, pins, mentions, read state, thread follows. */
export function messagingRoutes(_app: App, _deps: ServiceDeps): void {}
