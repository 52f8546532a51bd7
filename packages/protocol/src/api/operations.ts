import { ACCOUNT_OPERATIONS } from './account.js';
import { APPS_OPERATIONS } from './apps.js';
import { AUDIT_LOG_OPERATIONS } from './audit-log.js';
import { AUTH_OPERATIONS } from './auth.js';
import { BOTS_OPERATIONS } from './bots.js';
import { CHANNELS_OPERATIONS } from './channels.js';
import { DEEP_LINKS_OPERATIONS } from './deep-links.js';
import { DMS_OPERATIONS } from './dms.js';
import { EVENT_SUBSCRIPTIONS_OPERATIONS } from './event-subscriptions.js';
import { INVITES_OPERATIONS } from './invites.js';
import { MEMBERS_OPERATIONS } from './members.js';
import { MESSAGES_OPERATIONS } from './messages.js';
import { OPS_OPERATIONS } from './ops.js';
import { PINS_OPERATIONS } from './pins.js';
import { REACTIONS_OPERATIONS } from './reactions.js';
import { REALTIME_OPERATIONS } from './realtime.js';
import { SEARCH_OPERATIONS } from './search.js';
import { SLASH_COMMANDS_OPERATIONS } from './slash-commands.js';
import { THREADS_OPERATIONS } from './threads.js';
import { UNSUPPORTED_OPERATIONS } from './unsupported.js';
import { UPLOADS_OPERATIONS } from './uploads.js';
import { WEBHOOKS_OPERATIONS } from './webhooks.js';
import { WORKSPACES_OPERATIONS } from './workspaces.js';

export type { HttpMethod, Operation } from './operation.js';

/**
 * THE route table of the HTTP API: the server registers these and OpenAPI is built from
 * them, in this order (feature by feature). Each feature keeps its operations, with their
 * schemas, in `api/<feature>.ts`.
 */
export const OPERATIONS = {
  ...OPS_OPERATIONS,
  ...AUTH_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...WORKSPACES_OPERATIONS,
  ...MEMBERS_OPERATIONS,
  ...INVITES_OPERATIONS,
  ...CHANNELS_OPERATIONS,
  ...DMS_OPERATIONS,
  ...MESSAGES_OPERATIONS,
  ...THREADS_OPERATIONS,
  ...REACTIONS_OPERATIONS,
  ...PINS_OPERATIONS,
  ...DEEP_LINKS_OPERATIONS,
  ...UPLOADS_OPERATIONS,
  ...SEARCH_OPERATIONS,
  ...REALTIME_OPERATIONS,
  ...BOTS_OPERATIONS,
  ...WEBHOOKS_OPERATIONS,
  ...SLASH_COMMANDS_OPERATIONS,
  ...EVENT_SUBSCRIPTIONS_OPERATIONS,
  ...APPS_OPERATIONS,
  ...AUDIT_LOG_OPERATIONS,
  ...UNSUPPORTED_OPERATIONS,
};

export type OperationId = keyof typeof OPERATIONS;
