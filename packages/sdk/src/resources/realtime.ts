import type { Event, EventPage, EventTypesResponse } from '@clickclack/protocol';
import { op, type Http } from '../http.js';
import type { AgentProgressPayload } from '../original-types.js';
import {
  bearerProtocols,
  realtimeUrl,
  webSocketImpl,
  type WebSocketConstructor,
  type WebSocketLike,
} from '../realtime/socket.js';

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

export type RealtimeEvent = Event;
export type RealtimeEventPayload = { correlation_id?: string; [k: string]: unknown };

interface EphemeralBase {
  workspaceId: string;
  payload?: RealtimeEventPayload;
}
type EphemeralTarget =
  | { channelId: string; directConversationId?: never }
  | { directConversationId: string; channelId?: never };

/**
 * Typing and agent progress name exactly one conversation (agent progress with its typed
 * payload); presence may name one or none.
 */
export type EphemeralEventInput =
  | (EphemeralBase & { type: 'typing.started' | 'typing.stopped' } & EphemeralTarget)
  | ({
      workspaceId: string;
      type: 'agent.progress';
      payload: AgentProgressPayload;
    } & EphemeralTarget)
  | (EphemeralBase & { type: 'presence.changed' } & (
        EphemeralTarget | { channelId?: never; directConversationId?: never }
      ));

export interface SubscribeOptions {
  workspaceId: string;
  afterCursor?: string;
  onEvent: (event: RealtimeEvent) => void;
  onClose?: (ev: { code: number; reason: string }) => void;
}

export class EventsResource {
  constructor(
    private readonly http: Http,
    private readonly webSocket?: WebSocketConstructor,
  ) {}

  /** One page of the durable log after a cursor (`includeTail` adds the newest cursor). */
  async list(opts: EventListOptions): Promise<RealtimeEventPage> {
    const page = await this.http.call<EventPage>(op('listEvents'), {
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

  /** Typing, presence or agent progress: delivered live, never stored. */
  async publishEphemeral(input: EphemeralEventInput): Promise<RealtimeEvent> {
    const body = {
      workspace_id: input.workspaceId,
      channel_id: input.channelId,
      direct_conversation_id: input.directConversationId,
      type: input.type,
      payload: input.payload,
    };
    return (await this.http.call<{ event: Event }>(op('publishEphemeral'), { body })).event;
  }

  /**
   * A raw WebSocket on the workspace's stream, every frame parsed into `onEvent`. No
   * reconnects: use `client.realtime()` for a resumable stream.
   */
  subscribe(opts: SubscribeOptions): WebSocketLike {
    const WS = webSocketImpl(this.webSocket);
    const ws = new WS(
      realtimeUrl(this.http.baseUrl, opts.workspaceId, opts.afterCursor),
      bearerProtocols(this.http.token),
    );
    ws.addEventListener('message', (ev) => opts.onEvent(JSON.parse(String(ev.data)) as Event));
    if (opts.onClose) ws.addEventListener('close', opts.onClose);
    return ws;
  }

  /** Every durable event type the server writes. */
  async types(): Promise<string[]> {
    return (await this.http.call<EventTypesResponse>(op('eventTypes'))).event_types;
  }
}
