import type { Event } from '@clickclack/protocol';
import type { Http } from '../http.js';
import type { EventsResource } from '../resources/realtime.js';
import {
  bearerProtocols,
  realtimeUrl,
  webSocketImpl,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket.js';

export interface RealtimeOptions {
  workspaceId: string;
  /** Last cursor already processed; omitted = start from the current tail. */
  afterCursor?: string;
  /** WebSocket implementation (defaults to the client's, then globalThis.WebSocket). */
  webSocket?: WebSocketConstructor;
  /** Called when the server says the cursor is gone (4001): reload state, then continue. */
  onResync?: (info: { reason: string }) => void | Promise<void>;
  /** Called on every (re)connection state change, for "reconnecting…" indicators. */
  onStatus?: (status: 'connecting' | 'open' | 'reconnecting' | 'closed') => void;
  /** Backoff bounds in ms (exponential with full jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** What a connection needs of its client (ClickClackClient passes itself). */
export interface RealtimeClient {
  readonly baseUrl: string;
  readonly webSocket: WebSocketConstructor | undefined;
  readonly http: Pick<Http, 'token'>;
  readonly events: Pick<EventsResource, 'list'>;
}

const RESYNC = 4001;

/**
 * A resumable event stream: connects over WebSocket from the last processed cursor,
 * reconnects with exponential backoff and jitter, never yields a durable event twice, and
 * on 4001 tells the caller to resync and continues from the current tail. Iterate it with
 * `for await`; `close()` ends the iteration.
 */
export class RealtimeConnection implements AsyncIterable<Event> {
  cursor: string | undefined;
  private socket: WebSocketLike | undefined;
  private queue: Event[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private attempt = 0;
  private readonly WS: WebSocketConstructor;

  constructor(
    private readonly client: RealtimeClient,
    private readonly opts: RealtimeOptions,
  ) {
    this.cursor = opts.afterCursor;
    this.WS = webSocketImpl(opts.webSocket ?? client.webSocket);
  }

  private async start(): Promise<void> {
    if (this.cursor === undefined) {
      this.cursor = (
        await this.client.events.list({
          workspaceId: this.opts.workspaceId,
          includeTail: true,
          limit: 1,
        })
      ).tailCursor;
    }
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    this.opts.onStatus?.(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new this.WS(
      realtimeUrl(this.client.baseUrl, this.opts.workspaceId, this.cursor),
      bearerProtocols(this.client.http.token),
    );
    this.socket = ws;
    ws.addEventListener('open', () => {
      this.attempt = 0;
      this.opts.onStatus?.('open');
    });
    ws.addEventListener('message', (ev) => {
      const event = JSON.parse(String(ev.data)) as Event;
      // Durable events are exactly-once by cursor; ephemeral ones (empty cursor) pass through.
      if (event.cursor) {
        if (this.cursor && event.cursor <= this.cursor) return;
        this.cursor = event.cursor;
      }
      this.queue.push(event);
      this.wake?.();
    });
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', (ev) => {
      if (this.socket !== ws || this.closed) return;
      if (ev.code === RESYNC) void this.resync(ev.reason);
      else this.retry();
    });
  }

  private retry(): void {
    const min = this.opts.minBackoffMs ?? 250;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt++);
    setTimeout(() => this.connect(), delay);
  }

  private async resync(reason: string): Promise<void> {
    try {
      await this.opts.onResync?.({ reason });
      this.cursor = undefined;
      await this.start();
    } catch {
      this.retry();
    }
  }

  close(): void {
    this.closed = true;
    this.opts.onStatus?.('closed');
    this.socket?.close(1000, 'client closed');
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Event> {
    await this.start();
    while (!this.closed) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
