// send: N concurrent clients POST messages (each with its own nonce) with bearer tokens for
// a fixed time; every response is sent after the message and its event committed.
// Baselines: a bare Node http server driven the same way, and the raw better-sqlite3
// ceiling for the same transaction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { argValue, load, record, startConstantServer, startServer, table } from './lib.mjs';

const CONNECTIONS = Number(argValue('size', '64'));
const SECONDS = Number(argValue('seconds', '10'));

const row = (target, r) => ({
  target,
  'req/s': r.requests.average,
  'p50 ms': r.latency.p50,
  'p99 ms': r.latency.p99,
  errors: r.errors + r.non2xx,
});

const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const srv = await startServer({
  args: ['--metrics-enabled', 'true', '--metrics-token', METRICS_TOKEN],
});
// Each post carries its own nonce, as agents send them (client-compat.md); all bodies have
// one size, which the baseline's constant body matches.
const TEXT = 'benchmark message '.repeat(4);
const nonce = (i) => `bench-${String(i).padStart(12, '0')}`;
const post = (i) => JSON.stringify({ body: TEXT, nonce: nonce(i) });
const body = post(0);
// CPU seconds the server process spent (Linux; NaN elsewhere). On a shared host the
// throughput swings with what else runs; CPU per post does much less.
const cpuSeconds = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ ticks
  } catch {
    return NaN;
  }
};
const seqOf = async () =>
  (await (await fetch(`${srv.url}/api/channels/${srv.channelId}`, { headers: srv.auth })).json())
    .channel.last_seq;
