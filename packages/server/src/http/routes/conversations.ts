import type { ServiceDeps } from '../../services/context.js';
import type { App } from '../route.js';

/** DMs, channel management, workspace member management. */
export function conversationRoutes(_app: App, _deps: ServiceDeps): void {}
