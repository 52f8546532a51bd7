import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event, ZeroEvent } from '../entities/event.js';
import { Message } from '../entities/message.js';
import { ok, type Operation } from './operation.js';
import { ChannelParams, MessageParams } from './params.js';

/** Limits are strings so the service can apply the spec's fallback rules itself. */
export const MessagePageQuery = Type.Object({
  limit: Type.Optional(Type.String({ maxLength: 20 })),
  before_seq: Type.Optional(Type.String({ maxLength: 20 })),
  after_seq: Type.Optional(Type.String({ maxLength: 20 })),
  around_seq: Type.Optional(Type.String({ maxLength: 20 })),
  mode: Type.Optional(Type.String({ maxLength: 20 })),
});
export type MessagePageQuery = Static<typeof MessagePageQuery>;

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

export const ByNonceQuery = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  nonce: Type.String({ maxLength: 512 }),
});
export type ByNonceQuery = Static<typeof ByNonceQuery>;

export const UpdateMessageBody = Type.Object({ body: Type.String() });
export type UpdateMessageBody = Static<typeof UpdateMessageBody>;

export const MessageMutationResponse = Type.Object({
  message: Message,
  event: Type.Union([Event, ZeroEvent]),
});
export type MessageMutationResponse = Static<typeof MessageMutationResponse>;

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

/**
 * A channel's messages: page, post, find by nonce, edit, delete; and the caller's mentions.
 * DMs, threads, webhooks and routes answer with this module's message shapes too.
 */
export const MESSAGES_OPERATIONS = {
  listMessages: {
    method: 'GET',
    path: '/api/channels/:channel_id/messages',
    summary: 'Page of root messages',
    auth: true,
    params: ChannelParams,
    query: MessagePageQuery,
    responses: ok(200, MessagePage),
  },
  createMessage: {
    method: 'POST',
    path: '/api/channels/:channel_id/messages',
    summary: 'Post a message',
    auth: true,
    params: ChannelParams,
    body: CreateMessageBody,
    responses: { 200: MessageEventResponse, 201: MessageEventResponse },
  },
  messageByNonce: {
    method: 'GET',
    path: '/api/messages/by-nonce',
    summary: "The caller's message with this nonce",
    auth: true,
    query: ByNonceQuery,
    responses: ok(200, MessageResponse),
  },
  getMessage: {
    method: 'GET',
    path: '/api/messages/:message_id',
    summary: 'One message',
    auth: true,
    params: MessageParams,
    responses: ok(200, MessageResponse),
  },
  updateMessage: {
    method: 'PATCH',
    path: '/api/messages/:message_id',
    summary: 'Edit your message',
    auth: true,
    params: MessageParams,
    body: UpdateMessageBody,
    responses: ok(200, MessageMutationResponse),
  },
  deleteMessage: {
    method: 'DELETE',
    path: '/api/messages/:message_id',
    summary: 'Soft-delete a message (author, or a workspace owner/moderator)',
    auth: true,
    params: MessageParams,
    responses: ok(200, MessageMutationResponse),
  },
  listMentions: {
    method: 'GET',
    path: '/api/me/mentions',
    summary: 'Messages that mention you, newest first',
    auth: true,
    query: MentionsQuery,
    responses: ok(200, MentionsResponse),
  },
} satisfies Record<string, Operation>;
