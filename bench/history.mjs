// history: a channel with many messages, seeded straight into SQLite; p50/p99 of
// `GET /api/channels/{id}/messages?before_seq=<random>&limit=50` at each size (goal: flat,
// p99 ≤ 5 ms at 1M). Sizes are cumulative in one channel: --size 10000,100000,1000000.
// The newest page (no cursor) is timed at each size too. Then thread pages: 1,000 threads
// of 200 replies each are added to that channel, and
// `GET /api/messages/{root}/thread?after_seq=<random>&limit=50` is timed the same way.
import { argValue, getJson, record, startServer, summarise, table } from './lib.mjs';
import { seedMessages, seedReplies } from './seed.mjs';

const sizes = argValue('size', '10000,100000').split(',').map(Number);
const QUERIES = 1000;
// Discarded first: the server's JIT warm-up is not the steady-state cost of a page.
const WARMUP = 200;

const srv = await startServer();
await srv.stop();

/** Latency of `QUERIES` requests after `WARMUP`; `path()` gives each one's URL path. */
async function timePages(live, path, check) {
  const lat = [];
  for (let i = 0; i < WARMUP + QUERIES; i++) {
    const t0 = performance.now();
    const res = await getJson(`${live.url}${path()}`, live.auth);
    if (res.status !== 200 || !check(res.body)) throw new Error(res.text);
    if (i >= WARMUP) lat.push(performance.now() - t0);
  }
  return summarise(lat);
}

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
  const s = await timePages(
    live,
    () =>
      `/api/channels/${srv.channelId}/messages?before_seq=${51 + Math.floor(Math.random() * (size - 50))}&limit=50`,
    (body) => body.messages.length === 50,
  );
  // The page a client opens a channel with: no cursor, the newest 50.
  const newest = await timePages(
    live,
    () => `/api/channels/${srv.channelId}/messages?limit=50`,
    (body) => body.messages.length === 50,
  );
  await live.stop();
  rows.push({
    messages: size,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'max ms': s.max,
    'newest p50 ms': newest.p50,
    'newest p99 ms': newest.p99,
  });
}
table(
  `history (${QUERIES} random pages of 50 after ${WARMUP} warm-up; goal: flat, p99 ≤ 5 ms at 1M)`,
  rows,
);

const THREADS = 1000;
const PER_THREAD = 200;
const roots = seedReplies(srv.data, srv.channelId, THREADS, PER_THREAD);
const live = await startServer({ dataDir: srv.data, reuse: true });
const t = await timePages(
  live,
  () =>
    `/api/messages/${roots[Math.floor(Math.random() * roots.length)]}/thread?after_seq=${Math.floor(Math.random() * (PER_THREAD - 50))}&limit=50`,
  (body) => body.replies.length === 50,
);
await live.stop();
const threadRow = {
  'channel messages': seeded,
  replies: THREADS * PER_THREAD,
  'p50 ms': t.p50,
  'p99 ms': t.p99,
  'max ms': t.max,
};
table(`history, thread pages (${THREADS} threads of ${PER_THREAD} replies; pages of 50)`, [
  threadRow,
]);
record('history', { rows, threads: threadRow });
