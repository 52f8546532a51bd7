import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { MessageEventResponse } from './messages.js';
import { ok, type Operation } from './operation.js';
import { ChannelParams, WorkspaceParams } from './params.js';

/** Mattermost's incoming-webhook body; fields other than these are accepted and ignored. */
export const MattermostHookBody = Type.Object({
  text: Type.String({ maxLength: 40_000 }),
  username: Type.Optional(Type.String({ maxLength: 200 })),
  icon_url: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type MattermostHookBody = Static<typeof MattermostHookBody>;

/** A form-encoded incoming-webhook post: the JSON body in `payload` (Mattermost's form). */
export const HookForm = Type.Object({ payload: Type.String() });
export type HookForm = Static<typeof HookForm>;

/** `/hooks/<key>`: the secret key is the credential. */
export const HookKeyParams = Type.Object({ key: Type.String({ maxLength: 200 }) });
export type HookKeyParams = Static<typeof HookKeyParams>;

export const IncomingWebhook = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  channel_id: Type.String(),
  bot_user_id: Type.String(),
  display_name: Type.String(),
  allow_override: Type.Boolean(),
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  last_used_at: Type.Optional(Timestamp),
  revoked_at: Type.Optional(Timestamp),
  /** `/hooks/<key>`: shown once, when created. */
  url: Type.Optional(Type.String()),
});
export type IncomingWebhook = Static<typeof IncomingWebhook>;

export const CreateIncomingWebhookBody = Type.Object({
  channel_id: Type.String({ maxLength: 100 }),
  display_name: Type.Optional(Type.String({ maxLength: 80 })),
  allow_override: Type.Optional(Type.Boolean()),
});
export type CreateIncomingWebhookBody = Static<typeof CreateIncomingWebhookBody>;

export const IncomingWebhookResponse = Type.Object({ incoming_webhook: IncomingWebhook });
export type IncomingWebhookResponse = Static<typeof IncomingWebhookResponse>;
export const IncomingWebhookListResponse = Type.Object({
  incoming_webhooks: Type.Array(IncomingWebhook),
});
export type IncomingWebhookListResponse = Static<typeof IncomingWebhookListResponse>;

export const WebhookParams = Type.Object({ webhook_id: Type.String({ maxLength: 100 }) });
export type WebhookParams = Static<typeof WebhookParams>;

/** Incoming webhooks: the bearer Mattermost hook and secret-URL hooks with their management. */
export const WEBHOOKS_OPERATIONS = {
  mattermostHook: {
    method: 'POST',
    path: '/api/hooks/mattermost/:channel_id',
    summary: 'Post Mattermost-shaped JSON ({text}) as the caller',
    auth: true,
    params: ChannelParams,
    body: MattermostHookBody,
    responses: ok(201, MessageEventResponse),
  },
  postToIncomingWebhook: {
    method: 'POST',
    path: '/hooks/:key',
    summary: "Post through an incoming webhook's secret URL (JSON, or a form with `payload`)",
    auth: false,
    params: HookKeyParams,
    rawBody: {
      'application/json': MattermostHookBody,
      'application/x-www-form-urlencoded': HookForm,
    },
    responses: ok(201, MessageEventResponse),
  },
  createIncomingWebhook: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/incoming-webhooks',
    summary: 'Create a secret-URL incoming webhook for a channel (managers; URL shown once)',
    auth: true,
    params: WorkspaceParams,
    body: CreateIncomingWebhookBody,
    responses: ok(201, IncomingWebhookResponse),
  },
  listIncomingWebhooks: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/incoming-webhooks',
    summary: 'Active incoming webhooks (URLs redacted)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, IncomingWebhookListResponse),
  },
  revokeIncomingWebhook: {
    method: 'POST',
    path: '/api/incoming-webhooks/:webhook_id/revoke',
    summary: 'Revoke an incoming webhook',
    auth: true,
    params: WebhookParams,
    responses: ok(200, IncomingWebhookResponse),
  },
} satisfies Record<string, Operation>;
