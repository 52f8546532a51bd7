import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';

/** Durable event types this server writes. */
export const DURABLE_EVENT_TYPES = [
  'channel.created',
  'channel.deleted',
  'channel.member_joined',
  'channel.member_left',
  'channel.read',
  'channel.updated',
  'dm.created',
  'dm.read',
  'member.joined',
  'member.removed',
  'member.updated',
  'member.moderation_updated',
  'mention.created',
  'message.created',
  'message.deleted',
  'message.updated',
  'pin.added',
  'pin.removed',
  'reaction.added',
  'reaction.removed',
  'thread.followed_reply',
  'thread.reply_created',
  'thread.state_updated',
  'user.updated',
  'workspace.created',
  'workspace.ownership_transferred',
  'workspace.updated',
] as const;
export type DurableEventType = (typeof DURABLE_EVENT_TYPES)[number];

export const EventPayload = Type.Record(Type.String(), Type.Unknown());
export type EventPayload = Static<typeof EventPayload>;

export const Event = Type.Object({
  id: Type.String(),
  cursor: Type.String(),
  type: Type.String(),
  workspace_id: Type.String(),
  channel_id: Type.Optional(Type.String()),
  seq: Type.Optional(Type.Integer()),
  created_at: Timestamp,
  payload: EventPayload,
  /**
   * On `message.created` and `thread.reply_created`: the users the message's @handle
   * mentions resolved to (readers of the conversation, never the author). Omitted when
   * none. `@channel`/`@here` are not expanded here.
   */
  mentioned_user_ids: Type.Optional(Type.Array(Type.String())),
});
export type Event = Static<typeof Event>;

/** What clients get where nothing was written: every field empty (upstream's zero event). */
export const ZeroEvent = Type.Object({
  id: Type.Literal(''),
  cursor: Type.Literal(''),
  type: Type.Literal(''),
  workspace_id: Type.Literal(''),
  created_at: Type.Literal(''),
  payload: Type.Null(),
});
export type ZeroEvent = Static<typeof ZeroEvent>;
export const ZERO_EVENT: ZeroEvent = {
  id: '',
  cursor: '',
  type: '',
  workspace_id: '',
  created_at: '',
  payload: null,
};
