import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Message, ThreadState } from '../entities/message.js';

export const MessageParams = Type.Object({ message_id: Type.String({ maxLength: 100 }) });
export type MessageParams = Static<typeof MessageParams>;

/** Limits are strings so the service can apply the spec's fallback rules itself. */
export const MessagePageQuery = Type.Object({
  limit: Type.Optional(Type.String({ maxLength: 20 })),
  before_seq: Type.Optional(Type.String({ maxLength: 20 })),
  after_seq: Type.Optional(Type.String({ maxLength: 20 })),
  around_seq: Type.Optional(Type.String({ maxLength: 20 })),
  mode: Type.Optional(Type.String({ maxLength: 20 })),
});
export type MessagePageQuery = Static<typeof MessagePageQuery>;

export const ThreadPageQuery = Type.Object({
  ...MessagePageQuery.properties,
  latest: Type.Optional(Type.String({ maxLength: 10 })),
});
export type ThreadPageQuery = Static<typeof ThreadPageQuery>;

export const MAX_NONCE_CHARS = 128;

export const CreateMessageBody = Type.Object({
  body: Type.String(),
  quoted_message_id: Type.Optional(Type.String({ maxLength: 100 })),
  nonce: Type.Optional(Type.String({ maxLength: 512 })),
  kind: Type.Optional(Type.String({ maxLength: 40 })),
  turn_id: Type.Optional(Type.String({ maxLength: 200 })),
  /** Attach an upload in the same write. */
  upload_id: Type.Optional(Type.String({ maxLength: 100 })),
});
export type CreateMessageBody = Static<typeof CreateMessageBody>;

export const CreateReplyBody = Type.Object({
  body: Type.String(),
  quoted_message_id: Type.Optional(Type.String({ maxLength: 100 })),
  nonce: Type.Optional(Type.String({ maxLength: 512 })),
});
export type CreateReplyBody = Static<typeof CreateReplyBody>;

export const MessageResponse = Type.Object({ message: Message });
export type MessageResponse = Static<typeof MessageResponse>;

export const MessageEventResponse = Type.Object({
  message: Message,
  event: Type.Optional(Event),
});
export type MessageEventResponse = Static<typeof MessageEventResponse>;

export const MessagePage = Type.Object({
  messages: Type.Array(Message),
  oldest_seq: Type.Integer(),
  newest_seq: Type.Integer(),
  has_older: Type.Boolean(),
  has_newer: Type.Boolean(),
});
export type MessagePage = Static<typeof MessagePage>;

export const ThreadPage = Type.Object({
  root: Message,
  replies: Type.Array(Message),
  thread_state: ThreadState,
  oldest_seq: Type.Integer(),
  newest_seq: Type.Integer(),
  has_older: Type.Boolean(),
  has_newer: Type.Boolean(),
});
export type ThreadPage = Static<typeof ThreadPage>;

export const ReplyResponse = Type.Object({
  message: Message,
  thread_state: ThreadState,
  events: Type.Union([Type.Array(Event), Type.Null()]),
});
export type ReplyResponse = Static<typeof ReplyResponse>;

export const ByNonceQuery = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  nonce: Type.String({ maxLength: 512 }),
});
export type ByNonceQuery = Static<typeof ByNonceQuery>;
