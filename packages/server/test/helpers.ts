import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp, type AppOptions } from '../src/app.js';
import type { ServiceDeps, UploadQuota } from '../src/services/context.js';
import { DEV_USER } from '../src/cli/server/serve.js';
import { ensureBootstrap } from '../src/services/account/users.js';
import { openStore } from '../src/store/open.js';
import { opsDeps } from '../src/services/ops-deps.js';
import type { Store } from '../src/store/store.js';
import type { UserRow } from '../src/store/repos/users.js';
import { createServer, request } from 'node:http';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { createPgPool } from '../src/store/dialects/postgres.js';
import { createMagicLink, consumeMagicLink } from '../src/services/auth/auth.js';
import { smtpMailer } from '../src/lib/mailer.js';

/**
 * Set (e.g. postgres://postgres@127.0.0.1:5432/test) to run every server test against
 * PostgreSQL: each test server gets a fresh database on that server, dropped on close().
 */
export const TEST_PG_URL = process.env.CLICKCLACK_TEST_PG_URL ?? '';

/** Runs one statement on the maintenance database CLICKCLACK_TEST_PG_URL names. */
async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL database of a test data directory (stable, so restarts find it again). */
export function pgTestDatabaseUrl(dataDir: string): { url: string; name: string } {
  const name = `cc_test_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export async function createPgTestDatabase(dataDir: string): Promise<string> {
  const { url, name } = pgTestDatabaseUrl(dataDir);
  await pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await pgAdmin(`CREATE DATABASE "${name}"`);
  return url;
}

export async function dropPgTestDatabase(dataDir: string): Promise<void> {
  await pgAdmin(`DROP DATABASE IF EXISTS "${pgTestDatabaseUrl(dataDir).name}" WITH (FORCE)`);
}

/** The database URL a test server on `dataDir` uses: its SQLite file, or its PG database. */
async function testDbUrl(dataDir: string, fresh: boolean, sqlite = false): Promise<string> {
  if (!TEST_PG_URL || sqlite) return `sqlite://${join(dataDir, 'clickclack.db')}`;
  return fresh ? createPgTestDatabase(dataDir) : pgTestDatabaseUrl(dataDir).url;
}

export interface TestServer {
  url: string;
  /** The database URL the server runs on (sqlite://… or postgres://…). */
  dbUrl: string;
  store: Store;
  deps: ServiceDeps;
  dataDir: string;
  devUser: UserRow;
  close(): Promise<void>;
  /** Stops the server but keeps its data directory (for restart tests). */
  stop(): Promise<void>;
}

/**
 * The real HTTP server on a loopback port over a fresh SQLite file (or a fresh PostgreSQL
 * database when CLICKCLACK_TEST_PG_URL is set), bootstrapped.
 */
