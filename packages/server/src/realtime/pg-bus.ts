import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BusMessage, NodeBus } from './node-bus.js';

const CHANNEL = 'clickclack_realtime';
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7_900;
const RECONNECT_MS = 1_000;
export interface PgBusOptions {
  /**
   * A stored message is read within moments of its notification (a node that was not
   * listening then never reads it): every node deletes stored rows older than `keepMs`
   * every `sweepMs`, a dead node's rows too.
   */
  keepMs?: number;
  sweepMs?: number;
}

/** What travels in a notification: the message itself, or the id of its stored copy. */
type Envelope = { node?: unknown; msg?: BusMessage; ref?: unknown };

/**
 * The node bus over PostgreSQL LISTEN/NOTIFY: one dedicated connection per node listens;
 * sends go out on the same connection. A lost connection is re-opened every second until it
 * is back, and `onReconnect` tells the node to re-read the log's tail. A message too large
 * for NOTIFY is stored in `bus_payloads` and only its id is notified; receivers read it
 * back, and deliver every message in the order it was sent.
 */
export class PgNotifyBus implements NodeBus {
  private readonly node = randomUUID();
  private client: pg.Client | undefined;
  private handler: (msg: BusMessage) => void = () => undefined;
  private reconnected: () => void = () => undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private wakePending = false;
  /** Received messages are handed over one after another, stored ones once read back. */
  private delivered: Promise<void> = Promise.resolve();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly url: string,
    { keepMs = 60_000, sweepMs = 30_000 }: PgBusOptions,
  ) {
    this.sweeper = setInterval(() => {
      this.client
        ?.query('DELETE FROM bus_payloads WHERE created_at < now() - make_interval(secs => $1)', [
          keepMs / 1000,
        ])
        .catch(() => undefined);
    }, sweepMs);
    this.sweeper.unref();
  }

  static async connect(url: string, opts: PgBusOptions = {}): Promise<PgNotifyBus> {
    const bus = new PgNotifyBus(url, opts);
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
      let parsed: Envelope;
      try {
        parsed = JSON.parse(n.payload) as Envelope;
      } catch {
        return;
      }
      if (parsed.node !== this.node) this.receive(client, parsed);
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

  private receive(client: pg.Client, { msg, ref }: Envelope): void {
    if (!msg && typeof ref !== 'string') return;
    this.delivered = this.delivered
      .then(async () => {
        const whole = msg ?? (await this.readStored(client, ref as string));
        if (whole) this.handler(whole);
      })
      // A message that cannot be read back is lost like a missed notification: the log's
      // tail check and the presence beats repair what it carried.
      .catch(() => undefined);
  }

  private async readStored(client: pg.Client, id: string): Promise<BusMessage | undefined> {
    const res = await client.query<{ payload: string }>(
      'SELECT payload FROM bus_payloads WHERE id = $1',
      [id],
    );
    const row = res.rows[0];
    return row ? (JSON.parse(row.payload) as { msg?: BusMessage }).msg : undefined;
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
    const client = this.client;
    if (!client) return;
    const payload = JSON.stringify({ node: this.node, msg });
    if (Buffer.byteLength(payload) <= MAX_PAYLOAD) {
      client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch(() => undefined);
      return;
    }
    // One statement, so the row is committed when the notification goes out.
    const id = randomUUID();
    client
      .query(
        `WITH stored AS (
           INSERT INTO bus_payloads (id, payload, created_at) VALUES ($2, $3, now()) RETURNING id)
         SELECT pg_notify($1, $4) FROM stored`,
        [CHANNEL, id, payload, JSON.stringify({ node: this.node, ref: id })],
      )
      .catch(() => undefined);
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
    clearInterval(this.sweeper);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
