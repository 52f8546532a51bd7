import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { Message, ReactionSummary } from '../entities/message.js';

export const UpdateMessageBody = Type.Object({ body: Type.String() });
export type UpdateMessageBody = Static<typeof UpdateMessageBody>;

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

export const MessageMutationResponse = Type.Object({
  message: Message,
  event: Type.Union([Event, ZeroEvent]),
});
export type MessageMutationResponse = Static<typeof MessageMutationResponse>;

export const ReactionBody = Type.Object({ emoji: Type.String({ maxLength: 100 }) });
export type ReactionBody = Static<typeof ReactionBody>;

export const ReactionParams = Type.Object({
  message_id: Type.String({ maxLength: 100 }),
  emoji: Type.String({ maxLength: 300 }),
});
export type ReactionParams = Static<typeof ReactionParams>;

export const ReactionsResponse = Type.Object({
  event: Type.Union([Event, ZeroEvent]),
  reactions: Type.Array(ReactionSummary),
});
export type ReactionsResponse = Static<typeof ReactionsResponse>;

export const ReactionDetail = Type.Object({
  ...ReactionSummary.properties,
  user_ids: Type.Array(Type.String()),
});
export const ReactionListResponse = Type.Object({ reactions: Type.Array(ReactionDetail) });
export type ReactionListResponse = Static<typeof ReactionListResponse>;

export const PinnedMessage = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  channel_id: Type.String(),
  message_id: Type.String(),
  pinned_by: Type.String(),
  created_at: Timestamp,
});
export type PinnedMessage = Static<typeof PinnedMessage>;

export const PinBody = Type.Object({ message_id: Type.String({ maxLength: 100 }) });
export type PinBody = Static<typeof PinBody>;

export const PinParams = Type.Object({
  channel_id: Type.String({ maxLength: 100 }),
  message_id: Type.String({ maxLength: 100 }),
});
export type PinParams = Static<typeof PinParams>;

export const PinsQuery = Type.Object({ limit: Type.Optional(Type.String({ maxLength: 10 })) });
export type PinsQuery = Static<typeof PinsQuery>;

export const PinResponse = Type.Object({ pinned_message: PinnedMessage, event: Event });
export type PinResponse = Static<typeof PinResponse>;
export const UnpinResponse = Type.Object({ event: Event });
export type UnpinResponse = Static<typeof UnpinResponse>;
export const PinListResponse = Type.Object({ messages: Type.Array(Message) });
export type PinListResponse = Static<typeof PinListResponse>;

export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) });
export type ReadBody = Static<typeof ReadBody>;

/** Mark unread from a message: the one at `seq` and everything after it become unread. */
export const UnreadBody = Type.Object({ seq: Type.Integer({ minimum: 1 }) });
export type UnreadBody = Static<typeof UnreadBody>;

export const Receipt = Type.Object({
  scope_id: Type.String(),
  user_id: Type.String(),
  last_read_seq: Type.Integer(),
  last_read_at: Timestamp,
  mention_count: Type.Integer(),
});
export const ReceiptResponse = Type.Object({ receipt: Receipt });
export type ReceiptResponse = Static<typeof ReceiptResponse>;

export const Mention = Type.Object({
  message: Message,
  kind: Type.Union([Type.Literal('user'), Type.Literal('channel'), Type.Literal('here')]),
  created_at: Timestamp,
});
export const MentionsQuery = Type.Object({
  workspace_id: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.String({ maxLength: 10 })),
  before: Type.Optional(Type.String({ maxLength: 40 })),
});
export type MentionsQuery = Static<typeof MentionsQuery>;
export const MentionsResponse = Type.Object({
  mentions: Type.Array(Mention),
  next_before: Type.Union([Type.String(), Type.Null()]),
});
export type MentionsResponse = Static<typeof MentionsResponse>;

export const FollowResponse = Type.Object({
  root_message_id: Type.String(),
  following: Type.Boolean(),
});
export type FollowResponse = Static<typeof FollowResponse>;
