import type { EphemeralBody, Event, EventPage } from '@clickclack/protocol';
import type { Http } from '../http.js';

export interface EventListOptions {
  workspaceId: string;
  afterCursor?: string;
  limit?: number;
  includeTail?: boolean;
  /** Long-poll for up to this many seconds (max 30) when nothing is pending. */
  waitSeconds?: number;
}

/** `{events, tailCursor, hasMore}`: camelCase view of one page of the durable log. */
export interface RealtimeEventPage {
  events: Event[];
  tailCursor: string;
  hasMore: boolean;
}

export class EventsResource {
  constructor(private readonly http: Http) {}

  async list(opts: EventListOptions): Promise<RealtimeEventPage> {
    const page = await this.http.request<EventPage>('GET', '/api/realtime/events', {
      query: {
        workspace_id: opts.workspaceId,
        after_cursor: opts.afterCursor,
        limit: opts.limit,
        include_tail: opts.includeTail ? 'true' : undefined,
        wait: opts.waitSeconds,
      },
    });
    return { events: page.events, tailCursor: page.tail_cursor, hasMore: page.has_more };
  }

  async publishEphemeral(input: EphemeralBody): Promise<Event> {
    return (
      await this.http.request<{ event: Event }>('POST', '/api/realtime/ephemeral', { body: input })
    ).event;
  }

  async types(): Promise<string[]> {
    return (await this.http.request<{ event_types: string[] }>('GET', '/api/event-types'))
      .event_types;
  }
}
