import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

export const UserKind = Type.Union([Type.Literal('human'), Type.Literal('bot')]);

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
