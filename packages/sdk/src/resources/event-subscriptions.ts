import type {
  CreateEventSubscriptionBody,
  DeliveriesResponse,
  EventSubscription,
  EventSubscriptionListResponse,
  EventSubscriptionResponse,
} from '@clickclack/protocol';
import { type Http, op } from '../http.js';

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
      await this.http.call<EventSubscriptionListResponse>(
        op('listEventSubscriptions', { workspace_id: workspaceId }),
      )
    ).event_subscriptions;
  }

  /** The answer carries `signing_secret`: the only time it is shown. */
  async create(
    workspaceId: string,
    input: CreateEventSubscriptionBody,
  ): Promise<EventSubscription> {
    return (
      await this.http.call<EventSubscriptionResponse>(
        op('createEventSubscription', { workspace_id: workspaceId }),
        { body: input },
      )
    ).event_subscription;
  }

  async revoke(id: string): Promise<EventSubscription> {
    return (
      await this.http.call<EventSubscriptionResponse>(
        op('revokeEventSubscription', { subscription_id: id }),
        { body: {} },
      )
    ).event_subscription;
  }

  async rotateSecret(id: string): Promise<EventSubscription> {
    return (
      await this.http.call<EventSubscriptionResponse>(
        op('rotateEventSubscriptionSecret', { subscription_id: id }),
        { body: {} },
      )
    ).event_subscription;
  }

  deliveries(id: string, opts: EventDeliveryAttemptsOptions = {}): Promise<DeliveriesResponse> {
    return this.http.call(op('listDeliveries', { subscription_id: id }), {
      query: { limit: opts.limit, before: opts.before },
    });
  }
}
