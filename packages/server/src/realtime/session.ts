import type { WebSocket } from 'ws';
import type { Store } from '../store/store.js';
import { canReceive } from '../services/policies.js';
import { frameFromRow } from './frames.js';
import type { Hub, LiveEvent, Subscriber } from './hub.js';

export interface SessionOptions {
  /** Most events one connection may replay from the log before it must resync (4001). */
  replayLimit: number;
  /** Bytes queued on a socket before it is closed as a slow consumer (1013). */
  maxBufferedBytes: number;
  /** Server ping interval; a socket that missed the previous pong is dropped. */
  pingMs: number;
  /** Credential re-check interval. */
  recheckMs: number;
}

export const CLOSE = {
  resync: [4001, 'realtime replay limit exceeded; resync required'],
  unknownCursor: [4001, 'cursor not found (pruned or unknown); resync required'],
  overflow: [1013, 'realtime buffer overflow; reconnect with after_cursor to replay'],
  interrupted: [1013, 'realtime replay interrupted; reconnect with after_cursor'],
  revoked: [1008, 'credential revoked; sign in again'],
  noAccess: [1008, 'workspace access revoked'],
} as const;

const PAGE = 500;

/**
 * One WebSocket: replays the visible log from the client's cursor, then follows the hub's
 * live ring. Replay and live share one ordered path (`pump`), so frames go out in cursor
 * order with no gap or duplicate at the seam.
 */
export class Session implements Subscriber {
  private cursor: string;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private alive = true;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly hub: Hub,
    private readonly store: Store,
    readonly workspaceId: string,
    readonly userId: string,
    readonly credentialId: string | undefined,
    afterCursor: string,
    /** Resolves false once the credential or membership is gone. */
    private readonly stillAllowed: () => Promise<boolean>,
    private readonly opts: SessionOptions,
  ) {
    this.cursor = afterCursor;
  }

  async start(): Promise<void> {
    this.ws.on('close', () => this.dispose());
    this.ws.on('error', () => this.dispose());
    this.ws.on('pong', () => {
      this.alive = true;
    });
    this.timers.push(
      setInterval(() => {
        if (!this.alive) return this.ws.terminate();
        this.alive = false;
        this.ws.ping();
      }, this.opts.pingMs),
      setInterval(() => void this.recheck(), this.opts.recheckMs),
    );
    for (const t of this.timers) t.unref();
    if (
      this.cursor !== '' &&
      !(await this.store.read.events.exists(this.workspaceId, this.cursor))
    ) {
      return this.close(...CLOSE.unknownCursor);
    }
    // The client can hang up while its cursor is checked: dispose() has run already, and
    // subscribing now would leave a dead subscriber holding the user's presence forever.
    if (this.closed) return;
    // Subscribe before the first drain so nothing committed meanwhile is missed.
    this.hub.subscribe(this);
    // A logout between the upgrade's credential check and the subscription above found no
    // socket to close. Checking again now, subscribed, leaves no such window (the periodic
    // recheck would catch it only after `recheckMs`); frames wait for the answer, as if a
    // drain were running.
    this.pumping = true;
    await this.recheck();
    this.pumping = false;
    this.pumpAgain = false;
    this.pump();
  }

  onLive(): void {
    // Fast path for a caught-up socket: no replay needed, so deliver synchronously and
    // skip the async drain machinery (this runs once per socket per committed batch).
    if (!this.pumping && !this.closed && this.cursor >= this.hub.floor(this.workspaceId)) {
      this.deliverLive();
      return;
    }
    this.pump();
  }

  /** Sends the ring's events after this socket's cursor; false if the socket closed. */
  private deliverLive(): boolean {
    const events = this.hub.ringEvents(this.workspaceId);
    for (let i = this.hub.indexAfter(this.workspaceId, this.cursor); i < events.length; i++) {
      const ev = events[i] as LiveEvent;
      if (canReceive(ev.audience, this.userId) && !this.send(ev.frame)) return false;
      this.cursor = ev.cursor;
    }
    return true;
  }

  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.drain()
      .catch(() => this.close(...CLOSE.interrupted))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && !this.closed) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async drain(): Promise<void> {
    let replayed = 0;
    // Behind the hub's ring: read the log (visibility decided in SQL), page by page.
    for (
      let floor = this.hub.floor(this.workspaceId);
      this.cursor < floor;
      floor = this.hub.floor(this.workspaceId)
    ) {
      const rows = await this.store.read.events.visibleAfter(
        this.workspaceId,
        this.userId,
        this.cursor,
        PAGE,
        floor,
      );
      if (this.closed) return;
      for (const row of rows) {
        if (++replayed > this.opts.replayLimit) return this.close(...CLOSE.resync);
        if (!this.send(Buffer.from(frameFromRow(row)))) return;
        this.cursor = row.cursor;
      }
      if (rows.length < PAGE) this.cursor = floor;
    }
    // Caught up: everything newer is in the ring, serialised once for all sockets.
    this.deliverLive();
  }

  /** Queues a frame; a socket whose queue is over the bound is closed and must resume. */
  private send(frame: Buffer): boolean {
    if (this.closed) return false;
    if (this.ws.bufferedAmount + frame.length > this.opts.maxBufferedBytes) {
      this.close(...CLOSE.overflow);
      return false;
    }
    this.ws.send(frame, { binary: false });
    return true;
  }

  sendEphemeral(frame: Buffer): void {
    this.send(frame);
  }

  private async recheck(): Promise<void> {
    try {
      if (!(await this.stillAllowed())) this.close(...CLOSE.revoked);
    } catch {
      this.close(1013, 'credential verification unavailable; retry');
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.dispose();
    this.ws.close(code, reason);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.hub.unsubscribe(this);
  }
}
