import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Command } from 'commander';
import { buildApp } from '../../app.js';
import { listenTarget, resolveServerConfig, type ServeFlags } from '../../config/resolve.js';
import { opsDeps } from '../../services/ops-deps.js';
import { ensureBootstrap } from '../../services/account/users.js';
import { isPostgresUrl, openStore } from '../../store/open.js';
import { PgNotifyBus } from '../../realtime/pg-bus.js';
import { logLine } from '../log.js';
import { smtpMailer } from '../../lib/mailer.js';
import { Metrics } from '../../http/plugins/metrics.js';
import { accessLogger } from '../../http/plugins/access-log.js';
import { DEFAULT_WRITE_LIMITS, formatWriteLimits } from '../../config/write-limits.js';

export const DEV_USER = { displayName: 'Local Captain', email: 'local@clickclack.chat' };

/** Owner-only, like everything in them (see `runCli`'s umask). */
export function createDataDirs(data: string): void {
  for (const dir of [data, join(data, 'uploads'), join(data, 'logs')])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export async function serve(flags: ServeFlags): Promise<void> {
  const config = resolveServerConfig(flags);
  const target = listenTarget(config.addr);
  createDataDirs(config.data);
  const store = await openStore(config.db, { migrate: true, poolSize: config.pgPoolMax });
  if (config.devBootstrap) {
    const user = await ensureBootstrap(opsDeps(store), DEV_USER);
    logLine(`dev auth user: ${user.display_name} (${user.id})`);
  }
  // Nodes sharing a PostgreSQL database wake each other's sockets through it.
  const bus = isPostgresUrl(config.db) ? await PgNotifyBus.connect(config.db) : undefined;
  const metrics = config.metricsEnabled ? new Metrics() : undefined;
  const app = await buildApp({
    store,
    ...(metrics ? { metrics: { registry: metrics, token: config.metricsToken } } : {}),
    ...(config.accessLog ? { accessLog: accessLogger(config.accessLog) } : {}),
    ...(bus ? { bus } : {}),
    devBootstrap: config.devBootstrap,
    passwordAuth: config.passwordAuth,
    publicUrl: config.publicUrl,
    ...(config.oidc ? { oidc: config.oidc } : {}),
    integrations: { allowLoopbackCallbacks: config.allowLoopbackCallbacks },
    realtime: { replayLimit: config.replayLimit, pollMs: config.tailCheckMs },
    uploads: {
      dir: config.uploads.replace(/^file:\/\//, ''),
      maxBytes: config.uploadMaxBytes,
      quota: config.uploadQuota,
    },
    socketsPerUser: config.socketsPerUser,
    timeouts: { headersMs: config.headersTimeoutMs, requestMs: config.requestTimeoutMs },
    remoteImages: config.remoteImages,
    ...(config.smtpUrl
      ? {
          email: {
            mailer: smtpMailer(config.smtpUrl, config.mailFrom, (err) =>
              logLine(`email not sent: ${err.message}`),
            ),
            notifyDelayMs: config.emailNotifyDelayMs,
          },
        }
      : {}),
    writeLimits: config.writeLimits,
    logger: { level: process.env.CLICKCLACK_LOG_LEVEL ?? 'warn', stream: process.stderr },
  });
  await app.listen({ host: target.host, port: target.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : target.port;
  const shownHost = target.host === '::' || target.host === '0.0.0.0' ? 'localhost' : target.host;
  const listening = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  // Behind a proxy people reach it elsewhere: that address too, on the same (atomic) line.
  const reached = config.publicUrl ? ` (public URL: ${config.publicUrl}/app/)` : '';
  logLine(`ClickClack listening on ${listening}${reached}`);
  if (config.smtpUrl && !config.publicUrl) {
    logLine('email: sign-in codes only (no links) and no email when away without --public-url');
  }
  let metricsServer: Server | undefined;
  if (metrics && config.metricsAddr) {
    const at = listenTarget(config.metricsAddr);
    metricsServer = await metrics.listen(at.host, at.port, config.metricsToken);
    const a = metricsServer.address();
    const mport = typeof a === 'object' && a ? a.port : at.port;
    const mhost = at.host.includes(':') ? `[${at.host}]` : at.host;
    logLine(`metrics on http://${mhost}:${mport}/metrics`);
  }

  let closing = false;
  /**
   * Stops accepting, answers parked long-polls and closes sockets with 1001 (app.ts
   * preClose), lets in-flight requests finish for `shutdownGraceMs`, then cuts the
   * connections still open (a client trickling a body); the store drains its queued writes
   * before it closes. Exits 0 when all of that went as planned, 1 only if it hung.
   */
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logLine(`${signal} received, draining`);
    const grace = config.shutdownGraceMs;
    const cut = setTimeout(() => app.server.closeAllConnections(), grace);
    cut.unref();
    const hung = setTimeout(() => {
      logLine(`shutdown did not finish within ${grace + 5000} ms, exiting`);
      process.exit(1);
    }, grace + 5000);
    hung.unref();
    metricsServer?.close();
    await app.close();
    clearTimeout(cut);
    await bus?.close();
    await store.close();
    logLine('shut down cleanly');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the chat server')
    .option('--addr <addr>', 'listen address (default :8080)')
    .option('--data <dir>', 'data directory (default ./data)')
    .option('--db <url>', 'database URL (default sqlite://<data>/clickclack.db)')
    .option('--uploads <dir>', 'upload storage (default <data>/uploads)')
    .option('--environment <name>', 'environment label')
    .option('--config <file>', 'JSON config file')
    .option('--dev-bootstrap [bool]', 'enable dev bootstrap and loopback dev auth')
    .option('--metrics-enabled [bool]', 'expose Prometheus metrics at /metrics')
    .option('--metrics-token <token>', 'bearer token /metrics requires (16+ characters)')
    .option('--metrics-addr <addr>', 'serve /metrics on this listen address instead')
    .option(
      '--access-log [dest]',
      'log one line per request to stdout (bare flag), stderr or a file path',
    )
    .option('--password-auth [bool]', 'allow sign-in with a local password')
    .option(
      '--public-url <url>',
      'external origin, e.g. https://chat.example.com behind a TLS proxy (cookies, origin checks, setup-code URLs)',
    )
    .option('--oidc-issuer <url>', 'single sign-on: the OpenID provider (needs --public-url)')
    .option('--oidc-client-id <id>', 'single sign-on: our client id at the provider')
    .option(
      '--oidc-client-secret <secret>',
      'single sign-on: our client secret (better: env CLICKCLACK_OIDC_CLIENT_SECRET)',
    )
    .option('--oidc-name <name>', 'single sign-on: the button says "Sign in with <name>"')
    .option(
      '--oidc-allowed-domains <list>',
      'single sign-on: comma-separated email domains whose people get an account on first sign-in',
    )
    .option(
      '--allow-loopback-callbacks [bool]',
      'let integration callbacks reach loopback (tests only)',
    )
    .option(
      '--realtime-replay-limit <n>',
      'events a socket may replay before it must resync (default 5000)',
    )
    .option(
      '--realtime-tail-check-ms <n>',
      'how often each node re-reads the event log tail (heals lost wake-ups; default 200)',
    )
    .option('--upload-max-bytes <n>', 'largest accepted upload in bytes (default 25 MiB)')
    .option(
      '--remote-images [bool]',
      'web app: show Markdown images from other origins inline (default: as links)',
    )
    .option('--headers-timeout-ms <n>', 'time to send request headers (default 15000)')
    .option('--request-timeout-ms <n>', 'time to send a whole request (default 120000)')
    .option(
      '--smtp-url <url>',
      'send email (sign-in links, notifications) through smtp://user:pass@host:port or smtps://…',
    )
    .option('--mail-from <address>', 'From of the emails the server sends')
    .option(
      '--email-notify-delay <duration>',
      'how long a mention, DM or followed reply waits unread before it is emailed (default 10m)',
    )
    .option('--pg-pool-max <n>', 'PostgreSQL connections per node (default 10)')
    .option(
      '--shutdown-grace-ms <n>',
      'on SIGTERM, time in-flight requests get to finish before their connections are cut (default 10000)',
    )
    .option('--ws-connections-per-user <n>', 'open WebSockets per user and node (default 32)')
    .option('--upload-quota-files <n>', 'files one user may keep per workspace (default 64)')
    .option(
      '--upload-quota-bytes <n>',
      'bytes one user may keep per workspace (default 536870912 = 512 MiB)',
    )
    .option(
      '--rate-limits <spec>',
      `per-user write budgets, e.g. messages=1200/1m,uploads=off ("off" = none; default ${formatWriteLimits(DEFAULT_WRITE_LIMITS)})`,
    )
    .allowExcessArguments(true)
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const b = (v: string | boolean | undefined) =>
        v === undefined ? undefined : v === true ? 'true' : String(v);
      await serve({
        addr: opts.addr as string | undefined,
        data: opts.data as string | undefined,
        db: opts.db as string | undefined,
        uploads: opts.uploads as string | undefined,
        environment: opts.environment as string | undefined,
        config: opts.config as string | undefined,
        devBootstrap: b(opts.devBootstrap),
        metricsEnabled: b(opts.metricsEnabled),
        metricsToken: opts.metricsToken as string | undefined,
        metricsAddr: opts.metricsAddr as string | undefined,
        accessLog: b(opts.accessLog),
        passwordAuth: b(opts.passwordAuth),
        publicUrl: opts.publicUrl as string | undefined,
        oidcIssuer: opts.oidcIssuer as string | undefined,
        oidcClientId: opts.oidcClientId as string | undefined,
        oidcClientSecret: opts.oidcClientSecret as string | undefined,
        oidcName: opts.oidcName as string | undefined,
        oidcAllowedDomains: opts.oidcAllowedDomains as string | undefined,
        allowLoopbackCallbacks: b(opts.allowLoopbackCallbacks),
        replayLimit: opts.realtimeReplayLimit as string | undefined,
        tailCheckMs: opts.realtimeTailCheckMs as string | undefined,
        uploadMaxBytes: opts.uploadMaxBytes as string | undefined,
        remoteImages: b(opts.remoteImages),
        headersTimeoutMs: opts.headersTimeoutMs as string | undefined,
        requestTimeoutMs: opts.requestTimeoutMs as string | undefined,
        smtpUrl: opts.smtpUrl as string | undefined,
        mailFrom: opts.mailFrom as string | undefined,
        emailNotifyDelay: opts.emailNotifyDelay as string | undefined,
        pgPoolMax: opts.pgPoolMax as string | undefined,
        rateLimits: opts.rateLimits as string | undefined,
        shutdownGraceMs: opts.shutdownGraceMs as string | undefined,
        wsConnectionsPerUser: opts.wsConnectionsPerUser as string | undefined,
        uploadQuotaFiles: opts.uploadQuotaFiles as string | undefined,
        uploadQuotaBytes: opts.uploadQuotaBytes as string | undefined,
      });
    });
}
