// history: a channel with many messages, seeded straight into SQLite; p50/p99 of
// `GET /api/channels/{id}/messages?before_seq=<random>&limit=50` at each size (goal: flat,
// p99 ≤ 5 ms at 1M). Sizes are cumulative in one channel: --size 10000,100000,1000000.
// The newest page (no cursor) is timed at each size too. Then thread pages: 1,000 threads
// of 200 replies each are added to that channel, and
// `GET /api/messages/{root}/thread?after_seq=<random>&limit=50` is timed the same way.
// Baseline, the host's own floor: a bare Node http server in its own process answering with
// the bytes of one real page, timed by the same client in blocks that alternate with the
// page requests, so both see the same moments of a noisy host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  argValue,
  getJson,
  record,
  startConstantServer,
  startServer,
  summarise,
  table,
} from './lib.mjs';
import { seedMessages, seedReplies } from './seed.mjs';

const sizes = argValue('size', '10000,100000').split(',').map(Number);
// One p99 from 1,000 samples is its 10th-slowest request; on a 2-core host that moved
// by 2× between consecutive runs, so each figure takes 3,000.
const QUERIES = 3000;
// Discarded first: the server's JIT warm-up is not the steady-state cost of a page.
const WARMUP = 200;
const BLOCK = 100;

const srv = await startServer();
await srv.stop();

/**
 * Latency of `QUERIES` requests after `WARMUP`; `path()` gives each one's URL path. Blocks
 * of `BLOCK` alternate with as many requests to a bare server answering one such page's
 * bytes; resolves to `{ page, bare }` summaries.
 */
async function timePages(live, path, check) {
  const sample = await getJson(`${live.url}${path()}`, live.auth);
  const file = join(live.data, 'bench-page.json');
  writeFileSync(file, sample.text);
  const bare = await startConstantServer(file);
  const lat = { page: [], bare: [] };
  const targets = [
    { into: lat.page, url: () => `${live.url}${path()}`, headers: live.auth, check },
    { into: lat.bare, url: () => bare.url, headers: {}, check: () => true },
  ];
  try {
    for (let i = 0; i < WARMUP + QUERIES; i += BLOCK) {
      for (const t of targets) {
        for (let j = 0; j < BLOCK; j++) {
          const t0 = performance.now();
          const res = await getJson(t.url(), t.headers);
          if (res.status !== 200 || !t.check(res.body)) throw new Error(res.text);
          if (i >= WARMUP) t.into.push(performance.now() - t0);
        }
      }
    }
  } finally {
    bare.stop();
  }
  return { page: summarise(lat.page), bare: summarise(lat.bare) };
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
    'p50 ms': s.page.p50,
    'p99 ms': s.page.p99,
    'max ms': s.page.max,
    'bare p50 ms': s.bare.p50,
    'bare p99 ms': s.bare.p99,
    'newest p50 ms': newest.page.p50,
    'newest p99 ms': newest.page.p99,
  });
}
table(
  `history (${QUERIES} random pages of 50 after ${WARMUP} warm-up; bare: the same bytes from a bare http server; goal: flat, p99 ≤ 5 ms at 1M)`,
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
  'p50 ms': t.page.p50,
  'p99 ms': t.page.p99,
  'max ms': t.page.max,
  'bare p99 ms': t.bare.p99,
};
table(`history, thread pages (${THREADS} threads of ${PER_THREAD} replies; pages of 50)`, [
  threadRow,
]);
record('history', { rows, threads: threadRow });