const seqBefore = await seqOf();
const cpuBefore = cpuSeconds(srv.pid);
const cc = await load(`${srv.url}/api/channels/${srv.channelId}/messages`, srv.auth, post, {
  connections: CONNECTIONS,
  seconds: SECONDS,
});
const cpuDuring = cpuSeconds(srv.pid) - cpuBefore;
const committed = await (
  await fetch(`${srv.url}/api/channels/${srv.channelId}`, { headers: srv.auth })
).json();
const serverCpuPerPost = (cpuDuring / (committed.channel.last_seq - seqBefore)) * 1e6;
// The server's own group commits under this load: how many posts each carried, and how
// many INSERT/UPDATE/DELETE statements each ran.
const metrics = await (
  await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
).text();
const metric = (name) => Number(metrics.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
const commits = metric('clickclack_group_commit_batch_size_count');
const avgBatch = metric('clickclack_group_commit_batch_size_sum') / commits;
const avgWrites = metric('clickclack_group_commit_write_statements_sum') / commits;
await srv.stop();

const bare = await startConstantServer();
const base = await load(bare.url, { 'content-type': 'application/json' }, body, {
  connections: CONNECTIONS,
  seconds: SECONDS,
});
bare.stop();

// The same write ClickClack does per message (nonce check, seq bump, message, the author's
// read pointer, event), raw.
const db = new Database(join(srv.data, 'clickclack.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const ws = db
  .prepare('SELECT workspace_id FROM channels WHERE id = ?')
  .get(srv.channelId).workspace_id;
const author = db.prepare('SELECT id FROM users ORDER BY created_at LIMIT 1').get().id;
const bump = db.prepare(
  'UPDATE channels SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq',
);
const insert = db.prepare(
  'INSERT INTO messages (id, workspace_id, channel_id, author_id, thread_root_id, channel_seq, body, client_nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const replayed = db.prepare(
  "SELECT id FROM messages WHERE author_id = ? AND client_nonce = ? AND client_nonce <> ''",
);
const read = db.prepare(
  'INSERT INTO channel_reads (channel_id, user_id, last_read_seq, last_read_at) VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, user_id) DO UPDATE SET last_read_seq = excluded.last_read_seq, last_read_at = excluded.last_read_at WHERE channel_reads.last_read_seq < excluded.last_read_seq',
);
// The payload the server wrote for its last post (the message as the wire shows it), so
// the raw loop writes as many event bytes as the server does.
const payload = db
  .prepare(
    "SELECT payload_json FROM events WHERE type = 'message.created' ORDER BY cursor DESC LIMIT 1",
  )
  .get().payload_json;
const event = db.prepare(
  "INSERT INTO events (id, cursor, workspace_id, channel_id, type, seq, payload_json, created_at) VALUES (?, ?, ?, ?, 'message.created', ?, ?, ?)",
);
const one = (i) => {
  const seq = bump.get(srv.channelId).last_seq;
  const id = `msg_raw${i}`;
  const at = new Date().toISOString();
  replayed.get(author, `raw-${nonce(i)}`);
  insert.run(id, ws, srv.channelId, author, id, seq, TEXT, `raw-${nonce(i)}`, at);
  read.run(srv.channelId, author, seq, at);
  event.run(
    `evt_raw${i}`,
    `cur_zzzz${String(i).padStart(22, '0')}`,
    ws,
    srv.channelId,
    seq,
    payload,
    at,
  );
};
// The ceiling for one commit per message, and for commits shared by 32 messages (what
// group commit does under this load).
const perSecond = (n, fn) => {
  const t0 = performance.now();
  fn();
  return n / ((performance.now() - t0) / 1000);
};
const n = 10000;
const single = db.transaction(one);
const rawPerSec = perSecond(n, () => {
  for (let i = 0; i < n; i++) single.immediate(i);
});
const batch = db.transaction((b) => {
  for (let j = 0; j < 32; j++) one(n + b * 32 + j);
});
const rawBatchedPerSec = perSecond(n, () => {
  for (let b = 0; b < n / 32; b++) batch.immediate(b);
});
// The ceiling at the batch size the server actually reached in this run.
const serverBatch = Math.max(1, Math.round(avgBatch));
const atServerBatch = db.transaction((b) => {
  for (let j = 0; j < serverBatch; j++) one(4 * n + b * serverBatch + j);
});
const batches = Math.floor(n / serverBatch);
const rawCpu = process.cpuUsage();
const rawServerBatchPerSec = perSecond(batches * serverBatch, () => {
  for (let b = 0; b < batches; b++) atServerBatch.immediate(b);
});
const rawCpuUsed = process.cpuUsage(rawCpu);
const rawCpuPerPost = (rawCpuUsed.user + rawCpuUsed.system) / (batches * serverBatch);
db.close();

const rows = [
  row('clickclack', cc),
  row('bare http', base),
  { target: 'raw sqlite, 1 tx/msg', 'req/s': rawPerSec, 'p50 ms': '-', 'p99 ms': '-', errors: 0 },
  {
    target: 'raw sqlite, 32 msgs/tx',
    'req/s': rawBatchedPerSec,
    'p50 ms': '-',
    'p99 ms': '-',
    errors: 0,
  },
  {
    target: `raw sqlite, ${serverBatch} msgs/tx (server's batch)`,
    'req/s': rawServerBatchPerSec,
    'p50 ms': '-',
    'p99 ms': '-',
    errors: 0,
  },
];
table(
  `send (${CONNECTIONS} connections, ${SECONDS}s; goal: ≥ 0.5× raw sqlite at the server's batch, p99 ≤ 50 ms) — ${(cc.requests.average / base.requests.average).toFixed(2)}× bare http`,
  rows,
);
console.log(
  `committed messages counted by the server afterwards: last_seq=${committed.channel.last_seq}`,
);
console.log(
  `server group commits: ${commits} of ${avgBatch.toFixed(1)} posts on average, ${avgWrites.toFixed(1)} write statements each; ratio to raw sqlite at that batch size ${(cc.requests.average / rawServerBatchPerSec).toFixed(2)}`,
);
console.log(
  `CPU per post: server ${serverCpuPerPost.toFixed(0)} µs, raw sqlite at the server's batch ${rawCpuPerPost.toFixed(0)} µs; CPU ratio ${(rawCpuPerPost / serverCpuPerPost).toFixed(2)} (the throughput ratio with a core to itself)`,
);
record('send', {
  connections: CONNECTIONS,
  seconds: SECONDS,
  rows,
  ratio: cc.requests.average / base.requests.average,
  avgBatch,
  avgWrites,
  rawRatio: cc.requests.average / rawServerBatchPerSec,
  serverCpuPerPost,
  rawCpuPerPost,
});
