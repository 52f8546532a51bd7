// memory: server RSS with 0, 1,000 and 10,000 idle authenticated WebSocket connections
// (goal: ≤ 30 KB per connection). Clients run in this process; the server is separate.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { argValue, record, sleep, startServer, table } from './lib.mjs';

const sizes = argValue('size', '0,1000').split(',').map(Number);
const rss = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

const srv = await startServer();
const url = `${srv.url.replace('http', 'ws')}/api/realtime/ws?workspace_id=${srv.workspaceId}`;
const sockets = [];
const rows = [];
let baseline = 0;
for (const n of sizes) {
  while (sockets.length < n) {
    const batch = [];
    for (let i = 0; i < 100 && sockets.length + batch.length < n; i++) {
      batch.push(
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, {
            headers: { authorization: srv.auth.authorization },
            perMessageDeflate: false,
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
      );
    }
    sockets.push(...(await Promise.all(batch)));
  }
  await sleep(1000);
  const bytes = rss(srv.pid);
  if (n === 0) baseline = bytes;
  rows.push({
    connections: n,
    'rss MiB': bytes / 1048576,
    'KB per connection': n ? (bytes - baseline) / n / 1024 : 0,
  });
}
for (const ws of sockets) ws.terminate();
await srv.stop();
table('memory (idle authenticated sockets; goal: ≤ 30 KB per connection)', rows);
record('memory', { rows });
