import { Type, type Static } from 'typebox';
import { BotToken } from '../entities/auth.js';
import { Timestamp } from '../entities/common.js';
import { User } from '../entities/user.js';
import { Workspace } from '../entities/workspace.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

/**
 * Retry key (16-128 characters): a repeat by the same caller with the same input returns the
 * same bot, token or installation (a token with a fresh secret); other input is a 409.
 */
export const SetupNonce = Type.String({ maxLength: 200 });

export const CreateBotBody = Type.Object({
  display_name: Type.String({ maxLength: 200 }),
  handle: Type.Optional(Type.String({ maxLength: 100 })),
  avatar_url: Type.Optional(Type.String({ maxLength: 2000 })),
  owner_user_id: Type.Optional(Type.String({ maxLength: 100 })),
  token_name: Type.Optional(Type.String({ maxLength: 100 })),
  scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 32 })),
  initial_token: Type.Optional(Type.Boolean()),
  setup_nonce: Type.Optional(SetupNonce),
});
export type CreateBotBody = Static<typeof CreateBotBody>;

export const CreateBotResponse = Type.Object({ bot: User, bot_token: Type.Optional(BotToken) });
export type CreateBotResponse = Static<typeof CreateBotResponse>;

export const BotWithTokens = Type.Object({ bot: User, tokens: Type.Array(BotToken) });
export const BotListResponse = Type.Object({ bots: Type.Array(BotWithTokens) });
export type BotListResponse = Static<typeof BotListResponse>;

export const BotParams = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  bot_user_id: Type.String({ maxLength: 100 }),
});
export type BotParams = Static<typeof BotParams>;
export const LegacyBotParams = Type.Object({ bot_user_id: Type.String({ maxLength: 100 }) });

export const CreateTokenBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 100 })),
  scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 32 })),
  setup_nonce: Type.Optional(SetupNonce),
});
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const BotTokenResponse = Type.Object({ bot_token: BotToken });
export type BotTokenResponse = Static<typeof BotTokenResponse>;
export const BotTokenListResponse = Type.Object({ bot_tokens: Type.Array(BotToken) });
export type BotTokenListResponse = Static<typeof BotTokenListResponse>;

export const TokenParams = Type.Object({ token_id: Type.String({ maxLength: 100 }) });
export type TokenParams = Static<typeof TokenParams>;

/** A retired bot: its user stays (messages keep their author), its handle is free again. */
export const DeletedBot = Type.Object({
  id: Type.String(),
  display_name: Type.String(),
  former_handle: Type.String(),
  deleted_at: Timestamp,
});
export type DeletedBot = Static<typeof DeletedBot>;
export const DeleteBotResponse = Type.Object({ deleted_bot: DeletedBot });
export type DeleteBotResponse = Static<typeof DeleteBotResponse>;

export const OwnedBot = Type.Object({
  bot: User,
  workspace: Type.Object({ id: Type.String(), route_id: Type.String(), name: Type.String() }),
  active_token_count: Type.Integer(),
});
export const OwnedBotsResponse = Type.Object({ bots: Type.Array(OwnedBot) });
export type OwnedBotsResponse = Static<typeof OwnedBotsResponse>;

export const BotCommandInput = Type.Object({
  command: Type.String({ maxLength: 40 }),
  description: Type.String({ maxLength: 200 }),
  args_hint: Type.Optional(Type.String({ maxLength: 200 })),
});
export const SetCommandsBody = Type.Object({
  commands: Type.Array(BotCommandInput, { maxItems: 100 }),
});
export type SetCommandsBody = Static<typeof SetCommandsBody>;

export const BotCommand = Type.Object({
  id: Type.String(),
  command: Type.String(),
  description: Type.String(),
  args_hint: Type.String(),
  bot: Type.Object({
    id: Type.String(),
    handle: Type.String(),
    display_name: Type.String(),
    avatar_url: Type.String(),
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const BotCommandsResponse = Type.Object({ bot_commands: Type.Array(BotCommand) });
export type BotCommandsResponse = Static<typeof BotCommandsResponse>;

/** `defaults` is free-form for the agent (e.g. a default channel); the server caps its size. */
export const SetupCodeDefaults = Type.Record(Type.String(), Type.Unknown());

export const CreateSetupCodeBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 100 })),
  scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 32 })),
  defaults: Type.Optional(SetupCodeDefaults),
});
export type CreateSetupCodeBody = Static<typeof CreateSetupCodeBody>;

/**
 * Setup contract v1, present when the server knows its external address (`--public-url`, or
 * a request from loopback): the canonical API base an agent stores and then calls.
 */
export const SetupContract = Type.Object({
  contract_version: Type.Optional(Type.Literal(1)),
  api_base_url: Type.Optional(Type.String()),
});
export type SetupContract = Static<typeof SetupContract>;

