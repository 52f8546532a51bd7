// fanout: N WebSocket clients on one workspace while a sender posts messages over HTTP at
// a fixed rate. Latency is from POST start to receipt at each client. The same run drives a
// bare `ws` broadcast server (baseline) with frames of the same size.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { drive, driveMessages, liveSocketUrl, openClients } from './fanout-lib.mjs';
import { argValue, record, ROOT, startServer, table } from './lib.mjs';

const sizes = (argValue('size', '100,1000') ?? '').split(',').map(Number);
const RATE = Number(argValue('rate', '50'));
const SECONDS = Number(argValue('seconds', '4'));

async function clickclack(n) {
  const srv = await startServer();
  const clients = await openClients(n, await liveSocketUrl(srv), {
    authorization: srv.auth.authorization,
  });
  const res = await driveMessages(clients, srv, RATE * SECONDS, RATE);
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
