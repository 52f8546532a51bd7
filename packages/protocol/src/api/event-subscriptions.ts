import { Type, type Static } from 'typebox';
import { Timestamp } from '../entities/common.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './params.js';

export const EventSubscription = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  app_installation_id: Type.Optional(Type.String()),
  event_types: Type.Array(Type.String()),
  /** Workspace managers only: a callback URL may carry a key. */
  callback_url: Type.Optional(Type.String()),
  /** Shown only when created or rotated. */
  signing_secret: Type.Optional(Type.String()),
  created_by: Type.Optional(Type.String()),
  created_at: Timestamp,
  revoked_at: Type.Optional(Timestamp),
  /** `failing` once a delivery ran out of retries; back to `active` on the next success. */
  status: Type.Union([Type.Literal('active'), Type.Literal('failing')]),
  consecutive_failures: Type.Integer(),
  last_success_at: Type.Optional(Timestamp),
  last_failure_at: Type.Optional(Timestamp),
});
export type EventSubscription = Static<typeof EventSubscription>;

export const CreateEventSubscriptionBody = Type.Object({
  event_types: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }),
  callback_url: Type.String({ maxLength: 2000 }),
  app_installation_id: Type.Optional(Type.String({ maxLength: 100 })),
});
export type CreateEventSubscriptionBody = Static<typeof CreateEventSubscriptionBody>;

export const SubscriptionParams = Type.Object({ subscription_id: Type.String({ maxLength: 100 }) });
export type SubscriptionParams = Static<typeof SubscriptionParams>;

export const EventSubscriptionResponse = Type.Object({ event_subscription: EventSubscription });
export type EventSubscriptionResponse = Static<typeof EventSubscriptionResponse>;

export const EventSubscriptionListResponse = Type.Object({
  event_subscriptions: Type.Array(EventSubscription),
});
export type EventSubscriptionListResponse = Static<typeof EventSubscriptionListResponse>;

export const DeliveryAttempt = Type.Object({
  id: Type.String(),
  subscription_id: Type.String(),
  event_id: Type.String(),
  workspace_id: Type.String(),
  event_type: Type.String(),
  attempt: Type.Integer(),
  request_json: Type.Optional(Type.String()),
  response_status: Type.Integer(),
  response_body: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  created_at: Timestamp,
  completed_at: Timestamp,
});
export type DeliveryAttempt = Static<typeof DeliveryAttempt>;

export const DeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.String({ maxLength: 10 })),
  before: Type.Optional(Type.String({ maxLength: 100 })),
});
export type DeliveriesQuery = Static<typeof DeliveriesQuery>;

export const DeliveriesResponse = Type.Object({
  deliveries: Type.Array(DeliveryAttempt),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type DeliveriesResponse = Static<typeof DeliveriesResponse>;

/** Signed deliveries of durable events to callback URLs (managers), and their attempts. */
export const EVENT_SUBSCRIPTIONS_OPERATIONS = {
  createEventSubscription: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/event-subscriptions',
    summary: 'Subscribe a callback URL to durable events (managers only)',
    auth: true,
    params: WorkspaceParams,
    body: CreateEventSubscriptionBody,
    responses: ok(201, EventSubscriptionResponse),
  },
  listEventSubscriptions: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/event-subscriptions',
    summary: 'Active event subscriptions (secrets redacted)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, EventSubscriptionListResponse),
  },
  revokeEventSubscription: {
    method: 'POST',
    path: '/api/event-subscriptions/:subscription_id/revoke',
    summary: 'Stop an event subscription',
    auth: true,
    params: SubscriptionParams,
    responses: ok(200, EventSubscriptionResponse),
  },
  rotateEventSubscriptionSecret: {
    method: 'POST',
    path: '/api/event-subscriptions/:subscription_id/rotate-secret',
    summary: 'Issue a new signing secret',
    auth: true,
    params: SubscriptionParams,
    responses: ok(200, EventSubscriptionResponse),
  },
  listDeliveries: {
    method: 'GET',
    path: '/api/event-subscriptions/:subscription_id/deliveries',
    summary: 'Delivery attempts, newest first',
    auth: true,
    params: SubscriptionParams,
    query: DeliveriesQuery,
    responses: ok(200, DeliveriesResponse),
  },
} satisfies Record<string, Operation>;