/** A one-time code an agent exchanges for a bot token; `code` appears only when created. */
export const BotSetupCode = Type.Object({
  id: Type.String(),
  bot_user_id: Type.String(),
  workspace_id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  defaults: SetupCodeDefaults,
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  expires_at: Timestamp,
  claimed_at: Type.Union([Timestamp, Type.Null()]),
  code: Type.Optional(Type.String()),
  ...SetupContract.properties,
  /** `api_base_url` + `/api/bot-setup-codes/claim`; OpenClaw takes it with `#CODE` appended. */
  claim_url: Type.Optional(Type.String()),
});
export type BotSetupCode = Static<typeof BotSetupCode>;
export const SetupCodeResponse = Type.Object({ setup_code: BotSetupCode });
export type SetupCodeResponse = Static<typeof SetupCodeResponse>;

export const ClaimSetupCodeBody = Type.Object({ code: Type.String({ maxLength: 64 }) });
export type ClaimSetupCodeBody = Static<typeof ClaimSetupCodeBody>;

export const ClaimSetupCodeResponse = Type.Object({
  token: Type.String(),
  bot: User,
  workspace: Workspace,
  defaults: SetupCodeDefaults,
  ...SetupContract.properties,
});
export type ClaimSetupCodeResponse = Static<typeof ClaimSetupCodeResponse>;

/** Bots: creation, tokens, setup codes, command menus, removal and retirement. */
export const BOTS_OPERATIONS = {
  createBot: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/bots',
    summary: 'Create a service bot (managers) or your own bot, with a first token',
    auth: true,
    params: WorkspaceParams,
    body: CreateBotBody,
    responses: ok(201, CreateBotResponse),
  },
  listBots: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/bots',
    summary: 'Bots of a workspace with their (redacted) tokens',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, BotListResponse),
  },
  listBotTokens: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/bots/:bot_user_id/tokens',
    summary: "A bot's tokens, newest first (redacted)",
    auth: true,
    params: BotParams,
    responses: ok(200, BotTokenListResponse),
  },
  createBotToken: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/bots/:bot_user_id/tokens',
    summary: 'Mint another token (the raw ccb_ value is shown once)',
    auth: true,
    params: BotParams,
    body: CreateTokenBody,
    responses: ok(201, BotTokenResponse),
  },
  listBotTokensLegacy: {
    method: 'GET',
    path: '/api/bots/:bot_user_id/tokens',
    summary: "A bot's tokens (bots installed in exactly one workspace)",
    auth: true,
    params: LegacyBotParams,
    responses: ok(200, BotTokenListResponse),
  },
  createBotTokenLegacy: {
    method: 'POST',
    path: '/api/bots/:bot_user_id/tokens',
    summary: 'Mint a token (bots installed in exactly one workspace)',
    auth: true,
    params: LegacyBotParams,
    body: CreateTokenBody,
    responses: ok(201, BotTokenResponse),
  },
  revokeBotToken: {
    method: 'POST',
    path: '/api/bot-tokens/:token_id/revoke',
    summary: 'Revoke a token now (its sockets close)',
    auth: true,
    params: TokenParams,
    responses: ok(200, BotTokenResponse),
  },
  removeBotMembership: {
    method: 'DELETE',
    path: '/api/workspaces/:workspace_id/bots/:bot_user_id/membership',
    summary: 'Remove a bot from a workspace and revoke its tokens there (204)',
    auth: true,
    params: BotParams,
    responses: ok(204, Type.Null()),
  },
  deleteBot: {
    method: 'DELETE',
    path: '/api/bots/:bot_user_id',
    summary:
      'Retire a bot everywhere: tokens, memberships, commands and integrations go, its handle is freed, its messages stay',
    auth: true,
    params: LegacyBotParams,
    responses: ok(200, DeleteBotResponse),
  },
  myBots: {
    method: 'GET',
    path: '/api/me/bots',
    summary: 'Bots you own',
    auth: true,
    responses: ok(200, OwnedBotsResponse),
  },
  setBotCommands: {
    method: 'PUT',
    path: '/api/bots/self/commands',
    summary: "Replace the calling bot's command menu (bot tokens with commands:write)",
    auth: true,
    body: SetCommandsBody,
    responses: ok(200, BotCommandsResponse),
  },
  createBotSetupCode: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/bots/:bot_user_id/setup-codes',
    summary: 'Issue a one-time setup code an agent exchanges for a token (token managers)',
    auth: true,
    params: BotParams,
    body: CreateSetupCodeBody,
    responses: ok(201, SetupCodeResponse),
  },
  claimBotSetupCode: {
    method: 'POST',
    path: '/api/bot-setup-codes/claim',
    summary: 'Exchange a setup code for a new bot token (once; 10 attempts/min per IP)',
    auth: false,
    body: ClaimSetupCodeBody,
    responses: ok(200, ClaimSetupCodeResponse),
  },
  listBotCommands: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/bot-commands',
    summary: 'Command menus of the bots in a workspace',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, BotCommandsResponse),
  },
} satisfies Record<string, Operation>;
