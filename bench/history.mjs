// history: a channel with many messages, seeded straight into SQLite; p50/p99 of
// `GET /api/channels/{id}/messages?before_seq=<random>&limit=50` at each size (goal: flat,
// p99 ≤ 5 ms at 1M). Sizes are cumulative in one channel: --size 10000,100000,1000000.
import { argValue, getJson, record, startServer, summarise, table } from './lib.mjs';
import { seedMessages } from './seed.mjs';

const sizes = argValue('size', '10000,100000').split(',').map(Number);
const QUERIES = 1000;
// Discarded first: the server's JIT warm-up is not the steady-state cost of a page.
const WARMUP = 200;

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
  for (let i = 0; i < WARMUP + QUERIES; i++) {
    const before = 51 + Math.floor(Math.random() * (size - 50));
    const t0 = performance.now();
    const res = await getJson(
      `${live.url}/api/channels/${srv.channelId}/messages?before_seq=${before}&limit=50`,
      live.auth,
    );
    if (res.status !== 200 || res.body.messages.length !== 50) throw new Error(res.text);
    if (i >= WARMUP) lat.push(performance.now() - t0);
  }
  await live.stop();
  const s = summarise(lat);
  rows.push({ messages: size, 'p50 ms': s.p50, 'p99 ms': s.p99, 'max ms': s.max });
}
table(
  `history (${QUERIES} random pages of 50 after ${WARMUP} warm-up; goal: flat, p99 ≤ 5 ms at 1M)`,
  rows,
);
record('history', { rows });
