import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

export const UserKind = Type.Union([Type.Literal('human'), Type.Literal('bot')]);

/** What a person says they are up to (as in Slack); absent when unset or past `expires_at`. */
export const UserStatus = Type.Object({
  /** One emoji, or '' (a text-only status). */
  emoji: Type.String(),
  text: Type.String(),
  /** When the status clears itself; absent: until it is changed. */
  expires_at: Type.Optional(Timestamp),
});
export type UserStatus = Static<typeof UserStatus>;

export const User = Type.Object({
  id: Type.String(),
  kind: UserKind,
  owner_user_id: Type.Optional(Type.String()),
  display_name: Type.String(),
  handle: Type.String(),
  former_handle: Type.Optional(Type.String()),
  avatar_url: Type.String(),
  created_at: Timestamp,
  deleted_at: Type.Optional(Timestamp),
  /** A deactivated human (`clickclack admin user deactivate`): cannot sign in, messages kept. */
  deactivated_at: Type.Optional(Timestamp),
  status: Type.Optional(UserStatus),
});
export type User = Static<typeof User>;

export const NotificationSettings = Type.Object({
  pushover_enabled: Type.Boolean(),
  pushover_user_key: Type.String(),
});

/** The signed-in user as `/api/me` returns it. */
export const Me = Type.Object({
  ...User.properties,
  email: Type.String(),
  notification_settings: Type.Optional(NotificationSettings),
  password_enrolled: Type.Boolean(),
});
export type Me = Static<typeof Me>;
