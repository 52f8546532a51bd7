import { Type, type Static } from 'typebox';
import { Event } from '../entities/event.js';
import { Message, ThreadState } from '../entities/message.js';
import { MessagePageQuery } from './messages.js';
import { ok, type Operation } from './operation.js';
import { MessageParams } from './params.js';

export const ThreadPageQuery = Type.Object({
  ...MessagePageQuery.properties,
  latest: Type.Optional(Type.String({ maxLength: 10 })),
});
export type ThreadPageQuery = Static<typeof ThreadPageQuery>;

export const CreateReplyBody = Type.Object({
  body: Type.String(),
  quoted_message_id: Type.Optional(Type.String({ maxLength: 100 })),
  nonce: Type.Optional(Type.String({ maxLength: 512 })),
});
export type CreateReplyBody = Static<typeof CreateReplyBody>;

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

export const FollowResponse = Type.Object({
  root_message_id: Type.String(),
  following: Type.Boolean(),
});
export type FollowResponse = Static<typeof FollowResponse>;

/** A thread under a root message: its pages, replies, and who follows it. */
export const THREADS_OPERATIONS = {
  getThread: {
    method: 'GET',
    path: '/api/messages/:message_id/thread',
    summary: 'A thread page',
    auth: true,
    params: MessageParams,
    query: ThreadPageQuery,
    responses: ok(200, ThreadPage),
  },
  createReply: {
    method: 'POST',
    path: '/api/messages/:message_id/thread/replies',
    summary: 'Reply in a thread',
    auth: true,
    params: MessageParams,
    body: CreateReplyBody,
    responses: { 200: ReplyResponse, 201: ReplyResponse },
  },
  followThread: {
    method: 'POST',
    path: '/api/messages/:message_id/follow',
    summary: 'Follow a thread (get thread.followed_reply events)',
    auth: true,
    params: MessageParams,
    responses: ok(200, FollowResponse),
  },
  unfollowThread: {
    method: 'DELETE',
    path: '/api/messages/:message_id/follow',
    summary: 'Stop following a thread',
    auth: true,
    params: MessageParams,
    responses: ok(200, FollowResponse),
  },
} satisfies Record<string, Operation>;
