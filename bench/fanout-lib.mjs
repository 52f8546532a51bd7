// Shared by fanout.mjs and postgres.mjs: many WebSocket clients, and a paced sender that
// measures delivery latency from the start of each POST to its receipt at every client.
import WebSocket from 'ws';
import { sleep, summarise } from './lib.mjs';

export async function openClients(n, url, headers) {
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
export async function drive(clients, post, count, rate, nonceOf) {
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

/** A `post(nonce)` for `drive`: one message with that nonce, through `srv`'s HTTP API. */
export const postMessage = (srv, channelId) => async (nonce) => {
  const r = await fetch(`${srv.url}/api/channels/${channelId}/messages`, {
    method: 'POST',
    headers: srv.auth,
    body: JSON.stringify({ body: `fanout benchmark message ${nonce}`, nonce }),
  });
  if (r.status !== 201) throw new Error(`post failed ${r.status}`);
  await r.arrayBuffer();
};

/** The nonce a `message.created` frame carries (the other frames carry none). */
export const messageNonce = (f) => (f.type === 'message.created' ? f.payload?.nonce : undefined);

/** A workspace's realtime socket URL on `baseUrl` (a node), starting after the current tail. */
export async function liveSocketUrl(srv, baseUrl = srv.url) {
  const tail = await (
    await fetch(
      `${srv.url}/api/realtime/events?workspace_id=${srv.workspaceId}&include_tail=true&limit=1`,
      { headers: srv.auth },
    )
  ).json();
  return `${baseUrl.replace('http', 'ws')}/api/realtime/ws?workspace_id=${srv.workspaceId}&after_cursor=${tail.tail_cursor}`;
}

/** Posts `count` messages at `rate` through `srv` and measures their delivery to `clients`. */
export const driveMessages = (clients, srv, count, rate) =>
  drive(clients, postMessage(srv, srv.channelId), count, rate, messageNonce);
