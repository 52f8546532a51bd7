import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import {
  createPgTestDatabase,
  dropPgTestDatabase,
  pgTestDatabaseUrl,
  TEST_PG_URL,
} from './helpers.js';
import { cliOk, runCli, startServer, type RunningServer } from './processes.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reading of the Prometheus text exposition format (0.0.4): every line is empty,
 * a `# HELP`/`# TYPE` comment or `name{label="value",…} number`; anything else fails.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Set<string>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleLine = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(?:,|$)/gy;
  assert.ok(text.endsWith('\n'), 'exposition ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue; // the format ignores empty lines
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(
      line,
    );
    if (type) {
      typed.add(type[1]!);
      continue;
    }
    if (new RegExp(`^# HELP ${NAME} .*$`).test(line)) continue;
    const m = sampleLine.exec(line);
    assert.ok(m, `not an exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      label.lastIndex = 0;
      let consumed = 0;
      for (let l = label.exec(m[2]); l; l = label.exec(m[2])) {
        labels[l[1]!] = l[2]!;
        consumed = label.lastIndex;
      }
      assert.equal(consumed, m[2].length, `bad labels: ${line}`);
    }
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    // Prometheus reads values with Go's ParseFloat: NaN in any case (prom-client writes Nan).
    assert.ok(/^nan$/i.test(m[3]!) || !Number.isNaN(value), `bad value: ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count|created)$/, '');
    assert.ok(typed.has(m[1]!) || typed.has(family), `sample before its # TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

async function signInWithCli(srv: RunningServer, dbArgs: string[]): Promise<string> {
  const magic = await cliOk([
    'admin',
    'magic-link',
    'create',
    '--data',
    srv.dataDir,
    ...dbArgs,
    '--email',
    'ops@x.io',
  ]);
  const res = await fetch(`${srv.url}/api/auth/magic/consume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: magic }),
  });
  return ((await res.json()) as { token: string }).token;
}

