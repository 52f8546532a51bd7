import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { Message } from '../entities/message.js';
import { ok, type Operation } from './operation.js';
import { ChannelParams, WorkspaceParams } from './params.js';

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

/** Slash commands: registration with a signed callback (managers), and invocation. */
export const SLASH_COMMANDS_OPERATIONS = {
  createSlashCommand: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/slash-commands',
    summary: 'Register a slash command answered by a signed callback (managers)',
    auth: true,
    params: WorkspaceParams,
    body: CreateSlashCommandBody,
    responses: ok(201, SlashCommandResponse),
  },
  listSlashCommands: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/slash-commands',
    summary: 'Active slash commands (secrets redacted)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, SlashCommandListResponse),
  },
  revokeSlashCommand: {
    method: 'POST',
    path: '/api/slash-commands/:command_id/revoke',
    summary: 'Revoke a slash command',
    auth: true,
    params: SlashCommandParams,
    responses: ok(200, SlashCommandResponse),
  },
  rotateSlashCommandSecret: {
    method: 'POST',
    path: '/api/slash-commands/:command_id/rotate-secret',
    summary: 'Issue a new signing secret',
    auth: true,
    params: SlashCommandParams,
    responses: ok(200, SlashCommandResponse),
  },
  invokeSlashCommand: {
    method: 'POST',
    path: '/api/hooks/slash/:channel_id',
    summary: 'Run a slash command in a channel (form fields command, text)',
    auth: true,
    params: ChannelParams,
    body: InvokeSlashBody,
    responses: { 200: InvokeSlashResponse, 201: InvokeSlashResponse },
  },
} satisfies Record<string, Operation>;
