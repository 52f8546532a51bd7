import type { Audience, RealtimePort } from '../services/context.js';
import type { Store } from '../store/store.js';
import { canReceive } from '../services/policies.js';
import { audiences } from './audience.js';
import { frameFromRow, presenceFrame } from './frames.js';

/** One committed event, serialised once and shared by every socket that receives it. */
export interface LiveEvent {
  cursor: string;
  frame: Buffer;
  audience: Audience;
}

/** A connected socket as the hub sees it. */
export interface Subscriber {
  readonly workspaceId: string;
  readonly userId: string;
  /** Session or bot-token id that authenticated the socket. */
  readonly credentialId: string | undefined;
  onLive(): void;
  sendEphemeral(frame: Buffer): void;
  close(code: number, reason: string): void;
}

interface Ring {
  /** Every event of the workspace with a cursor above `floor` is in `events`. */
  floor: string;
  events: LiveEvent[];
}

export interface HubOptions {
  /** Events kept in memory per workspace for sockets that are caught up. */
  ringSize?: number;
  /** How often to look for events committed by other processes, in ms. */
  pollMs?: number;
}

/**
 * The live side of the event log. One tailer reads newly committed events (from this
 * process or any other writer of the same database) in cursor order, serialises each once,
 * works out its audience once, and wakes the sockets of its workspace. Sockets that are
 * behind read the log themselves (realtime/session.ts); the hub carries no durable state.
 */
export class Hub implements RealtimePort {
  private lastCursor = '';
  private readonly rings = new Map<string, Ring>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Open sockets per `workspace user` pair, for presence. */
  private readonly socketsPerUser = new Map<string, number>();
  private tailing = false;
  private polling = false;
  private stopped = false;
  private tailAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly ringSize: number;
  /**
   * A user's first socket in a workspace opened here (online) or their last one closed. A
   * node alone tells its sockets; a node sharing its database replaces this with the
   * cluster's view (realtime/presence.ts), which knows whether other nodes hold the user.
   */
  presenceChanged: (workspaceId: string, userId: string, online: boolean) => void = (
    workspaceId,
    userId,
    online,
  ) => this.publishEphemeral(workspaceId, presenceFrame(workspaceId, userId, online), 'workspace');

  private constructor(
    private readonly store: Store,
    opts: HubOptions,
  ) {
    this.ringSize = opts.ringSize ?? 2000;
    this.timer = setInterval(() => this.poll(), opts.pollMs ?? 200);
    this.timer.unref();
  }

  static async start(store: Store, opts: HubOptions = {}): Promise<Hub> {
    const hub = new Hub(store, opts);
    hub.lastCursor = await store.read.events.newestCursor();
    return hub;
  }

