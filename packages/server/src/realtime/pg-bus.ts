import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BusMessage, NodeBus } from './node-bus.js';

const CHANNEL = 'clickclack_realtime';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7_900;
const RECONNECT_MS = 1_000;

/**
 * The node bus over PostgreSQL LISTEN/NOTIFY: one dedicated connection per node listens;
 * sends go out on the same connection. A lost connection is re-opened every second until it
 * is back, and `onReconnect` tells the node to re-read the log's tail.
 */
export class PgNotifyBus implements NodeBus {
  private readonly node = randomUUID();
  private client: pg.Client | undefined;
  private handler: (msg: BusMessage) => void = () => undefined;
  private reconnected: () => void = () => undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private wakePending = false;

  private constructor(private readonly url: string) {}

  static async connect(url: string): Promise<PgNotifyBus> {
    const bus = new PgNotifyBus(url);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'clickclack-listen',
    });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let parsed: { node?: unknown; msg?: BusMessage };
      try {
        parsed = JSON.parse(n.payload) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.node !== this.node && parsed.msg) this.handler(parsed.msg);
    });
    const lost = () => {
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeListener('end', lost);
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen().then(
        () => this.reconnected(),
        () => this.scheduleReconnect(),
      );
    }, RECONNECT_MS);
    this.retry.unref();
  }

  send(msg: BusMessage): void {
    // Wake-ups coalesce: one per turn of the event loop however many commits it saw.
    if (msg.kind === 'wake') {
      if (this.wakePending) return;
      this.wakePending = true;
      setImmediate(() => {
        this.wakePending = false;
        this.notify(msg);
      });
      return;
    }
    this.notify(msg);
  }

  private notify(msg: BusMessage): void {
    const payload = JSON.stringify({ node: this.node, msg });
    // Too large for NOTIFY (a huge agent.progress payload): it stays on this node.
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) return;
    this.client?.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch(() => undefined);
  }

  onMessage(handler: (msg: BusMessage) => void): void {
    this.handler = handler;
  }

  onReconnect(handler: () => void): void {
    this.reconnected = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