export async function startTestServer(
  opts: {
    devBootstrap?: boolean;
    realtime?: AppOptions['realtime'];
    integrations?: AppOptions['integrations'];
    uploadMaxBytes?: number;
    /** Reuse a data directory (a restart); a fresh one by default. */
    dataDir?: string;
    /** SQLite even when CLICKCLACK_TEST_PG_URL is set (e.g. the source of a copy). */
    sqlite?: boolean;
    /** `serve --password-auth`. */
    passwordAuth?: boolean;
    /** `serve --public-url` (canonical). */
    publicUrl?: string;
    timeouts?: AppOptions['timeouts'];
    /** `serve --oidc-*` (needs publicUrl). */
    oidc?: AppOptions['oidc'];
    /** A fixed port (e.g. one a public URL names); any free one by default. */
    port?: number;
    /** `serve --smtp-url …` (a real SMTP receiver's URL) and `--email-notify-delay`. */
    smtpUrl?: string;
    emailNotifyDelayMs?: number;
    /** How often the email notifier looks for work (default 5 s). */
    emailNotifyPollMs?: number;
    /** Per-user write budgets; the production defaults unless a test needs more writes. */
    writeLimits?: AppOptions['writeLimits'];
    socketsPerUser?: number;
    uploadQuota?: UploadQuota;
  } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cc-test-'));
  const onPg = TEST_PG_URL !== '' && !opts.sqlite;
  const dbUrl = await testDbUrl(dataDir, opts.dataDir === undefined, opts.sqlite);
  const store = await openStore(dbUrl, { migrate: true });
  const devBootstrap = opts.devBootstrap ?? false;
  // Services called in the test's process run as an admin command would: no sockets here.
  const deps: ServiceDeps = { ...opsDeps(store), devBootstrap };
  const devUser = await ensureBootstrap(deps, DEV_USER);
  const app = await buildApp({
    store,
    devBootstrap,
    passwordAuth: opts.passwordAuth,
    publicUrl: opts.publicUrl,
    timeouts: opts.timeouts,
    ...(opts.oidc ? { oidc: opts.oidc } : {}),
    ...(opts.smtpUrl
      ? {
          email: {
            mailer: smtpMailer(opts.smtpUrl, 'ClickClack <noreply@clickclack.test>'),
            notifyDelayMs: opts.emailNotifyDelayMs,
            notify: { pollMs: opts.emailNotifyPollMs ?? 100, retryBaseMs: 200 },
          },
        }
      : {}),
    writeLimits: opts.writeLimits,
    socketsPerUser: opts.socketsPerUser,
    realtime: { pollMs: 50, ...opts.realtime },
    integrations: opts.integrations,
    uploads: {
      dir: join(dataDir, 'uploads'),
      maxBytes: opts.uploadMaxBytes,
      ...(opts.uploadQuota ? { quota: opts.uploadQuota } : {}),
    },
  });
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    dbUrl,
    store,
    deps,
    dataDir,
    devUser,
    async close() {
      await app.close();
      await store.close();
      if (onPg) await dropPgTestDatabase(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
    async stop() {
      await app.close();
      await store.close();
    },
  };
}

/** A loopback port nobody listens on now (for a server whose public URL must name it). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const addr = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** Signs a (new or existing) user in through the real magic-link flow; returns the session token. */
export async function signIn(
  srv: TestServer,
  email: string,
  name = '',
): Promise<{ token: string; userId: string }> {
  const link = await createMagicLink(srv.deps, { email, displayName: name });
  const res = await consumeMagicLink(srv.deps, link.token);
  return { token: res.token, userId: res.user.id };
}

export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** fetch + JSON, with an optional bearer token. */
export async function api<T = Record<string, unknown>>(
  srv: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(srv.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

/**
 * `api` over node:http from another loopback source address (127.0.0.2, 127.0.0.3 …), so
 * the server sees distinct clients for its per-address budgets (fetch cannot bind one).
 */
export function apiFrom<T = Record<string, unknown>>(
  srv: TestServer,
  from: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<Res<T>> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      srv.url + path,
      {
        method,
        localAddress: from,
        headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (typeof v === 'string') headers.set(k, v);
          resolve({
            status: res.statusCode ?? 0,
            body: (text ? JSON.parse(text) : {}) as T,
            headers,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

// A 2x3 transparent PNG.
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAYAAAC56t6BAAAAEElEQVR4nGNgYGD4z8DAAAAJAAHxGWnWAAAAAElFTkSuQmCC',
  'base64',
);

/** A multipart upload through the real endpoint; `query` carries workspace_id (and nonce). */
export async function uploadFile<T = Record<string, unknown>>(
  srv: TestServer,
  token: string,
  bytes: Buffer,
  filename: string,
  type: string,
  query: string,
): Promise<Res<T>> {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), filename);
  const res = await fetch(`${srv.url}/api/uploads${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** A raw GET with full control of headers (fetch refuses to set Host). */
export function rawGet(
  srv: TestServer,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(srv.url + path, { method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A second connection to the server's database, for checks only the database can show. */
export interface TestSql {
  all<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T | undefined>;
  run(statement: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a second connection to the test server's database (SQLite file or PostgreSQL).
 * Statements use `?` placeholders on both dialects.
 */
export function sqlOf(srv: TestServer): TestSql {
  if (srv.store.dialect === 'postgres') {
    const pool = createPgPool(srv.dbUrl, 1);
    const numbered = (statement: string) => {
      let n = 0;
      return statement.replace(/\?/g, () => `$${++n}`);
    };
    const all = async <T>(statement: string, ...params: unknown[]) =>
      (await pool.query(numbered(statement), params)).rows as T[];
    return {
      all,
      get: async <T>(statement: string, ...params: unknown[]) =>
        (await all<T>(statement, ...params))[0],
      run: async (statement, ...params) => void (await all(statement, ...params)),
      close: () => pool.end(),
    };
  }
  const db = new Database(join(srv.dataDir, 'clickclack.db'));
  return {
    all: async <T>(statement: string, ...params: unknown[]) =>
      db.prepare(statement).all(...params) as T[],
    get: async <T>(statement: string, ...params: unknown[]) =>
      db.prepare(statement).get(...params) as T | undefined,
    run: async (statement, ...params) => void db.prepare(statement).run(...params),
    close: async () => void db.close(),
  };
}

export interface SignedIn {
  token: string;
  userId: string;
}

export interface Team {
  owner: SignedIn;
  members: SignedIn[];
  workspaceId: string;
  generalId: string;
}

/**
 * The bootstrap owner signed in, plus members who joined the default workspace through
 * real invites: the starting point most API tests share.
 */
export async function team(
  srv: TestServer,
  members: [email: string, name: string][],
): Promise<Team> {
  const owner = await signIn(srv, 'local@clickclack.chat');
  const ws = await api<{ workspaces: { id: string }[] }>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  const workspaceId = ws.body.workspaces[0]!.id;
  const joined: SignedIn[] = [];
  for (const [email, name] of members) {
    const who = await signIn(srv, email, name);
    const inv = await api<{ token: string }>(
      srv,
      'POST',
      `/api/workspaces/${workspaceId}/invites`,
      { token: owner.token, raw: '' },
    );
    await api(srv, 'POST', `/api/invites/${inv.body.token}/accept`, { token: who.token });
    joined.push(who);
  }
  const chs = await api<{ channels: { id: string; name: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${workspaceId}/channels`,
    {
      token: owner.token,
    },
  );
  return {
    owner,
    members: joined,
    workspaceId,
    generalId: chs.body.channels.find((c) => c.name === 'general')!.id,
  };
}

/**
 * Reads until `done` holds or `ms` pass, and returns the last reading either way, so the
 * caller's assertion shows what was there.
 */
export async function poll<T>(
  read: () => T | Promise<T>,
  done: (v: T) => boolean,
  ms = 8000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `ok()` holds; throws `timed out waiting for <what>` after `ms`. */
export async function until(what: string, ok: () => boolean, ms = 8000): Promise<void> {
  if (!(await poll(ok, Boolean, ms))) throw new Error(`timed out waiting for ${what}`);
}

/**
 * `api` as a signed-in caller (`call`), and `ok`, which fails the test unless the answer is
 * a 2xx and returns its body. `server` is read at each call (test files start it in before()).
 */
export function callersOf(server: () => TestServer) {
  const call = <T = Record<string, unknown>>(
    who: { token: string },
    method: string,
    path: string,
    body?: unknown,
  ) =>
    api<T>(server(), method, path, { token: who.token, ...(body !== undefined ? { body } : {}) });
  const ok = async <T = Record<string, unknown>>(
    who: { token: string },
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const res = await call<T>(who, method, path, body);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return { call, ok };
}
