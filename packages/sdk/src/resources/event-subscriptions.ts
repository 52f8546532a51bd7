import type {
  CreateEventSubscriptionBody,
  DeliveriesResponse,
  EventSubscription,
  EventSubscriptionListResponse,
  EventSubscriptionResponse,
} from '@clickclack/protocol';
import { seg, type Http } from '../http.js';

export interface EventDeliveryAttemptsOptions {
  limit?: number;
  /** `next_cursor` of the previous page. */
  before?: string;
}

/** Signed webhook deliveries of durable events (workspace managers). */
export class EventSubscriptionsResource {
  constructor(private readonly http: Http) {}

  async list(workspaceId: string): Promise<EventSubscription[]> {
    return (
      await this.http.request<EventSubscriptionListResponse>(
        'GET',
        `/api/workspaces/${seg(workspaceId)}/event-subscriptions`,
      )
    ).event_subscriptions;
  }

  /** The answer carries `signing_secret`: the only time it is shown. */
  async create(
    workspaceId: string,
    input: CreateEventSubscriptionBody,
  ): Promise<EventSubscription> {
    return (
      await this.http.request<EventSubscriptionResponse>(
        'POST',
        `/api/workspaces/${seg(workspaceId)}/event-subscriptions`,
        { body: input },
      )
    ).event_subscription;
  }

  async revoke(id: string): Promise<EventSubscription> {
    return (
      await this.http.request<EventSubscriptionResponse>(
        'POST',
        `/api/event-subscriptions/${seg(id)}/revoke`,
        { body: {} },
      )
    ).event_subscription;
  }

  async rotateSecret(id: string): Promise<EventSubscription> {
    return (
      await this.http.request<EventSubscriptionResponse>(
        'POST',
        `/api/event-subscriptions/${seg(id)}/rotate-secret`,
        { body: {} },
      )
    ).event_subscription;
  }

  deliveries(id: string, opts: EventDeliveryAttemptsOptions = {}): Promise<DeliveriesResponse> {
    return this.http.request('GET', `/api/event-subscriptions/${seg(id)}/deliveries`, {
      query: { limit: opts.limit, before: opts.before },
    });
  }
}
