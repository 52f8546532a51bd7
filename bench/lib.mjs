// Shared helpers for benchmarks: start the real server as a separate process, mint a
// session, percentile maths, and a results file.
import { spawn, spawnSync } from 'node:child_process';
import { Agent, get } from 'node:http';
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_BIN: another build's binary (an older checkout's), for before/after runs in one sitting.
export const BIN = process.env.BENCH_BIN ?? join(ROOT, 'packages/server/bin/clickclack.js');

export function cli(args, env = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`clickclack ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Starts `clickclack serve` on a loopback port over a fresh data dir; `opts.env` (e.g.
 * CLICKCLACK_DB) applies to it and to the admin commands that bootstrap and sign in.
 */
export async function startServer(opts = {}) {
  const extraArgs = opts.args ?? [];
  const env = opts.env ?? {};
  const data = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cc-bench-'));
  if (!opts.reuse) {
    cli(
      [
        'admin',
        'bootstrap',
        '--name',
        'Bench Owner',
        '--email',
        'bench@example.com',
        '--data',
        data,
      ],
      env,
    );
  }
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // One bench user sends thousands of messages a second and holds hundreds of sockets:
  // throughput, not abuse, is measured.
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      BIN,
      'serve',
      '--addr',
      '127.0.0.1:0',
      '--data',
      data,
      '--rate-limits',
      'off',
      '--ws-connections-per-user',
      '100000',
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env, CLICKCLACK_LOG_LEVEL: 'error' },
    },
  );
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (c) => {
      buf += c.toString();
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${buf}`)));
  });
  const { session, auth } = await signIn(url, data, 'bench@example.com', env);
  const ws = (await (await fetch(`${url}/api/workspaces`, { headers: auth })).json()).workspaces[0];
  const channels = (
    await (await fetch(`${url}/api/workspaces/${ws.id}/channels`, { headers: auth })).json()
  ).channels;
  return {
    url,
    data,
    pid: child.pid,
    session,
    auth,
    workspaceId: ws.id,
    channelId: channels.find((c) => c.name === 'general').id,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** A bearer session for an existing user, through a magic link minted by `admin`. */
export async function signIn(url, data, email, env = {}) {
  const token = cli(['admin', 'magic-link', 'create', '--email', email, '--data', data], env);
  const res = await fetch(`${url}/api/auth/magic/consume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const session = (await res.json()).token;
  return {
    session,
    auth: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarise(values) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
  };
}

export function table(title, rows) {
  console.log(`\n## ${title}`);
  const cols = Object.keys(rows[0] ?? {});
  const fmt = (v) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => fmt(r[c]).padEnd(widths[i])).join('  '));
}

/** Merges one benchmark's figures into bench/results/latest.json (git-ignored). */
export function record(name, figures) {
  const file = join(ROOT, 'bench/results/latest.json');
  mkdirSync(dirname(file), { recursive: true });
  let all = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // first run
  }
  all[name] = { at: new Date().toISOString(), ...figures };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/**
 * Starts bench/baseline/http-constant.mjs as its own process (answering with `bodyFile`'s
 * bytes if given); resolves to `{ url, stop }`.
 */
export async function startConstantServer(bodyFile) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench/baseline/http-constant.mjs'), ...(bodyFile ? [bodyFile] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve(d.toString().trim())),
  );
  return { url, stop: () => child.kill() };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function argValue(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > -1 ? process.argv[i + 1] : def;
}

// One kept-alive connection for latency loops. Node's fetch (undici) adds its own jitter:
// against a bare http server answering a constant body it showed p99 ~4 ms where this
// client shows ~1.5 ms, which would be charged to the server under test.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** GET a JSON document over node:http; resolves to `{ status, body }` (body parsed). */
export function getJson(url, headers = {}) {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined, text });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * POSTs to `url` from `connections` autocannon connections for `seconds`; `body` is the
 * JSON text, or a function of the request's number giving each request its own.
 */
export function load(url, headers, body, { connections, seconds }) {
  let n = 0;
  const requests =
    typeof body === 'function'
      ? [{ method: 'POST', setupRequest: (req) => ({ ...req, body: body(n++) }) }]
      : undefined;
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', headers, body, requests, connections, duration: seconds },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}
