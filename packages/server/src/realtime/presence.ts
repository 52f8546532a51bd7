import { randomUUID } from 'node:crypto';
import type { BusMessage, PresenceBody, PresenceMessage } from './node-bus.js';

export interface PresenceOptions {
  /** How often a node says it is alive, in ms. */
  beatMs?: number;
  /** A node not heard from for this long (killed, cut off) is dropped with its users. */
  leaseMs?: number;
}

interface Peer {
  /** The last change number heard from it; -1 until its whole list arrives. */
  seq: number;
  expires: number;
  /** `workspace user` pairs it holds sockets for. */
  pairs: Set<string>;
}

const pairKey = (workspaceId: string, userId: string) => `${workspaceId} ${userId}`;
const splitKey = (key: string) => key.split(' ') as [string, string];

/**
 * Who is online across every node sharing the database. Each node knows the users of its
 * own sockets and keeps a copy of every other node's, from bus messages: each change
 * (numbered), a beat every `beatMs` carrying the node's latest number, and a node's whole
 * list when asked (a node starting, a gap in the numbers, a reconnected bus). A node not
 * heard from for `leaseMs` is dropped with its users, so a killed node's users go offline
 * within that bound. A user is online while any node holds them; only a change of that
 * calls `changed`, on every node for its own sockets, so each client sees one frame.
 *
 * The lists live in memory rather than in a table: a socket opening or closing costs no
 * database write, the REST presence answer no read, and a killed node leaves no rows
 * behind to expire.
 */
export class ClusterPresence {
  readonly node = randomUUID();
  private seq = 0;
  private readonly local = new Set<string>();
  private readonly peers = new Map<string, Peer>();
  /** Per workspace, per user: how many nodes (this one included) hold them. */
  private readonly holders = new Map<string, Map<string, number>>();
  private readonly timer: NodeJS.Timeout;
  private readonly leaseMs: number;
  private fullPending = false;
  private stopped = false;

  constructor(
    private readonly send: (msg: BusMessage) => void,
    private readonly changed: (workspaceId: string, userId: string, online: boolean) => void,
    opts: PresenceOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 5_000;
    this.timer = setInterval(() => this.beat(), opts.beatMs ?? 1_000);
    this.timer.unref();
    this.resync();
  }

  /** This node's sockets: a user's first one in a workspace opened, or their last closed. */
  localChanged(workspaceId: string, userId: string, online: boolean): void {
    if (this.stopped) return;
    const key = pairKey(workspaceId, userId);
    if (online === this.local.has(key)) return;
    if (online) {
      this.local.add(key);
      this.hold(workspaceId, userId);
    } else {
      this.local.delete(key);
      this.release(workspaceId, userId);
    }
    this.say({ op: 'change', workspaceId, userId, online });
  }

  receive(msg: PresenceMessage): void {
    if (this.stopped || msg.node === this.node) return;
    if (msg.op === 'bye') return this.drop(msg.node);
    if (msg.op === 'ask') {
      if (msg.to === undefined || msg.to === this.node) this.sendFull();
      return;
    }
    let peer = this.peers.get(msg.node);
    if (!peer) {
      peer = { seq: -1, expires: 0, pairs: new Set() };
      this.peers.set(msg.node, peer);
    }
    peer.expires = Date.now() + this.leaseMs;
    if (msg.op === 'full') {
      const next = new Set(msg.present.map(([ws, user]) => pairKey(ws, user)));
      for (const key of peer.pairs) if (!next.has(key)) this.release(...splitKey(key));
      for (const key of next) if (!peer.pairs.has(key)) this.hold(...splitKey(key));
      peer.pairs = next;
      peer.seq = msg.seq;
      return;
    }
    // A change or a beat numbered other than expected: something from that node was missed.
    const expected = msg.op === 'change' ? peer.seq + 1 : peer.seq;
    if (peer.seq < 0 || msg.seq !== expected) this.ask(msg.node);
    if (msg.op !== 'change') return;
    peer.seq = msg.seq;
    const key = pairKey(msg.workspaceId, msg.userId);
    if (msg.online && !peer.pairs.has(key)) {
      peer.pairs.add(key);
      this.hold(msg.workspaceId, msg.userId);
    } else if (!msg.online && peer.pairs.delete(key)) this.release(msg.workspaceId, msg.userId);
  }

  /** The bus was down: whatever was said meanwhile is unknown, so every node says it again. */
  resync(): void {
    this.ask(undefined);
  }

  presentUsers(workspaceId: string): string[] {
    return [...(this.holders.get(workspaceId)?.keys() ?? [])].sort();
  }

  /** Shutting down: the other nodes drop this one's users now rather than at lease end. */
  stop(): void {
    if (this.stopped) return;
    this.say({ op: 'bye' });
    this.stopped = true;
    clearInterval(this.timer);
  }

  private beat(): void {
    this.say({ op: 'beat' });
    const now = Date.now();
    for (const [node, peer] of this.peers) if (peer.expires < now) this.drop(node);
  }

  private drop(node: string): void {
    const peer = this.peers.get(node);
    if (!peer) return;
    this.peers.delete(node);
    for (const key of peer.pairs) this.release(...splitKey(key));
  }

  private ask(to: string | undefined): void {
    this.say(to === undefined ? { op: 'ask' } : { op: 'ask', to });
  }

  /** Several asks in one turn of the event loop get one answer. */
  private sendFull(): void {
    if (this.fullPending) return;
    this.fullPending = true;
    setImmediate(() => {
      this.fullPending = false;
      if (!this.stopped) this.say({ op: 'full', present: [...this.local].map(splitKey) });
    });
  }

  private say(body: PresenceBody): void {
    if (body.op === 'change') this.seq++;
    this.send({ kind: 'presence', node: this.node, seq: this.seq, ...body });
  }

  private hold(workspaceId: string, userId: string): void {
    let users = this.holders.get(workspaceId);
    if (!users) {
      users = new Map();
      this.holders.set(workspaceId, users);
    }
    const n = (users.get(userId) ?? 0) + 1;
    users.set(userId, n);
    if (n === 1) this.changed(workspaceId, userId, true);
  }

  private release(workspaceId: string, userId: string): void {
    const users = this.holders.get(workspaceId);
    const n = (users?.get(userId) ?? 0) - 1;
    if (!users || n < 0) return;
    if (n > 0) {
      users.set(userId, n);
      return;
    }
    users.delete(userId);
    if (users.size === 0) this.holders.delete(workspaceId);
    this.changed(workspaceId, userId, false);
  }
}
