import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { Event } from '../entities/event.js';
import { Message } from '../entities/message.js';
import { ok, type Operation } from './operation.js';
import { ChannelParams } from './params.js';

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

/** Messages pinned to a channel. */
export const PINS_OPERATIONS = {
  listPins: {
    method: 'GET',
    path: '/api/channels/:channel_id/pins',
    summary: 'Pinned messages, newest pin first',
    auth: true,
    params: ChannelParams,
    query: PinsQuery,
    responses: ok(200, PinListResponse),
  },
  pinMessage: {
    method: 'POST',
    path: '/api/channels/:channel_id/pins',
    summary: 'Pin a message (100 per channel)',
    auth: true,
    params: ChannelParams,
    body: PinBody,
    responses: ok(201, PinResponse),
  },
  unpinMessage: {
    method: 'DELETE',
    path: '/api/channels/:channel_id/pins/:message_id',
    summary: 'Unpin a message',
    auth: true,
    params: PinParams,
    responses: ok(200, UnpinResponse),
  },
} satisfies Record<string, Operation>;
