import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';
import { User } from './user.js';

export const ThreadState = Type.Object({
  root_message_id: Type.String(),
  reply_count: Type.Integer(),
  last_reply_at: Type.Optional(Timestamp),
  last_reply_author_ids: Type.Array(Type.String()),
});
export type ThreadState = Static<typeof ThreadState>;

export const ReactionSummary = Type.Object({
  emoji: Type.String(),
  count: Type.Integer(),
  reacted_by_me: Type.Boolean(),
});
export type ReactionSummary = Static<typeof ReactionSummary>;

export const Upload = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  owner_id: Type.String(),
  nonce: Type.Optional(Type.String()),
  filename: Type.String(),
  content_type: Type.String(),
  byte_size: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  duration_ms: Type.Integer(),
  created_at: Timestamp,
});
export type Upload = Static<typeof Upload>;

export const MessageKind = Type.Union([
  Type.Literal('message'),
  Type.Literal('agent_commentary'),
  Type.Literal('agent_tool'),
]);
export type MessageKind = Static<typeof MessageKind>;

export const Message = Type.Object({
  id: Type.String(),
  route_id: Type.Optional(Type.String()),
  workspace_id: Type.String(),
  channel_id: Type.Optional(Type.String()),
  direct_conversation_id: Type.Optional(Type.String()),
  author_id: Type.String(),
  parent_message_id: Type.Optional(Type.String()),
  thread_root_id: Type.String(),
  channel_seq: Type.Optional(Type.Integer()),
  thread_seq: Type.Optional(Type.Integer()),
  body: Type.String(),
  body_format: Type.Literal('markdown'),
  created_at: Timestamp,
  edited_at: Type.Optional(Timestamp),
  deleted_at: Type.Optional(Timestamp),
  kind: MessageKind,
  turn_id: Type.Optional(Type.String()),
  author: User,
  attachments: Type.Optional(Type.Array(Upload)),
  quoted_message_id: Type.Optional(Type.String()),
  quoted_body_snapshot: Type.Optional(Type.String()),
  quoted_author_id: Type.Optional(Type.String()),
  quoted_author: Type.Optional(User),
  thread_state: Type.Optional(ThreadState),
  nonce: Type.Optional(Type.String()),
  reactions: Type.Optional(Type.Array(ReactionSummary)),
  /** Set by incoming webhooks that may present their messages under another name/avatar. */
  display_override: Type.Optional(
    Type.Object({ username: Type.String(), icon_url: Type.String() }),
  ),
});
export type Message = Static<typeof Message>;
