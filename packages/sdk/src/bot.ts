import type { Message } from '@clickclack/protocol';
import { ClickClackClient, type ClickClackClientOptions } from './client.js';
import type { RealtimeEvent } from './resources/realtime.js';
import type { WebSocketLike } from './realtime/socket.js';

export type BotEventHandler = (
  event: RealtimeEvent,
  client: ClickClackClient,
) => void | Promise<void>;

export interface ClickClackBotOptions extends ClickClackClientOptions {
  workspaceId: string;
  afterCursor?: string;
  onEvent: BotEventHandler;
  onClose?: (ev: { code: number; reason: string }) => void;
}

const CONNECTING = 0;
const OPEN = 1;

/**
 * A minimal bot runtime: one socket, no reconnects, `afterCursor` fixed at construction
 * (kept as upstream defines it). Long-running bots should persist `event.cursor`, or
 * iterate `client.realtime()`, which resumes and resyncs by itself.
 */
export class ClickClackBot {
  readonly client: ClickClackClient;
  private socket: WebSocketLike | undefined;

  constructor(private readonly opts: ClickClackBotOptions) {
    this.client = new ClickClackClient(opts);
  }

  /** Opens the socket, or returns the one that is still connecting or open. */
  start(): WebSocketLike {
    const s = this.socket;
    if (s && (s.readyState === CONNECTING || s.readyState === OPEN)) return s;
    this.socket = this.client.events.subscribe({
      workspaceId: this.opts.workspaceId,
      afterCursor: this.opts.afterCursor,
      // Handlers are not awaited: a slow handler must not hold up the socket.
      onEvent: (event) => void this.opts.onEvent(event, this.client),
      onClose: this.opts.onClose,
    });
    return this.socket;
  }

  stop(): void {
    this.socket?.close(1000, 'bot stopped');
    this.socket = undefined;
  }

  sendChannelMessage(channelId: string, body: string): Promise<Message> {
    return this.client.channels.sendMessage(channelId, { body });
  }

  sendDirectMessage(conversationId: string, body: string): Promise<Message> {
    return this.client.dms.sendMessage(conversationId, { body });
  }
}
