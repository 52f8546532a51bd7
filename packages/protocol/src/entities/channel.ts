import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

export const ChannelKind = Type.Union([Type.Literal('public'), Type.Literal('private')]);
export type ChannelKind = Static<typeof ChannelKind>;

/** Per-user channel notifications: everything, only mentions, or nothing (no badges). */
export const NotificationPreference = Type.Union([
  Type.Literal('all'),
  Type.Literal('mentions'),
  Type.Literal('muted'),
]);
export type NotificationPreference = Static<typeof NotificationPreference>;

export const Channel = Type.Object({
  id: Type.String(),
  route_id: Type.String(),
  workspace_id: Type.String(),
  name: Type.String(),
  display_title: Type.Optional(Type.String()),
  kind: Type.String(),
  topic: Type.String(),
  purpose: Type.String(),
  /** Whether the caller has joined (private channels: always true when visible). */
  is_member: Type.Boolean(),
  created_at: Timestamp,
  archived_at: Type.Optional(Timestamp),
  external_managed: Type.Boolean(),
  external_ref: Type.Optional(Type.String()),
  external_url: Type.Optional(Type.String()),
  sidebar_section: Type.Optional(Type.String()),
  last_seq: Type.Integer(),
  last_read_seq: Type.Integer(),
  /** Unread messages; 0 when the caller's notification preference is mentions or muted. */
  unread_count: Type.Integer(),
  /** Unread messages that mention the caller (@handle, @channel, @here); 0 when muted. */
  mention_count: Type.Integer(),
  /** The caller's notification preference for this channel (`all` unless set). */
  notification_preference: Type.Optional(NotificationPreference),
});
export type Channel = Static<typeof Channel>;
