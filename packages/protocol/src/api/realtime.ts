import { Type, type Static } from 'typebox';
import { Event, EventPayload } from '../entities/event.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

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

/** The event log over HTTP (the WebSocket is not in this table), ephemeral events, presence. */
export const REALTIME_OPERATIONS = {
  listEvents: {
    method: 'GET',
    path: '/api/realtime/events',
    summary: 'Page of visible durable events after a cursor (optionally long-polling)',
    auth: true,
    query: EventListQuery,
    responses: ok(200, EventPage),
  },
  publishEphemeral: {
    method: 'POST',
    path: '/api/realtime/ephemeral',
    summary: 'Send a typing/presence/progress event to connected sockets (not stored)',
    auth: true,
    body: EphemeralBody,
    responses: ok(202, EphemeralResponse),
  },
  eventTypes: {
    method: 'GET',
    path: '/api/event-types',
    summary: 'Durable event type names',
    auth: true,
    responses: ok(200, EventTypesResponse),
  },
  presence: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/presence',
    summary: 'Users with an open realtime connection',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, PresenceResponse),
  },
} satisfies Record<string, Operation>;
