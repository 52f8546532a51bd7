import { ErrorBody } from '../errors.js';
import { ChannelParams } from './channels.js';
import * as K from './compat.js';
import { MessageParams, MessageResponse } from './messages.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './workspaces.js';

/** Upstream routes outside this server's scope: kept here so they show in OpenAPI, 501. */
const unsupported = (method: Operation['method'], path: string, auth: boolean, what: string) => ({
  method,
  path,
  summary: `Not supported by this server (${what}): always 501`,
  auth,
  ...(path.includes(':workspace_id') ? { params: WorkspaceParams } : {}),
  ...(path.includes(':account_id') ? { params: K.ConnectedAccountParams } : {}),
  responses: ok(501, ErrorBody),
});

/** Upstream compatibility: notification settings, public routes, unsupported upstream routes. */
export const COMPAT_OPERATIONS = {
  getChannelNotificationSettings: {
    method: 'GET',
    path: '/api/channels/:channel_id/notification-settings',
    summary: "The caller's notification preference for a channel (all, mentions, muted)",
    auth: true,
    params: ChannelParams,
    responses: ok(200, K.NotificationSettingsResponse),
  },
  updateChannelNotificationSettings: {
    method: 'PATCH',
    path: '/api/channels/:channel_id/notification-settings',
    summary: 'Set your notification preference for a channel; it governs its unread badges',
    auth: true,
    params: ChannelParams,
    body: K.NotificationSettingsBody,
    responses: ok(200, K.NotificationSettingsResponse),
  },
  resolveRoute: {
    method: 'GET',
    path: '/api/routes/:workspace_route_id/:target_route_id',
    summary: 'Resolve public route ids (T…/C…/D…/M…) from an app URL to what they name',
    auth: true,
    params: K.RouteParams,
    responses: ok(200, K.RouteResponse),
  },
  ensureMessageRoute: {
    method: 'POST',
    path: '/api/messages/:message_id/route',
    summary: "Allocate (once) a thread root's public M… route id, for Copy link",
    auth: true,
    params: MessageParams,
    responses: ok(200, MessageResponse),
  },
  listTopics: unsupported('GET', '/api/workspaces/:workspace_id/topics', true, 'topics'),
  createTopic: unsupported('POST', '/api/workspaces/:workspace_id/topics', true, 'topics'),
  listConnectedAccounts: unsupported(
    'GET',
    '/api/workspaces/:workspace_id/connected-accounts',
    true,
    'connected accounts',
  ),
  createConnectedAccount: unsupported(
    'POST',
    '/api/workspaces/:workspace_id/connected-accounts',
    true,
    'connected accounts',
  ),
  revokeConnectedAccount: unsupported(
    'POST',
    '/api/connected-accounts/:account_id/revoke',
    true,
    'connected accounts',
  ),
  startGitHubOAuth: unsupported('GET', '/api/auth/github/start', false, 'GitHub sign-in'),
  finishGitHubOAuth: unsupported('GET', '/api/auth/github/callback', false, 'GitHub sign-in'),
  startDesktopGitHubOAuth: unsupported(
    'GET',
    '/api/auth/github/desktop/start',
    false,
    'GitHub sign-in',
  ),
  consumeDesktopGitHubOAuth: unsupported(
    'POST',
    '/api/auth/github/desktop/consume',
    false,
    'GitHub sign-in',
  ),
} satisfies Record<string, Operation>;

/** The upstream features `COMPAT_OPERATIONS` answers 501 for, by operation. */
export const UNSUPPORTED_FEATURES = {
  listTopics: 'topics',
  createTopic: 'topics',
  listConnectedAccounts: 'connected accounts',
  createConnectedAccount: 'connected accounts',
  revokeConnectedAccount: 'connected accounts',
  startGitHubOAuth: 'GitHub sign-in',
  finishGitHubOAuth: 'GitHub sign-in',
  startDesktopGitHubOAuth: 'GitHub sign-in',
  consumeDesktopGitHubOAuth: 'GitHub sign-in',
} as const satisfies Partial<Record<keyof typeof COMPAT_OPERATIONS, string>>;
