// fanout: N WebSocket clients on one workspace while a sender posts messages over HTTP at
// a fixed rate. Latency is from POST start to receipt at each client. The same run drives a
// bare `ws` broadcast server (baseline) with frames of the same size.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { argValue, record, ROOT, sleep, startServer, summarise, table } from './lib.mjs';

const sizes = (argValue('size', '100,1000') ?? '').split(',').map(Number);
const RATE = Number(argValue('rate', '50'));
const SECONDS = Number(argValue('seconds', '4'));

async function openClients(n, url, headers) {
  const clients = [];
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 50); j++) {
      batch.push(
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { headers, perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
      );
    }
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** Sends `count` messages at `rate`/s via `post(i)`, listening on every client for nonce i. */
async function drive(clients, post, count, rate, nonceOf) {
  const started = new Map();
  const latencies = [];
  const seen = clients.map(() => new Set());
  let dup = 0;
  let frameBytes = 0;
  clients.forEach((ws, ci) => {
    ws.on('message', (data) => {
      const now = performance.now();
      const nonce = nonceOf(JSON.parse(data.toString()));
      if (nonce === undefined || !started.has(nonce)) return;
      frameBytes = data.length;
      if (seen[ci].has(nonce)) dup++;
      seen[ci].add(nonce);
      latencies.push(now - started.get(nonce));
    });
  });
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const nonce = `fanout-${i}`;
    started.set(nonce, performance.now());
    inflight.push(post(nonce));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  const expected = count * clients.length;
  const deadline = performance.now() + 15000;
  while (latencies.length - dup < expected && performance.now() < deadline) await sleep(50);
  for (const ws of clients) ws.removeAllListeners('message');
  return {
    ...summarise(latencies),
    lost: expected - (latencies.length - dup),
    dup,
    msgsPerSec: count / elapsed,
    frameBytes,
  };
}

async function clickclack(n) {
  const srv = await startServer();
  const tail = await (
    await fetch(
      `${srv.url}/api/realtime/events?workspace_id=${srv.workspaceId}&include_tail=true&limit=1`,
      { headers: srv.auth },
    )
  ).json();
  const wsUrl = `${srv.url.replace('http', 'ws')}/api/realtime/ws?workspace_id=${srv.workspaceId}&after_cursor=${tail.tail_cursor}`;
  const clients = await openClients(n, wsUrl, { authorization: srv.auth.authorization });
  const res = await drive(
    clients,
    async (nonce) => {
      const r = await fetch(`${srv.url}/api/channels/${srv.channelId}/messages`, {
        method: 'POST',
        headers: srv.auth,
        body: JSON.stringify({ body: `fanout benchmark message ${nonce}`, nonce }),
      });
      if (r.status !== 201) throw new Error(`post failed ${r.status}`);
      await r.arrayBuffer();
    },
    RATE * SECONDS,
    RATE,
    (f) => (f.type === 'message.created' ? f.payload?.nonce : undefined),
  );
  for (const ws of clients) ws.terminate();
  await srv.stop();
  return res;
}

async function baseline(n, frameBytes) {
  const child = spawn(process.execPath, [join(ROOT, 'bench/baseline/ws-broadcast.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve(d.toString().trim())),
  );
  const clients = await openClients(n, url.replace('http', 'ws'), {});
  const res = await drive(
    clients,
    async (nonce) => {
      const frame = JSON.stringify({ nonce, pad: '' });
      const padded = JSON.stringify({
        nonce,
        pad: 'x'.repeat(Math.max(0, frameBytes - frame.length)),
      });
      const r = await fetch(url, { method: 'POST', body: padded });
      await r.arrayBuffer();
    },
    RATE * SECONDS,
    RATE,
    (f) => f.nonce,
  );
  for (const ws of clients) ws.terminate();
  child.kill();
  return res;
}

const rows = [];
for (const n of sizes) {
  const cc = await clickclack(n);
  const base = await baseline(n, cc.frameBytes || 300);
  rows.push(
    { target: 'clickclack', clients: n, ...cc, 'p99/base': cc.p99 / base.p99 },
    { target: 'bare ws', clients: n, ...base, 'p99/base': 1 },
  );
}
const shown = rows.map((r) => ({
  target: r.target,
  clients: r.clients,
  'msgs/s': r.msgsPerSec,
  'p50 ms': r.p50,
  'p99 ms': r.p99,
  'max ms': r.max,
  lost: r.lost,
  dup: r.dup,
  'p99 ratio': r['p99/base'],
}));
table(
  `fanout (${RATE} msgs/s for ${SECONDS}s; goal: p99 ≤ 2× bare ws at 1,000 clients, 0 lost, 0 dup)`,
  shown,
);
record('fanout', { rate: RATE, seconds: SECONDS, rows: shown });
