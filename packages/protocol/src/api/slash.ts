import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { Message } from '../entities/message.js';

export const SlashCommand = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  app_installation_id: Type.Optional(Type.String()),
  command: Type.String(),
  description: Type.String(),
  /** Workspace managers only: a callback URL may carry a key. */
  callback_url: Type.Optional(Type.String()),
  /** Shown only when created or rotated. */
  signing_secret: Type.Optional(Type.String()),
  bot_user_id: Type.String(),
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  revoked_at: Type.Optional(Timestamp),
});
export type SlashCommand = Static<typeof SlashCommand>;

export const CreateSlashCommandBody = Type.Object({
  command: Type.String({ maxLength: 40 }),
  callback_url: Type.String({ maxLength: 2000 }),
  bot_user_id: Type.String({ maxLength: 100 }),
  app_installation_id: Type.Optional(Type.String({ maxLength: 100 })),
  description: Type.Optional(Type.String({ maxLength: 500 })),
});
export type CreateSlashCommandBody = Static<typeof CreateSlashCommandBody>;

export const SlashCommandParams = Type.Object({ command_id: Type.String({ maxLength: 100 }) });
export const SlashCommandResponse = Type.Object({ slash_command: SlashCommand });
export type SlashCommandResponse = Static<typeof SlashCommandResponse>;
export const SlashCommandListResponse = Type.Object({ slash_commands: Type.Array(SlashCommand) });
export type SlashCommandListResponse = Static<typeof SlashCommandListResponse>;

/** Form fields of an invocation (`application/x-www-form-urlencoded`, JSON also accepted). */
export const InvokeSlashBody = Type.Object({
  command: Type.Optional(Type.String({ maxLength: 40 })),
  text: Type.Optional(Type.String({ maxLength: 4000 })),
});
export type InvokeSlashBody = Static<typeof InvokeSlashBody>;

export const SlashInvocation = Type.Object({
  id: Type.String(),
  command_id: Type.String(),
  response_status: Type.Integer(),
  error: Type.Optional(Type.String()),
  created_at: Timestamp,
});

export const InvokeSlashResponse = Type.Object({
  response_type: Type.String(),
  text: Type.String(),
  message: Type.Union([Message, Type.Null()]),
  event: Type.Union([Event, Type.Null()]),
  invocation: Type.Optional(SlashInvocation),
});
export type InvokeSlashResponse = Static<typeof InvokeSlashResponse>;

export const AuditLogQuery = Type.Object({ limit: Type.Optional(Type.String({ maxLength: 10 })) });
export const AuditLogEntry = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  actor_user_id: Type.Optional(Type.String()),
  action: Type.String(),
  target_type: Type.String(),
  target_id: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});
export const AuditLogResponse = Type.Object({ audit_log_entries: Type.Array(AuditLogEntry) });
export type AuditLogResponse = Static<typeof AuditLogResponse>;
