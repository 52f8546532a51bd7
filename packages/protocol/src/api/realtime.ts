import { Type, type Static } from 'typebox';
import { Event, EventPayload } from '../entities/event.js';

export const EventListQuery = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  after_cursor: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.String({ maxLength: 20 })),
  include_tail: Type.Optional(Type.String({ maxLength: 10 })),
  /** Long-poll: seconds (max 30) to wait for a visible event when none is pending. */
  wait: Type.Optional(Type.String({ maxLength: 10 })),
});
export type EventListQuery = Static<typeof EventListQuery>;

export const EventPage = Type.Object({
  events: Type.Array(Event),
  has_more: Type.Boolean(),
  /** Newest cursor visible to the caller, captured before the page was read. */
  tail_cursor: Type.String(),
});
export type EventPage = Static<typeof EventPage>;

export const EPHEMERAL_EVENT_TYPES = [
  'typing.started',
  'typing.stopped',
  'presence.changed',
  'agent.progress',
] as const;

/**
 * Sent by the server to sockets only, with an empty id and cursor, never stored: a bot left
 * the workspace (`bot.membership_removed`) or was retired (`bot.deleted`). The named bot's
 * own sockets are closed (1008 `workspace access revoked`) instead. `workspace.deleted`
 * goes to everyone who was a member, whose sockets there then close (1008): its log went
 * with it, so there is nowhere to store it.
 */
export const SYSTEM_EVENT_TYPES = [
  'bot.membership_removed',
  'bot.deleted',
  'workspace.deleted',
] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

export const EphemeralBody = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  channel_id: Type.Optional(Type.String({ maxLength: 100 })),
  direct_conversation_id: Type.Optional(Type.String({ maxLength: 100 })),
  type: Type.String({ maxLength: 64 }),
  payload: Type.Optional(EventPayload),
});
export type EphemeralBody = Static<typeof EphemeralBody>;

/** Ephemeral events look like durable ones with an `eph_` id and an empty cursor. */
export const EphemeralResponse = Type.Object({ event: Event });
export type EphemeralResponse = Static<typeof EphemeralResponse>;

export const EventTypesResponse = Type.Object({ event_types: Type.Array(Type.String()) });
export type EventTypesResponse = Static<typeof EventTypesResponse>;

export const PresenceResponse = Type.Object({ user_ids: Type.Array(Type.String()) });
export type PresenceResponse = Static<typeof PresenceResponse>;
