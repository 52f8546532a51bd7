import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { DeletedBot, SetupNonce } from './bots.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

export const AppInstallation = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  app_slug: Type.String(),
  display_name: Type.String(),
  bot_user_id: Type.String(),
  /** Workspace managers only: an app's settings may hold its keys. */
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  revoked_at: Type.Optional(Timestamp),
});
export type AppInstallation = Static<typeof AppInstallation>;

export const InstallAppBody = Type.Object({
  app_slug: Type.String({ maxLength: 100 }),
  display_name: Type.Optional(Type.String({ maxLength: 200 })),
  bot_user_id: Type.String({ maxLength: 100 }),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  setup_nonce: Type.Optional(SetupNonce),
});
export type InstallAppBody = Static<typeof InstallAppBody>;

export const AppParams = Type.Object({ installation_id: Type.String({ maxLength: 100 }) });

export const RevokeAppBody = Type.Object({
  revoke_slash_commands: Type.Optional(Type.Boolean()),
  revoke_event_subscriptions: Type.Optional(Type.Boolean()),
  revoke_bot_tokens: Type.Optional(Type.Boolean()),
  /** Retire the app's bot everywhere as well (`DELETE /api/bots/{id}`). */
  delete_bot: Type.Optional(Type.Boolean()),
});
export type RevokeAppBody = Static<typeof RevokeAppBody>;

export const AppInstallationResponse = Type.Object({ app_installation: AppInstallation });
export type AppInstallationResponse = Static<typeof AppInstallationResponse>;
export const AppInstallationListResponse = Type.Object({
  app_installations: Type.Array(AppInstallation),
});
export type AppInstallationListResponse = Static<typeof AppInstallationListResponse>;
export const RevokeAppResponse = Type.Object({
  installation: AppInstallation,
  revoked: Type.Object({
    slash_commands: Type.Integer(),
    event_subscriptions: Type.Integer(),
    bot_tokens: Type.Integer(),
  }),
  deleted_bot: Type.Optional(DeletedBot),
});
export type RevokeAppResponse = Static<typeof RevokeAppResponse>;

/** App installations: an app acting through a bot, with its commands and subscriptions. */
export const APPS_OPERATIONS = {
  installApp: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/app-installations',
    summary: 'Install an app that acts through a bot (managers)',
    auth: true,
    params: WorkspaceParams,
    body: InstallAppBody,
    responses: ok(201, AppInstallationResponse),
  },
  listApps: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/app-installations',
    summary: 'Active app installations',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, AppInstallationListResponse),
  },
  revokeApp: {
    method: 'POST',
    path: '/api/app-installations/:installation_id/revoke',
    summary:
      'Uninstall an app; its slash commands and subscriptions (and optionally bot tokens) go too',
    auth: true,
    params: AppParams,
    body: RevokeAppBody,
    responses: ok(200, RevokeAppResponse),
  },
} satisfies Record<string, Operation>;
