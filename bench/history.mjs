// history: a channel with many messages, seeded straight into SQLite; p50/p99 of
// `GET /api/channels/{id}/messages?before_seq=<random>&limit=50` at each size (goal: flat,
// p99 ≤ 5 ms at 1M). Sizes are cumulative in one channel: --size 10000,100000,1000000.
import { argValue, record, startServer, summarise, table } from './lib.mjs';
import { seedMessages } from './seed.mjs';

const sizes = argValue('size', '10000,100000').split(',').map(Number);
const QUERIES = 500;

const srv = await startServer();
await srv.stop();
let seeded = 0;
const rows = [];
for (const size of sizes) {
  seedMessages(
    srv.data,
    srv.channelId,
    seeded + 1,
    size,
    (seq) => `seeded message number ${seq} about rockets and deploys`,
  );
  seeded = size;
  const live = await startServer({ dataDir: srv.data, reuse: true });
  const lat = [];
  for (let i = 0; i < QUERIES; i++) {
    const before = 51 + Math.floor(Math.random() * (size - 50));
    const t0 = performance.now();
    const res = await fetch(
      `${live.url}/api/channels/${srv.channelId}/messages?before_seq=${before}&limit=50`,
      { headers: live.auth },
    );
    await res.arrayBuffer();
    lat.push(performance.now() - t0);
  }
  await live.stop();
  const s = summarise(lat);
  rows.push({ messages: size, 'p50 ms': s.p50, 'p99 ms': s.p99, 'max ms': s.max });
}
table(`history (${QUERIES} random pages of 50; goal: flat, p99 ≤ 5 ms at 1M)`, rows);
record('history', { rows });
