import { Type, type Static } from 'typebox';
import { SessionInfo } from '../entities/auth.js';
import { User } from '../entities/user.js';

export const SessionParams = Type.Object({ session_id: Type.String({ maxLength: 100 }) });
export type SessionParams = Static<typeof SessionParams>;

export const SessionListResponse = Type.Object({ sessions: Type.Array(SessionInfo) });
export type SessionListResponse = Static<typeof SessionListResponse>;

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

/** A deactivated account: `deactivated_at` is set. */
export const DeactivatedUserResponse = Type.Object({ user: User });
export type DeactivatedUserResponse = Static<typeof DeactivatedUserResponse>;
