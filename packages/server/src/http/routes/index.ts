import type { ServiceDeps } from '../../services/context.js';
import type { App } from '../route.js';
import { accountRoutes } from './account.js';
import { authRoutes } from './auth.js';
import { compatRoutes } from './compat.js';
import { conversationRoutes } from './conversations.js';
import { integrationRoutes } from './integrations.js';
import { joinRoutes } from './join.js';
import { messageRoutes } from './messages.js';
import { messagingRoutes } from './messaging.js';
import { opsRoutes } from './ops.js';
import { realtimeRoutes } from './realtime.js';
import { searchUploadRoutes } from './search-uploads.js';
import { workspaceRoutes } from './workspaces.js';

/** The route table: every resource plugin, in one place. */
export function registerRoutes(app: App, deps: ServiceDeps): void {
  opsRoutes(app, deps);
  authRoutes(app, deps);
  workspaceRoutes(app, deps);
  messageRoutes(app, deps);
  realtimeRoutes(app, deps);
  messagingRoutes(app, deps);
  conversationRoutes(app, deps);
  searchUploadRoutes(app, deps);
  integrationRoutes(app, deps);
  compatRoutes(app, deps);
  joinRoutes(app, deps);
  accountRoutes(app, deps);
}
