import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validSmtpUrl } from '../lib/mailer.js';
import { canonicalPublicUrl } from '../lib/public-url.js';
import type { OidcSettings } from './oidc.js';
import { parseWriteLimits, type WriteLimits } from './write-limits.js';

/** Server settings after precedence: flags > env (CLICKCLACK_*) > --config file > defaults. */
export interface ServerConfig {
  addr: string;
  data: string;
  db: string;
  uploads: string;
  environment: string;
  devBootstrap: boolean;
  metricsEnabled: boolean;
  /** Bearer token `GET /metrics` needs ('' = none: then only on `metricsAddr`). */
  metricsToken: string;
  /** A listen address of its own for `/metrics` ('' = the API's listener, token only). */
  metricsAddr: string;
  /** Access log destination: 'stdout', 'stderr' or a file path; '' = off. */
  accessLog: string;
  /** Local password sign-in (`POST /api/auth/password/login`). */
  passwordAuth: boolean;
  /** External origin (`--public-url`), canonical; '' when not configured. */
  publicUrl: string;
  /** Single sign-on (`--oidc-issuer` and friends); absent when no issuer is set. */
  oidc?: OidcSettings;
  /** Test-only: let integration callbacks reach loopback addresses. */
  allowLoopbackCallbacks: boolean;
  /** Most events one socket replays before it must resync (close 4001). */
  replayLimit: number;
  /** Tail check of the event log, in ms: heals lost cross-node wake-ups. */
  tailCheckMs: number;
  /** Largest accepted upload, in bytes. */
  uploadMaxBytes: number;
  /** The web app shows Markdown images from other origins (they see every reader's IP). */
  remoteImages: boolean;
  /** Time a client has to send a request's headers, then the whole request, in ms. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** `smtp://…` or `smtps://…` ('' = no email: magic-link requests answer 501). */
  smtpUrl: string;
  /** The From of every email the server sends. */
  mailFrom: string;
  /** How long a mention, DM or followed reply waits unread before it is emailed (default). */
  emailNotifyDelayMs: number;
  /** Most connections a node opens to PostgreSQL (reads and write batches share them). */
  pgPoolMax: number;
  /** Per-user write budgets (`--rate-limits`, config/write-limits.ts). */
  writeLimits: WriteLimits;
  /** On SIGTERM, how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** Open WebSockets one user may hold on one node. */
  socketsPerUser: number;
  /** Most files and bytes one user may keep in one workspace. */
  uploadQuota: { files: number; bytes: number };
}

