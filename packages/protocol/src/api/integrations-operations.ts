import * as S from './event-subscriptions.js';
import { ok, type Operation } from './operation.js';
import { WorkspaceParams } from './workspaces.js';

/** Bots, integrations and their management. */
export const INTEGRATION_OPERATIONS = {
  createEventSubscription: {
    method: 'POST',
    path: '/api/workspaces/:workspace_id/event-subscriptions',
    summary: 'Subscribe a callback URL to durable events (managers only)',
    auth: true,
    params: WorkspaceParams,
    body: S.CreateEventSubscriptionBody,
    responses: ok(201, S.EventSubscriptionResponse),
  },
  listEventSubscriptions: {
    method: 'GET',
    path: '/api/workspaces/:workspace_id/event-subscriptions',
    summary: 'Active event subscriptions (secrets redacted)',
    auth: true,
    params: WorkspaceParams,
    responses: ok(200, S.EventSubscriptionListResponse),
  },
  revokeEventSubscription: {
    method: 'POST',
    path: '/api/event-subscriptions/:subscription_id/revoke',
    summary: 'Stop an event subscription',
    auth: true,
    params: S.SubscriptionParams,
    responses: ok(200, S.EventSubscriptionResponse),
  },
  rotateEventSubscriptionSecret: {
    method: 'POST',
    path: '/api/event-subscriptions/:subscription_id/rotate-secret',
    summary: 'Issue a new signing secret',
    auth: true,
    params: S.SubscriptionParams,
    responses: ok(200, S.EventSubscriptionResponse),
  },
  listDeliveries: {
    method: 'GET',
    path: '/api/event-subscriptions/:subscription_id/deliveries',
    summary: 'Delivery attempts, newest first',
    auth: true,
    params: S.SubscriptionParams,
    query: S.DeliveriesQuery,
    responses: ok(200, S.DeliveriesResponse),
  },
} satisfies Record<string, Operation>;
