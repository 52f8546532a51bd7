import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { LocalDiskBlobStore } from './blobs/local-disk.js';
import {
  DEFAULT_UPLOAD_MAX_BYTES,
  DEFAULT_UPLOAD_QUOTA,
  sweepOrphanUploads,
} from './services/uploads/uploads.js';
import type { UploadQuota } from './services/context.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import { requestId } from './http/correlation.js';
import { registerAuth } from './http/plugins/auth.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import type { App } from './http/route.js';
import { registerRoutes } from './http/routes/index.js';
import { registerWebApp } from './http/plugins/web.js';
import { registerMcp } from './http/plugins/mcp.js';
import { registerWriteLimits } from './http/plugins/write-limits.js';
import { DEFAULT_WRITE_LIMITS, type WriteLimits } from './config/write-limits.js';
import type { ServiceDeps } from './services/context.js';
import { attachRealtime, closeRealtime } from './http/realtime-upgrade.js';
import { ClusterRealtime } from './realtime/cluster.js';
import { Hub, type HubOptions } from './realtime/hub.js';
import type { NodeBus } from './realtime/node-bus.js';
import { botTokenUses, sessionUses } from './services/auth/last-used.js';
import { newSignInLimits } from './services/auth/auth.js';
import type { Mailer } from './lib/mailer.js';
import { EMAIL_NOTIFY_DEFAULTS, EmailNotifier } from './integrations/email-notifier.js';
import { newPasswordGuard } from './services/auth/passwords.js';
import { DEFAULT_EMAIL_NOTIFY_DELAY_MS } from './services/account/email-notifications.js';
import { REDEMPTION_FAILURES_PER_MINUTE } from './services/auth/auth.js';
import { newInviteAttempts } from './services/invites/invites.js';
import { newOidcLogin } from './services/auth/oidc.js';
import { oidcSettings, type OidcSettings } from './config/oidc.js';
import { SETUP_CODE_CLAIMS_PER_MINUTE } from './services/bots/setup-codes.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from './lib/json-depth.js';
import { WindowLimiter } from './lib/rate-limit.js';
import {
  Dispatcher,
  DISPATCH_DEFAULTS,
  type DispatcherOptions,
} from './integrations/dispatcher.js';
import { DEFAULT_OUTBOUND } from './lib/outbound.js';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './config/resolve.js';
import type { SessionOptions } from './realtime/session.js';
import type { Store } from './store/store.js';
import type { Logger } from 'pino';
import type { Metrics } from './http/plugins/metrics.js';
import { registerAccessLog } from './http/plugins/access-log.js';

export const MAX_JSON_BODY = 1024 * 1024;

export interface AppOptions {
  store: Store;
  devBootstrap: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Outgoing callbacks: loopback targets are refused unless a test allows them. */
  integrations?: Partial<Omit<DispatcherOptions, 'policy'>> & { allowLoopbackCallbacks?: boolean };
  /** Upload storage directory and per-file limit; orphans are swept after the grace period. */
  uploads?: { dir: string; maxBytes?: number; orphanGraceMs?: number; quota?: UploadQuota };
  /** Realtime tuning; defaults suit production. */
  realtime?: Partial<SessionOptions> & HubOptions;
  /** Set when several nodes share the database: realtime crosses nodes through it. */
  bus?: NodeBus;
  /** `serve --password-auth`: enables `POST /api/auth/password/login`. */
  passwordAuth?: boolean;
  /** `serve --public-url`, canonical (lib/public-url.ts): the origin users and agents use. */
  publicUrl?: string;
  /** `serve --remote-images`: the web app shows Markdown images from other origins. */
  remoteImages?: boolean;
  /** How long a client may take to send headers, then a whole request (serve's defaults). */
  timeouts?: { headersMs: number; requestMs: number };
  /** `serve --oidc-issuer …`: single sign-on (needs `publicUrl` for its redirect URI). */
  oidc?: OidcSettings;
  /** `serve --smtp-url`: sign-in links by email and email when away. */
  email?: {
    mailer: Mailer;
    notifyDelayMs?: number;
    notify?: Partial<typeof EMAIL_NOTIFY_DEFAULTS>;
  };
  /**
   * `serve --metrics-enabled`: the registry requests and commits feed. With a token, the
   * app itself answers `GET /metrics` to that bearer token; `--metrics-addr` serves it apart.
   */
  metrics?: { registry: Metrics; token: string };
  /** `serve --access-log`: one line per answered request. */
  accessLog?: Logger;
  /** Open WebSockets one user may hold on this node (`serve --ws-connections-per-user`). */
  socketsPerUser?: number;
  /** Per-user write budgets (`serve --rate-limits`); the defaults when absent. */
  writeLimits?: WriteLimits;
}

