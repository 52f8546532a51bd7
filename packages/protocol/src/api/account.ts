import { Type, type Static } from 'typebox';
import { Me } from '../entities/user.js';
import { ok, type Operation } from './operation.js';

export const MeResponse = Type.Object({ user: Me });
export type MeResponse = Static<typeof MeResponse>;

export const UpdateMeBody = Type.Object({
  display_name: Type.Optional(Type.String({ maxLength: 1000 })),
  handle: Type.Optional(Type.String({ maxLength: 100 })),
  avatar_url: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type UpdateMeBody = Static<typeof UpdateMeBody>;

/** `PUT /api/me/status`: an empty emoji and text clear the status. */
export const SetStatusBody = Type.Object({
  emoji: Type.Optional(Type.String({ maxLength: 64 })),
  text: Type.Optional(Type.String({ maxLength: 1000 })),
  /** When it clears itself (in the future, within a year); absent or null: never. */
  expires_at: Type.Optional(Type.String({ maxLength: 40 })),
});
export type SetStatusBody = Static<typeof SetStatusBody>;

/** Email when away: mentions, DMs and followed-thread replies left unread for `delay_seconds`. */
export const EmailNotificationSettings = Type.Object({
  enabled: Type.Boolean(),
  delay_seconds: Type.Integer(),
});
export type EmailNotificationSettings = Static<typeof EmailNotificationSettings>;

export const EmailNotificationSettingsResponse = Type.Object({
  email_notifications: EmailNotificationSettings,
});
export type EmailNotificationSettingsResponse = Static<typeof EmailNotificationSettingsResponse>;

/** `delay_seconds: null` goes back to the server's delay. */
export const UpdateEmailNotificationSettingsBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  delay_seconds: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});
export type UpdateEmailNotificationSettingsBody = Static<
  typeof UpdateEmailNotificationSettingsBody
>;

/** A person's own account: their profile, status, and how the server may reach them. */
export const ACCOUNT_OPERATIONS = {
  getMe: {
    method: 'GET',
    path: '/api/me',
    summary: 'The caller',
    auth: true,
    responses: ok(200, MeResponse),
  },
  updateMe: {
    method: 'PATCH',
    path: '/api/me',
    summary: 'Update the caller profile',
    auth: true,
    body: UpdateMeBody,
    responses: ok(200, MeResponse),
  },
  setMyStatus: {
    method: 'PUT',
    path: '/api/me/status',
    summary: "Set or clear the caller's status (emoji, text, when it clears itself)",
    auth: true,
    body: SetStatusBody,
    responses: ok(200, MeResponse),
  },
  getEmailNotifications: {
    method: 'GET',
    path: '/api/me/email-notifications',
    summary: 'Email when away: whether it is on and how long a message waits unread',
    auth: true,
    responses: ok(200, EmailNotificationSettingsResponse),
  },
  updateEmailNotifications: {
    method: 'PATCH',
    path: '/api/me/email-notifications',
    summary: 'Turn email when away on or off, or change its delay',
    auth: true,
    body: UpdateEmailNotificationSettingsBody,
    responses: ok(200, EmailNotificationSettingsResponse),
  },
} satisfies Record<string, Operation>;
