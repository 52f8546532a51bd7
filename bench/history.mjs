// history: a channel with many messages, seeded straight into SQLite; p50/p99 of
// `GET /api/channels/{id}/messages?before_seq=<random>&limit=50` at each size (goal: flat,
// p99 ≤ 5 ms at 1M). Sizes are cumulative in one channel: --size 10000,100000,1000000.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { argValue, record, startServer, summarise, table } from './lib.mjs';

const sizes = argValue('size', '10000,100000').split(',').map(Number);
const QUERIES = 500;

function seed(dataDir, channelId, from, to) {
  const db = new Database(join(dataDir, 'clickclack.db'));
  db.pragma('journal_mode = WAL');
  const { workspace_id: ws } = db
    .prepare('SELECT workspace_id FROM channels WHERE id = ?')
    .get(channelId);
  const author = db.prepare('SELECT id FROM users ORDER BY created_at LIMIT 1').get().id;
  const ins = db.prepare(
    'INSERT INTO messages (id, workspace_id, channel_id, author_id, thread_root_id, channel_seq, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const state = db.prepare('INSERT INTO thread_state (root_message_id) VALUES (?)');
  const batch = db.transaction((a, b) => {
    for (let seq = a; seq <= b; seq++) {
      const id = `msg_seed${String(seq).padStart(10, '0')}`;
      ins.run(
        id,
        ws,
        channelId,
        author,
        id,
        seq,
        `seeded message number ${seq} about rockets and deploys`,
        new Date().toISOString(),
      );
      state.run(id);
    }
  });
  for (let a = from; a <= to; a += 50_000) batch(a, Math.min(to, a + 49_999));
  db.prepare('UPDATE channels SET last_seq = ? WHERE id = ?').run(to, channelId);
  db.close();
}

const srv = await startServer();
await srv.stop();
let seeded = 0;
const rows = [];
for (const size of sizes) {
  seed(srv.data, srv.channelId, seeded + 1, size);
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