  /**
   * Closes every socket (1001) and answers every parked long-poll; sockets that finish their
   * handshake later are refused, and later long-polls do not wait.
   */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const set of this.subscribers.values())
      for (const s of set) s.close(1001, 'server shutting down');
    for (const set of [...this.waiters.values()]) for (const done of [...set]) done();
  }

  /** Something was committed: read the log's new tail soon. */
  wake(): void {
    void this.tail();
  }

  private async poll(): Promise<void> {
    // A check still waiting on the database skips the tick: on PostgreSQL each waiting check
    // holds a pooled connection, and a stalled `events` table would otherwise take them all.
    if (this.polling || (this.subscribers.size === 0 && this.waiters.size === 0)) return;
    this.polling = true;
    try {
      if ((await this.store.read.events.newestCursor()) > this.lastCursor) void this.tail();
    } catch {
      // The next tick retries; a closed store during shutdown lands here.
    } finally {
      this.polling = false;
    }
  }

  private async tail(): Promise<void> {
    if (this.tailing) {
      this.tailAgain = true;
      return;
    }
    this.tailing = true;
    try {
      do {
        this.tailAgain = false;
        for (;;) {
          const rows = await this.store.read.events.allAfter(this.lastCursor, 500);
          if (rows.length === 0) break;
          const auds = await audiences(this.store.read, rows);
          const touched = new Set<string>();
          for (const row of rows) {
            const ring = this.ringFor(row.workspace_id);
            this.lastCursor = row.cursor;
            if (!ring) continue;
            ring.events.push({
              cursor: row.cursor,
              frame: Buffer.from(frameFromRow(row)),
              audience: auds.get(row.id) ?? new Set(),
            });
            if (ring.events.length > this.ringSize) {
              const evicted = ring.events.splice(0, ring.events.length - this.ringSize);
              ring.floor = evicted[evicted.length - 1]?.cursor ?? ring.floor;
            }
            touched.add(row.workspace_id);
          }
          for (const ws of touched) this.notify(ws);
          if (rows.length < 500) break;
        }
      } while (this.tailAgain);
    } catch {
      // Retried by the next wake or poll; sockets keep their cursors.
    } finally {
      this.tailing = false;
    }
  }

  /** Rings exist only for workspaces someone listens to; others stay in the database. */
  private ringFor(workspaceId: string): Ring | undefined {
    let ring = this.rings.get(workspaceId);
    if (!ring && (this.subscribers.has(workspaceId) || this.waiters.has(workspaceId))) {
      ring = { floor: this.lastCursor, events: [] };
      this.rings.set(workspaceId, ring);
    }
    return ring;
  }

  private notify(workspaceId: string): void {
    for (const s of this.subscribers.get(workspaceId) ?? []) s.onLive();
    const waiting = this.waiters.get(workspaceId);
    if (waiting) {
      this.waiters.delete(workspaceId);
      for (const w of waiting) w();
    }
  }

  /** The cursor below which a socket must read the log itself. */
  floor(workspaceId: string): string {
    return this.rings.get(workspaceId)?.floor ?? this.lastCursor;
  }

  /** The ring of a workspace: committed events in cursor order, shared by all sockets. */
  ringEvents(workspaceId: string): readonly LiveEvent[] {
    return this.rings.get(workspaceId)?.events ?? [];
  }

  /** Index of the first ring event after `cursor` (binary search). */
  indexAfter(workspaceId: string, cursor: string): number {
    const events = this.ringEvents(workspaceId);
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid] as LiveEvent).cursor <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  subscribe(s: Subscriber): void {
    if (this.stopped) return s.close(1001, 'server shutting down');
    let set = this.subscribers.get(s.workspaceId);
    if (!set) {
      set = new Set();
      this.subscribers.set(s.workspaceId, set);
      this.ringFor(s.workspaceId);
    }
    set.add(s);
    const key = `${s.workspaceId} ${s.userId}`;
    const open = (this.socketsPerUser.get(key) ?? 0) + 1;
    this.socketsPerUser.set(key, open);
    if (open === 1) this.presenceChanged(s.workspaceId, s.userId, true);
  }

  unsubscribe(s: Subscriber): void {
    const set = this.subscribers.get(s.workspaceId);
    if (!set?.delete(s)) return;
    const key = `${s.workspaceId} ${s.userId}`;
    const open = (this.socketsPerUser.get(key) ?? 1) - 1;
    if (open === 0) {
      this.socketsPerUser.delete(key);
      this.presenceChanged(s.workspaceId, s.userId, false);
    } else this.socketsPerUser.set(key, open);
    if (set.size === 0) {
      this.subscribers.delete(s.workspaceId);
      if (!this.waiters.has(s.workspaceId)) this.rings.delete(s.workspaceId);
    }
  }

  waitForEvents(workspaceId: string, timeoutMs: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      let set = this.waiters.get(workspaceId);
      if (!set) {
        set = new Set();
        this.waiters.set(workspaceId, set);
        this.ringFor(workspaceId);
      }
      const done = () => {
        clearTimeout(timer);
        const current = this.waiters.get(workspaceId);
        current?.delete(done);
        if (current?.size === 0) {
          this.waiters.delete(workspaceId);
          if (!this.subscribers.has(workspaceId)) this.rings.delete(workspaceId);
        }
        resolve(!this.stopped);
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  publishEphemeral(workspaceId: string, frame: string, audience: Audience): void {
    const buf = Buffer.from(frame);
    for (const s of this.subscribers.get(workspaceId) ?? []) {
      if (canReceive(audience, s.userId)) s.sendEphemeral(buf);
    }
  }

  revokeCredential(id: string): void {
    for (const set of this.subscribers.values()) {
      for (const s of set) {
        if (s.credentialId === id) s.close(1008, 'credential revoked; sign in again');
      }
    }
  }

  dropUser(workspaceId: string, userId: string): void {
    for (const s of [...(this.subscribers.get(workspaceId) ?? [])]) {
      if (s.userId === userId) s.close(1008, 'workspace access revoked');
    }
  }

  presentUsers(workspaceId: string): string[] {
    return [...new Set([...(this.subscribers.get(workspaceId) ?? [])].map((s) => s.userId))].sort();
  }
}
