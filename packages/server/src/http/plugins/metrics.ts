import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { safeEqual } from '../../lib/tokens.js';
import type { Store } from '../../store/store.js';

/** What the collectors read when scraped (each part lives in buildApp). */
export interface MetricSources {
  store: Store;
  openSockets(): number;
  deliveriesInFlight(): number;
}

/** Requests Fastify matched to no route are counted under this one label, never their URL. */
export const UNMATCHED_ROUTE = 'unmatched';

const since = (iso: string | undefined): number =>
  iso === undefined ? 0 : Math.max(0, (Date.now() - Date.parse(iso)) / 1000);

/**
 * The Prometheus metrics of one server (`serve --metrics-enabled`), on a registry of its own
 * so several apps in one process (tests) never share counters. Counters and histograms are
 * fed as things happen; gauges that need the database are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'clickclack_' });
    this.requests = new Counter({
      name: 'clickclack_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'clickclack_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** Hooks the app's requests and the store's commits up to this registry. */
  attach(app: FastifyInstance, sources: MetricSources): void {
    app.addHook('onResponse', async (req, reply) => {
      const labels = {
        method: req.method,
        route: req.routeOptions.url ?? UNMATCHED_ROUTE,
        status: String(reply.statusCode),
      };
      this.requests.inc(labels);
      this.duration.observe(labels, reply.elapsedTime / 1000);
    });
    const registers = [this.registry];
    const batch = new Histogram({
      name: 'clickclack_group_commit_batch_size',
      help: 'Writes committed together in one group-commit transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    const commit = new Histogram({
      name: 'clickclack_group_commit_duration_seconds',
      help: 'Time from BEGIN to COMMIT of one group-commit transaction',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const writes = new Histogram({
      name: 'clickclack_group_commit_write_statements',
      help: 'INSERT/UPDATE/DELETE statements one group-commit transaction ran',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    sources.store.observeCommits((size, seconds, statements) => {
      batch.observe(size);
      commit.observe(seconds);
      writes.observe(statements);
    });
    new Gauge({
      name: 'clickclack_websockets_open',
      help: 'Open realtime WebSocket connections on this node',
      registers,
      collect() {
        this.set(sources.openSockets());
      },
    });
    new Gauge({
      name: 'clickclack_event_log_newest_age_seconds',
      help: 'Seconds since the newest event in the event log was written (0 when empty)',
      registers,
      async collect() {
        // A scrape while the database is away still answers (readyz reports the outage).
        const at = await sources.store.read.events.newestCreatedAt().catch(() => null);
        if (at !== null) this.set(since(at));
      },
    });
    const queue = new Gauge({
      name: 'clickclack_event_deliveries_pending',
      help: 'Event subscription deliveries waiting to be sent or retried (all nodes)',
      registers,
    });
    new Gauge({
      name: 'clickclack_event_deliveries_lag_seconds',
      help: 'Age of the oldest pending event subscription delivery (0 when none)',
      registers,
      async collect() {
        const pending = await sources.store.read.subscriptions
          .pendingDeliveries()
          .catch(() => null);
        if (!pending) return;
        queue.set(pending.count);
        this.set(since(pending.oldest));
      },
    });
    new Gauge({
      name: 'clickclack_event_deliveries_in_flight',
      help: 'Event subscription deliveries this node is sending right now',
      registers,
      collect() {
        this.set(sources.deliveriesInFlight());
      },
    });
    new Gauge({
      name: 'clickclack_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting = queued requests)',
      labelNames: ['state'],
      registers,
      collect() {
        const use = sources.store.poolUse();
        if (!use) return;
        this.set({ state: 'total' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
      },
    });
  }

  /**
   * Answers a scrape: with a token configured, only `Authorization: Bearer <token>`
   * (compared in constant time) sees the metrics.
   */
  async scrape(authorization: string | undefined, token: string): Promise<ScrapeAnswer> {
    // Digests of equal length are compared, so not even the token's length shows in timing.
    const digest = (v: string) => createHash('sha256').update(v).digest('hex');
    if (token !== '' && !safeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`))) {
      return {
        status: 401,
        type: 'application/json',
        body: JSON.stringify({
          error: 'metrics need the metrics bearer token',
          code: 'unauthenticated',
        }),
      };
    }
    return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** `GET /metrics` on the app's own listener (only when a token guards it). */
  route(app: FastifyInstance, token: string): void {
    app.get('/metrics', { config: { auth: false } }, async (req, reply) => {
      const answer = await this.scrape(req.headers.authorization, token);
      return reply.status(answer.status).type(answer.type).send(answer.body);
    });
  }

  /** `--metrics-addr`: a listener of its own that serves only `GET /metrics`. */
  async listen(host: string, port: number, token: string): Promise<Server> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '').split('?')[0];
      const send = (a: ScrapeAnswer) =>
        res.writeHead(a.status, { 'content-type': a.type }).end(a.body);
      if (path !== '/metrics' || req.method !== 'GET') {
        send({
          status: 404,
          type: 'application/json',
          body: '{"error":"not found","code":"not_found"}',
        });
        return;
      }
      this.scrape(req.headers.authorization, token).then(send, () =>
        send({
          status: 500,
          type: 'application/json',
          body: '{"error":"metrics failed","code":"internal"}',
        }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return server;
  }
}

interface ScrapeAnswer {
  status: number;
  type: string;
  body: string;
}
