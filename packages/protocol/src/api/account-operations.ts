import * as A from './account.js';
import { OkResponse } from './auth.js';
import { WorkspaceMemberParams } from './channel-admin.js';
import { ok, type Operation } from './operation.js';

/** A person's own account: where they are signed in, and how the server may reach them. */
export const ACCOUNT_OPERATIONS = {
  listSessions: {
    method: 'GET',
    path: '/api/auth/sessions',
    summary: "The caller's live sessions (device, created, last seen)",
    auth: true,
    responses: ok(200, A.SessionListResponse),
  },
  revokeSessionById: {
    method: 'DELETE',
    path: '/api/auth/sessions/:session_id',
    summary: "Sign one of the caller's sessions out (its sockets close)",
    auth: true,
    params: A.SessionParams,
    responses: ok(200, OkResponse),
  },
  getEmailNotifications: {
    method: 'GET',
    path: '/api/me/email-notifications',
    summary: 'Email when away: whether it is on and how long a message waits unread',
    auth: true,
    responses: ok(200, A.EmailNotificationSettingsResponse),
  },
  updateEmailNotifications: {
    method: 'PATCH',
    path: '/api/me/email-notifications',
    summary: 'Turn email when away on or off, or change its delay',
    auth: true,
    body: A.UpdateEmailNotificationSettingsBody,
    responses: ok(200, A.EmailNotificationSettingsResponse),
  },
  deactivateMember: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/members/:user_id/deactivate',
    summary:
      "Deactivate a member's account (owner of every workspace they are in): signed out, sign-in refused, messages kept",
    auth: true,
    params: WorkspaceMemberParams,
    responses: ok(200, A.DeactivatedUserResponse),
  },
} satisfies Record<string, Operation>;