test('serve --metrics-enabled without a token or its own address refuses to start', async () => {
  const data = mkdtempSync(join(tmpdir(), 'cc-metrics-'));
  try {
    const r = await runCli(['serve', '--addr', '127.0.0.1:0', '--data', data, '--metrics-enabled']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metrics_enabled needs metrics_token .* or metrics_addr/);
    const short = await runCli(['serve', '--data', data, '--metrics-token', 'short']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /metrics_token must be at least 16 characters/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('with only --metrics-addr, the API port has no /metrics and the metrics port needs no token', async () => {
  const data = mkdtempSync(join(tmpdir(), 'cc-metrics-'));
  const srv = await startServer({
    dataDir: data,
    args: ['--metrics-enabled', '--metrics-addr', '127.0.0.1:0'],
  });
  try {
    assert.equal((await fetch(`${srv.url}/metrics`)).status, 404);
    const metricsUrl = /metrics on (http:\/\/\S+)/.exec(srv.log())?.[1];
    assert.ok(metricsUrl, srv.log());
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    const samples = parseExposition(await res.text());
    assert.equal(find(samples, 'clickclack_websockets_open')[0]?.value, 0);
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/api/me'))).status, 404);
  } finally {
    await srv.cleanup();
  }
});

/**
 * The real `serve` with metrics on both its listener (bearer token) and a metrics address of
 * its own, and an access log file: traffic, an open WebSocket, then a scrape of each.
 */
test('metrics after real traffic, and an access log without secrets', async () => {
  const data = mkdtempSync(join(tmpdir(), 'cc-metrics-'));
  const dbArgs = TEST_PG_URL ? ['--db', await createPgTestDatabase(data)] : [];
  const accessLog = join(data, 'logs', 'access.log');
  const srv = await startServer({
    dataDir: data,
    // Fastify's own request lines (full URLs) must stay off even at info level.
    env: { CLICKCLACK_LOG_LEVEL: 'info' },
    args: [
      ...dbArgs,
      '--metrics-enabled',
      '--metrics-token',
      METRICS_TOKEN,
      '--metrics-addr',
      '127.0.0.1:0',
      '--access-log',
      accessLog,
    ],
  });
  let ws: WebSocket | undefined;
  try {
    const token = await signInWithCli(srv, dbArgs);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const made = await fetch(`${srv.url}/api/workspaces`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Ops' }),
    });
    assert.equal(made.status, 201);
    const { workspace } = (await made.json()) as { workspace: { id: string } };
    const ch = await fetch(`${srv.url}/api/workspaces/${workspace.id}/channels`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'ops-room' }),
    });
    assert.equal(ch.status, 201);
    const { channel } = (await ch.json()) as { channel: { id: string } };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${srv.url}/api/channels/${channel.id}/messages`, {
          method: 'POST',
          headers: { ...auth, 'x-correlation-id': `ops-corr-${i}` },
          body: JSON.stringify({ body: `hello ${i}`, nonce: `n-${i}` }),
        }).then((r) => assert.equal(r.status, 201)),
      ),
    );
    // A token in a query string and an unknown URL: neither may reach a label or a log line.
    const leaky = await fetch(
      `${srv.url}/api/workspaces/${workspace.id}/channels?token=query-secret-abc123`,
      { headers: { ...auth, cookie: 'cc_session=cookie-secret-xyz789' } },
    );
    assert.equal(leaky.status, 200);
    assert.equal((await fetch(`${srv.url}/no/such/path-secret-404`)).status, 404);

    ws = new WebSocket(
      `${srv.url.replace('http', 'ws')}/api/realtime/ws?workspace_id=${workspace.id}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    await new Promise<void>((resolve, reject) => {
      ws!.once('open', () => resolve());
      ws!.once('error', reject);
    });

    // The API listener answers /metrics only to the metrics token.
    assert.equal((await fetch(`${srv.url}/metrics`)).status, 401);
    const wrong = await fetch(`${srv.url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(wrong.status, 401);
    assert.match(((await wrong.json()) as { error: string }).error, /metrics bearer token/);
    const metricsUrl = /metrics on (http:\/\/\S+)/.exec(srv.log())?.[1];
    assert.ok(metricsUrl, srv.log());
    for (const url of [`${srv.url}/metrics`, metricsUrl]) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const samples = parseExposition(await res.text());
      const posts = find(samples, 'clickclack_http_requests_total', {
        method: 'POST',
        route: '/api/channels/:channel_id/messages',
        status: '201',
      });
      assert.equal(posts[0]?.value, 10);
      const latency = find(samples, 'clickclack_http_request_duration_seconds_count', {
        route: '/api/channels/:channel_id/messages',
      });
      assert.equal(latency[0]?.value, 10);
      assert.equal(
        find(samples, 'clickclack_http_requests_total', { route: 'unmatched', status: '404' })[0]
          ?.value,
        1,
      );
      // Route patterns only: no id, token or unknown path ever becomes a label value.
      for (const s of samples)
        for (const v of Object.values(s.labels))
          assert.doesNotMatch(v, /wsp_|chn_|secret|sst_/i, `${s.name} ${v}`);
      assert.equal(find(samples, 'clickclack_websockets_open')[0]?.value, 1);
      const batches = find(samples, 'clickclack_group_commit_batch_size_count')[0]?.value ?? 0;
      const batched = find(samples, 'clickclack_group_commit_batch_size_sum')[0]?.value ?? 0;
      assert.ok(batches >= 1 && batched >= 12, `${batches} commits of ${batched} writes`);
      assert.ok(
        (find(samples, 'clickclack_group_commit_duration_seconds_count')[0]?.value ?? 0) >= 1,
      );
      const age = find(samples, 'clickclack_event_log_newest_age_seconds')[0]?.value;
      assert.ok(age !== undefined && age >= 0 && age < 120, `newest event age ${age}`);
      assert.equal(find(samples, 'clickclack_event_deliveries_pending')[0]?.value, 0);
      assert.equal(find(samples, 'clickclack_event_deliveries_lag_seconds')[0]?.value, 0);
      assert.equal(find(samples, 'clickclack_event_deliveries_in_flight')[0]?.value, 0);
      const pool = find(samples, 'clickclack_db_pool_connections');
      if (TEST_PG_URL) {
        const total = find(pool, 'clickclack_db_pool_connections', { state: 'total' })[0];
        assert.ok(total && total.value >= 1 && total.value <= 10, JSON.stringify(pool));
        assert.equal(find(pool, 'clickclack_db_pool_connections', { state: 'waiting' }).length, 1);
      } else {
        assert.equal(pool.length, 0, 'SQLite has no pool');
      }
    }

    // The access log: one JSON line per answered request, route patterns, no secrets.
    assert.equal(statSync(accessLog).mode & 0o777, 0o600);
    const text = readFileSync(accessLog, 'utf8');
    assert.doesNotMatch(srv.log(), /query-secret|incoming request/, 'the server log');
    for (const secret of [token, 'query-secret', 'cookie-secret', 'path-secret', METRICS_TOKEN])
      assert.ok(!text.includes(secret), `access log leaks ${secret}`);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const post = lines.find((l) => l.correlation_id === 'ops-corr-3');
    assert.ok(post, text);
    assert.equal(post.method, 'POST');
    assert.equal(post.route, '/api/channels/:channel_id/messages');
    assert.equal(post.status, 201);
    assert.equal(typeof post.ms, 'number');
    assert.equal(post.request_id, 'ops-corr-3');
    assert.equal(post.msg, 'request');
    assert.equal(typeof post.time, 'string');
    const listed = lines.find(
      (l) => l.route === '/api/workspaces/:workspace_id/channels' && l.method === 'GET',
    );
    assert.ok(listed && listed.correlation_id === null && typeof listed.request_id === 'string');
    assert.ok(lines.some((l) => l.route === 'unmatched' && l.status === 404));
    assert.ok(lines.some((l) => l.route === '/metrics' && l.status === 401));
  } finally {
    ws?.close();
    await srv.cleanup();
    if (TEST_PG_URL) await dropPgTestDatabase(data);
  }
});

/**
 * /readyz on PostgreSQL: the server's database refuses connections (its existing ones
 * terminated), then takes them again. Only this test's own database is touched.
 */
test(
  'readyz answers 503 while PostgreSQL is unreachable and recovers',
  { skip: !TEST_PG_URL },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'cc-ready-'));
    const dbUrl = await createPgTestDatabase(data);
    const { name } = pgTestDatabaseUrl(data);
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const srv = await startServer({ dataDir: data, args: ['--db', dbUrl] });
    try {
      const ready = async () => {
        const res = await fetch(`${srv.url}/readyz`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      assert.deepEqual(await ready(), { status: 200, body: { ok: true } });

      // A database that holds the probe (here a lock on the table it reads) gets a 503 in
      // bounded time, not a probe that hangs with it.
      const locker = new pg.Client({ connectionString: dbUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE');
        const asked = Date.now();
        const held = await ready();
        assert.equal(held.status, 503);
        assert.equal(held.body.error, 'database did not answer in time');
        assert.ok(Date.now() - asked < 5000, `readyz took ${Date.now() - asked} ms`);
        await locker.query('ROLLBACK');
      } finally {
        await locker.end();
      }
      assert.deepEqual(await ready(), { status: 200, body: { ok: true } });

      // Refused: no connections to this database, the open ones terminated.
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
      const down = await ready();
      assert.equal(down.status, 503);
      assert.match(String(down.body.error), /^database (unreachable|did not answer in time)$/);
      assert.equal((await fetch(`${srv.url}/healthz`)).status, 200, 'the process itself is alive');
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      const deadline = Date.now() + 10_000;
      let up = await ready();
      while (up.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        up = await ready();
      }
      assert.deepEqual(up, { status: 200, body: { ok: true } });
      assert.ok(srv.alive(), srv.log());
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await srv.cleanup();
      await dropPgTestDatabase(data);
    }
  },
);

/**
 * /readyz on SQLite: the database file moved away under a running server (SQLite would go
 * on writing to the moved file, and lose it all at the next start) is not ready; moved back,
 * it is again.
 */
test('readyz answers 503 while the SQLite database file is gone and recovers', async () => {
  const data = mkdtempSync(join(tmpdir(), 'cc-ready-'));
  const srv = await startServer({ dataDir: data });
  try {
    const ready = async () => {
      const res = await fetch(`${srv.url}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await ready(), { status: 200, body: { ok: true } });
    const file = join(data, 'clickclack.db');
    renameSync(file, `${file}.moved`);
    assert.deepEqual(await ready(), {
      status: 503,
      body: { error: 'database unreachable', code: 'internal' },
    });
    renameSync(`${file}.moved`, file);
    assert.deepEqual(await ready(), { status: 200, body: { ok: true } });
  } finally {
    await srv.cleanup();
  }
});