export const REALTIME_DEFAULTS: SessionOptions = {
  replayLimit: 5000,
  maxBufferedBytes: 4 * 1024 * 1024,
  pingMs: 25_000,
  recheckMs: 30_000,
};

/**
 * Fastify's own per-request lines log the URL, query string (and any token in it)
 * included; the access log (http/plugins/access-log.ts) logs the route pattern instead.
 * Error lines stay.
 */
class QuietRequests extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(): void {}
}

/** Builds the HTTP app without listening; tests and `serve` both use it. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const timeouts = opts.timeouts ?? {
    headersMs: DEFAULT_HEADERS_TIMEOUT_MS,
    requestMs: DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: MAX_JSON_BODY,
    // Node cuts off a client that has not sent its headers, or its whole request, in time
    // (a 408 and a closed socket), checking every connection once per interval. A request
    // once received may take as long as it likes to answer (a long-poll `wait=`), and an
    // upgraded WebSocket is no longer an HTTP request at all.
    requestTimeout: timeouts.requestMs,
    http: {
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(timeouts.headersMs / 4)),
    },
    logController: new QuietRequests(),
    genReqId: requestId,
    requestIdHeader: false,
    trustProxy: false,
    // Bodies are validated strictly (no '42' for 42); unknown fields are dropped, not refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const hub = await Hub.start(opts.store, opts.realtime ?? {});
  const cluster = opts.bus ? new ClusterRealtime(hub, opts.bus) : undefined;
  const { allowLoopbackCallbacks = false, ...dispatch } = opts.integrations ?? {};
  const outbound = { ...DEFAULT_OUTBOUND, allowLoopback: allowLoopbackCallbacks };
  const dispatcher = new Dispatcher(opts.store, {
    ...DISPATCH_DEFAULTS,
    ...dispatch,
    policy: outbound,
  });
  await dispatcher.start();
  const notifyDelayMs = opts.email?.notifyDelayMs ?? DEFAULT_EMAIL_NOTIFY_DELAY_MS;
  // Email when away links to messages and to its unsubscribe page: it needs the public URL.
  const notifier =
    opts.email && opts.publicUrl
      ? new EmailNotifier(opts.store, {
          ...EMAIL_NOTIFY_DEFAULTS,
          ...opts.email.notify,
          mailer: opts.email.mailer,
          publicUrl: opts.publicUrl,
          defaultDelayMs: notifyDelayMs,
        })
      : undefined;
  await notifier?.start();
  // The log is the truth: the store's announcement of a commit only wakes the readers of the
  // log, which read it back (other nodes too, over the bus). This process's writes only.
  const stopAnnouncing = opts.store.onCommitted(() => {
    if (cluster) cluster.committed();
    else hub.wake();
    dispatcher.wake();
  });
  const botUsage = botTokenUses();
  const sessionUsage = sessionUses();
  const flushUsage = () =>
    Promise.all([
      botUsage.flush(opts.store).catch(() => undefined),
      sessionUsage.flush(opts.store).catch(() => undefined),
    ]);
  const usageTimer = setInterval(() => void flushUsage(), 5_000);
  usageTimer.unref();
  const deps: ServiceDeps = {
    botUsage,
    sessionUsage,
    ...(opts.email ? { mailer: opts.email.mailer } : {}),
    signInLimits: newSignInLimits(),
    emailNotifyDelayMs: notifyDelayMs,
    store: opts.store,
    devBootstrap: opts.devBootstrap,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    outbound,
    realtime: cluster ?? hub,
    passwordGuard: newPasswordGuard(opts.passwordAuth ?? false),
    setupCodeClaims: new WindowLimiter(SETUP_CODE_CLAIMS_PER_MINUTE, 60_000),
    redemptionFailures: new WindowLimiter(REDEMPTION_FAILURES_PER_MINUTE, 60_000),
    inviteAttempts: newInviteAttempts(),
    ...(opts.oidc ? { oidc: newOidcLogin(oidcSettings(opts.oidc, opts.publicUrl)) } : {}),
    ...(opts.uploads
      ? {
          uploads: {
            blobs: new LocalDiskBlobStore(opts.uploads.dir),
            maxBytes: opts.uploads.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES,
            quota: opts.uploads.quota ?? DEFAULT_UPLOAD_QUOTA,
          },
        }
      : {}),
  };
  // Uploads nothing ever attached are deleted a day later (checked hourly).
  const sweeper = setInterval(
    () =>
      void sweepOrphanUploads(deps, opts.uploads?.orphanGraceMs ?? 86_400_000).catch(
        () => undefined,
      ),
    3_600_000,
  );
  sweeper.unref();
  const wss = attachRealtime(
    app.server,
    deps,
    hub,
    { ...REALTIME_DEFAULTS, ...opts.realtime },
    opts.socketsPerUser,
  );
  // Before the HTTP server closes, which waits for every connection, upgraded ones too: a
  // socket still open then (a client that never hangs up) would keep close() from returning.
  app.addHook('preClose', async () => {
    cluster?.stop();
    hub.stop();
    await closeRealtime(wss);
  });
  if (opts.metrics) {
    opts.metrics.registry.attach(app, {
      store: opts.store,
      openSockets: () => wss.clients.size,
      deliveriesInFlight: () => dispatcher.inFlight,
    });
    if (opts.metrics.token !== '') opts.metrics.registry.route(app, opts.metrics.token);
  }
  if (opts.accessLog) registerAccessLog(app, opts.accessLog);
  app.addHook('onClose', async () => {
    stopAnnouncing();
    clearInterval(sweeper);
    clearInterval(usageTimer);
    await flushUsage();
    await dispatcher.stop();
    await notifier?.stop();
    opts.email?.mailer.close();
  });

  // An empty JSON body is allowed (logout sends none); schemas still reject a missing body.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // The one place request JSON is parsed, so the one place its depth is bounded.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    const refuse = (message: string) =>
      done(Object.assign(new Error(message), { statusCode: 400 }), undefined);
    if (jsonTooDeep(text)) return refuse(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      done(null, JSON.parse(text));
    } catch {
      refuse('request body is not valid JSON (exactly one JSON value expected)');
    }
  });

  // Form posts (Mattermost-style `payload=` webhooks, slash commands) parse to a flat object.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Correlation-ID', req.id);
  });

  await app.register(cookie);
  await app.register(multipart, {
    limits: {
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 20,
      fileSize: (opts.uploads?.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES) + 1,
    },
  });
  registerErrorHandling(app);
  registerAuth(app, deps);
  await registerWriteLimits(app, deps, opts.writeLimits ?? DEFAULT_WRITE_LIMITS);
  registerRoutes(app, deps);
  registerMcp(app, deps, { maxUploadBytes: opts.uploads?.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES });
  await registerWebApp(app, {
    remoteImages: opts.remoteImages ?? false,
    development: opts.devBootstrap,
  });
  return app;
}