export interface ServeFlags {
  addr?: string;
  data?: string;
  db?: string;
  uploads?: string;
  environment?: string;
  config?: string;
  devBootstrap?: string;
  metricsEnabled?: string;
  metricsToken?: string;
  metricsAddr?: string;
  accessLog?: string;
  passwordAuth?: string;
  publicUrl?: string;
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcName?: string;
  oidcAllowedDomains?: string;
  allowLoopbackCallbacks?: string;
  replayLimit?: string;
  tailCheckMs?: string;
  uploadMaxBytes?: string;
  headersTimeoutMs?: string;
  requestTimeoutMs?: string;
  remoteImages?: string;
  smtpUrl?: string;
  mailFrom?: string;
  emailNotifyDelay?: string;
  pgPoolMax?: string;
  rateLimits?: string;
  shutdownGraceMs?: string;
  wsConnectionsPerUser?: string;
  uploadQuotaFiles?: string;
  uploadQuotaBytes?: string;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseBool(name: string, raw: string): boolean {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new Error(`invalid boolean for ${name}: "${raw}"`);
}

type FileConfig = Record<string, unknown>;

function readConfigFile(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`read config ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as FileConfig;
  } catch (err) {
    throw new Error(`parse config ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A client gets this long to send its headers, and then to finish the whole request body:
 * enough for a 25 MiB upload at about 2 Mbit/s, while a client trickling a byte every few
 * seconds is cut off instead of holding a connection open for good.
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** `500ms`, `30s`, `10m`, `1h`; a bare number is seconds. */
export function parseDuration(name: string, raw: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new Error(`invalid duration for ${name}: "${raw}" (e.g. 30s, 10m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

/** Long enough for any ordinary request; a long-poll is answered at once when closing. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** `sqlite://<data>/clickclack.db` unless a database URL was given. */
export const defaultDbUrl = (data: string): string => `sqlite://${join(data, 'clickclack.db')}`;

export function resolveServerConfig(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const str = (key: string, envName: string, flag: string | undefined, def: string): string => {
    if (flag !== undefined) return flag;
    const e = env[envName];
    if (e !== undefined && e !== '') return e;
    const f = file[key];
    return typeof f === 'string' ? f : typeof f === 'number' ? String(f) : def;
  };
  const bool = (key: string, envName: string, flag: string | undefined): boolean => {
    if (flag !== undefined) return flag === 'true';
    const e = env[envName];
    // A config file that names dev_bootstrap at all takes it out of the environment's hands.
    const envBlocked = key === 'dev_bootstrap' && key in file;
    if (!envBlocked && e !== undefined && e !== '') return parseBool(envName, e);
    const f = file[key];
    return typeof f === 'boolean' ? f : typeof f === 'string' ? parseBool(key, f) : false;
  };
  const data = str('data', 'CLICKCLACK_DATA', flags.data, './data') || './data';
  const replayLimit = Number(
    str('realtime_replay_limit', 'CLICKCLACK_REALTIME_REPLAY_LIMIT', flags.replayLimit, '5000'),
  );
  if (!Number.isInteger(replayLimit) || replayLimit < 1)
    throw new Error('realtime replay limit must be a positive integer');
  const tailCheckMs = Number(
    str('realtime_tail_check_ms', 'CLICKCLACK_REALTIME_TAIL_CHECK_MS', flags.tailCheckMs, '200'),
  );
  if (!Number.isInteger(tailCheckMs) || tailCheckMs < 10)
    throw new Error('realtime tail check interval must be an integer of at least 10 (ms)');
  const uploadMaxBytes = Number(
    str(
      'upload_max_bytes',
      'CLICKCLACK_UPLOAD_MAX_BYTES',
      flags.uploadMaxBytes,
      String(25 * 1024 * 1024),
    ),
  );
  if (!Number.isInteger(uploadMaxBytes) || uploadMaxBytes < 1) {
    throw new Error('upload max bytes must be a positive integer');
  }
  const ms = (key: string, envName: string, flag: string | undefined, def: number): number => {
    const n = Number(str(key, envName, flag, String(def)));
    if (!Number.isInteger(n) || n < 100)
      throw new Error(`${key} must be an integer of at least 100 (ms)`);
    return n;
  };
  const headersTimeoutMs = ms(
    'headers_timeout_ms',
    'CLICKCLACK_HEADERS_TIMEOUT_MS',
    flags.headersTimeoutMs,
    DEFAULT_HEADERS_TIMEOUT_MS,
  );
  const requestTimeoutMs = ms(
    'request_timeout_ms',
    'CLICKCLACK_REQUEST_TIMEOUT_MS',
    flags.requestTimeoutMs,
    DEFAULT_REQUEST_TIMEOUT_MS,
  );
  if (requestTimeoutMs < headersTimeoutMs)
    throw new Error('request_timeout_ms must not be shorter than headers_timeout_ms');
  const oidcIssuer = str('oidc_issuer', 'CLICKCLACK_OIDC_ISSUER', flags.oidcIssuer, '');
  const oidc: OidcSettings | undefined = oidcIssuer
    ? {
        issuer: oidcIssuer,
        clientId: str('oidc_client_id', 'CLICKCLACK_OIDC_CLIENT_ID', flags.oidcClientId, ''),
        clientSecret: str(
          'oidc_client_secret',
          'CLICKCLACK_OIDC_CLIENT_SECRET',
          flags.oidcClientSecret,
          '',
        ),
        name: str('oidc_name', 'CLICKCLACK_OIDC_NAME', flags.oidcName, '') || 'single sign-on',
        allowedDomains: str(
          'oidc_allowed_domains',
          'CLICKCLACK_OIDC_ALLOWED_DOMAINS',
          flags.oidcAllowedDomains,
          '',
        )
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter((d) => d !== ''),
      }
    : undefined;
  const publicUrl = canonicalPublicUrl(
    str('public_url', 'CLICKCLACK_PUBLIC_URL', flags.publicUrl, ''),
  );
  const mailHost = publicUrl ? new URL(publicUrl).hostname : 'localhost';
  const metricsEnabled = bool(
    'metrics_enabled',
    'CLICKCLACK_METRICS_ENABLED',
    flags.metricsEnabled,
  );
  const metricsToken = str('metrics_token', 'CLICKCLACK_METRICS_TOKEN', flags.metricsToken, '');
  const metricsAddr = str('metrics_addr', 'CLICKCLACK_METRICS_ADDR', flags.metricsAddr, '');
  if (metricsAddr !== '') listenTarget(metricsAddr);
  if (metricsToken !== '' && metricsToken.length < 16)
    throw new Error('metrics_token must be at least 16 characters');
  // Metrics name routes, volumes and timings: never open to whoever reaches the API port.
  if (metricsEnabled && metricsToken === '' && metricsAddr === '')
    throw new Error('metrics_enabled needs metrics_token (bearer) or metrics_addr (own listener)');
  // A destination, or a boolean (a bare `--access-log`, `"access_log": true`) for stdout.
  const accessLog = str(
    'access_log',
    'CLICKCLACK_ACCESS_LOG',
    flags.accessLog,
    typeof file.access_log === 'boolean' ? String(file.access_log) : '',
  );
  const pgPoolMax = Number(str('pg_pool_max', 'CLICKCLACK_PG_POOL_MAX', flags.pgPoolMax, '10'));
  if (!Number.isInteger(pgPoolMax) || pgPoolMax < 2)
    throw new Error('pg pool max must be an integer of at least 2');
  const positive = (key: string, envName: string, flag: string | undefined, def: number) => {
    const n = Number(str(key, envName, flag, String(def)));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a positive integer`);
    return n;
  };
  const socketsPerUser = positive(
    'ws_connections_per_user',
    'CLICKCLACK_WS_CONNECTIONS_PER_USER',
    flags.wsConnectionsPerUser,
    32,
  );
  const uploadQuota = {
    files: positive(
      'upload_quota_files',
      'CLICKCLACK_UPLOAD_QUOTA_FILES',
      flags.uploadQuotaFiles,
      64,
    ),
    bytes: positive(
      'upload_quota_bytes',
      'CLICKCLACK_UPLOAD_QUOTA_BYTES',
      flags.uploadQuotaBytes,
      512 * 1024 * 1024,
    ),
  };
  const writeLimits = parseWriteLimits(
    str('rate_limits', 'CLICKCLACK_RATE_LIMITS', flags.rateLimits, ''),
  );
  return {
    ...(oidc ? { oidc } : {}),
    metricsToken,
    metricsAddr,
    accessLog: accessLog === 'true' ? 'stdout' : accessLog === 'false' ? '' : accessLog,
    shutdownGraceMs: ms(
      'shutdown_grace_ms',
      'CLICKCLACK_SHUTDOWN_GRACE_MS',
      flags.shutdownGraceMs,
      DEFAULT_SHUTDOWN_GRACE_MS,
    ),
    writeLimits,
    socketsPerUser,
    uploadQuota,
    remoteImages: bool('remote_images', 'CLICKCLACK_REMOTE_IMAGES', flags.remoteImages),
    headersTimeoutMs,
    requestTimeoutMs,
    addr: str('addr', 'CLICKCLACK_ADDR', flags.addr, ':8080') || ':8080',
    data,
    db: str('db', 'CLICKCLACK_DB', flags.db, '') || defaultDbUrl(data),
    uploads: str('uploads', 'CLICKCLACK_UPLOADS', flags.uploads, '') || join(data, 'uploads'),
    environment: str('environment', 'CLICKCLACK_ENVIRONMENT', flags.environment, ''),
    devBootstrap: bool('dev_bootstrap', 'CLICKCLACK_DEV_BOOTSTRAP', flags.devBootstrap),
    metricsEnabled,
    passwordAuth: bool('password_auth', 'CLICKCLACK_PASSWORD_AUTH', flags.passwordAuth),
    publicUrl,
    smtpUrl: validSmtpUrl(str('smtp_url', 'CLICKCLACK_SMTP_URL', flags.smtpUrl, '')),
    mailFrom:
      str('mail_from', 'CLICKCLACK_MAIL_FROM', flags.mailFrom, '') ||
      `ClickClack <noreply@${mailHost}>`,
    emailNotifyDelayMs: parseDuration(
      'email notify delay',
      str('email_notify_delay', 'CLICKCLACK_EMAIL_NOTIFY_DELAY', flags.emailNotifyDelay, '10m'),
    ),
    replayLimit,
    tailCheckMs,
    uploadMaxBytes,
    pgPoolMax,
    allowLoopbackCallbacks: bool(
      'allow_loopback_callbacks',
      'CLICKCLACK_ALLOW_LOOPBACK_CALLBACKS',
      flags.allowLoopbackCallbacks,
    ),
  };
}

/** Non-serve commands read only --data/--db and CLICKCLACK_DATA/CLICKCLACK_DB. */
export function resolveDbUrl(
  flags: { data?: string; db?: string },
  env: NodeJS.ProcessEnv = process.env,
): {
  data: string;
  db: string;
} {
  const data = flags.data || env.CLICKCLACK_DATA || './data';
  return { data, db: flags.db || env.CLICKCLACK_DB || defaultDbUrl(data) };
}

/** `:8080` → all interfaces; `host:port` → that host. */
export function listenTarget(addr: string): { host: string; port: number } {
  const idx = addr.lastIndexOf(':');
  const host = addr.slice(0, idx).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(idx + 1));
  if (idx < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid listen address "${addr}"`);
  }
  return { host: host === '' ? '::' : host, port };
}
