export * from './client.js';
export * from './resources/bots.js';
export * from './resources/webhooks.js';
export * from './resources/slash-commands.js';
export * from './resources/audit-log.js';
export * from './resources/apps.js';
export * from './bot.js';
export * from './errors.js';
export * from './http.js';
export * from './resources/auth.js';
export * from './resources/channels.js';
export * from './resources/dms.js';
export * from './resources/event-subscriptions.js';
export * from './resources/realtime.js';
export * from './resources/invites.js';
export * from './resources/messages.js';
export * from './resources/threads.js';
export * from './resources/uploads.js';
export * from './resources/workspaces.js';
export * from './resources/deep-links.js';
export * from './realtime/connection.js';
export * from './realtime/socket.js';
export type * from '@clickclack/protocol';
export * from './retry.js';
// Named, so these win over the protocol's same-named schema constants above.
export type {
  AuditLogEntry,
  BotWithTokens,
  BotCommand,
  WorkspaceBotCommand,
  BotCommandBot,
  BotCommandInput,
  OwnedBotEntry,
  OwnedBotWorkspace,
  BotSetupCodeDefaults,
  BotSetupCodeClaim,
  RevokeAppInstallationOptions,
  RevokeAppInstallationResult,
  AppInstallationRevokedCounts,
  EventDeliveryAttempt,
  EventDeliveryAttemptsPage,
  MessageInput,
  MessagePageOptions,
  ReadReceipt,
  PinMessageResponse,
  ReactionMutationResponse,
  SearchHighlight,
  Thread,
  AgentProgressLine,
  AgentProgressPayload,
} from './original-types.js';
