import { Type, type Static } from 'typebox';
import { Event, ZeroEvent } from '../entities/event.js';
import { ReactionSummary } from '../entities/message.js';
import { ok, type Operation } from './operation.js';
import { MessageParams } from './params.js';

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

/** Emoji reactions on a message. */
export const REACTIONS_OPERATIONS = {
  addReaction: {
    method: 'POST',
    path: '/api/messages/:message_id/reactions',
    summary: 'React with an emoji (201; 200 with a zero event if you already had it)',
    auth: true,
    params: MessageParams,
    body: ReactionBody,
    responses: { 200: ReactionsResponse, 201: ReactionsResponse },
  },
  removeReaction: {
    method: 'DELETE',
    path: '/api/messages/:message_id/reactions/:emoji',
    summary: 'Remove your reaction',
    auth: true,
    params: ReactionParams,
    responses: ok(200, ReactionsResponse),
  },
  listReactions: {
    method: 'GET',
    path: '/api/messages/:message_id/reactions',
    summary: 'Reactions with who reacted',
    auth: true,
    params: MessageParams,
    responses: ok(200, ReactionListResponse),
  },
} satisfies Record<string, Operation>;
