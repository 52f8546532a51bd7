// import: `clickclack import slack` of a generated Slack export (N messages over C channels,
// a tenth of them thread replies, one in twenty with a reaction), timed from the command's
// start to its exit (reading, converting, writing). Baseline in the same run: the raw
// engine ceiling for the same writes — the same final rows (messages with their seqs, the
// search index, one import_sources row per message, reactions, thread states, each
// channel's last seq), 2,000 messages per transaction, nothing parsed: better-sqlite3 with
// prepared statements (FTS5 through its trigger), and with `--pg postgres://…` PostgreSQL
// with one `unnest` INSERT per table per transaction (GIN index included), each in a fresh
// database.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BIN, argValue, cli, record, table } from './lib.mjs';

const SIZE = Number(argValue('size', '100000'));
const CHANNELS = Number(argValue('channels', '20'));
const USERS = 50;
const T0 = 1_600_000_000;

/** Deterministic: the export and the raw baseline see the same messages. */
function* messagesOf(c) {
  const n = Math.floor(SIZE / CHANNELS) + (c < SIZE % CHANNELS ? 1 : 0);
  let root = '';
  for (let i = 0; i < n; i++) {
    const ts = `${T0 + c * 10_000_000 + i * 7}.${String(i % 1_000_000).padStart(6, '0')}`;
    const user = `U${String((i * 7 + c) % USERS).padStart(4, '0')}`;
    const reply = i % 10 === 9 && root !== '';
    const m = {
      type: 'message',
      user,
      ts,
      text: `message ${i} in channel ${c} about *topic* ${(i * 31) % 997} see <https://example.com/${i}|link>`,
      ...(reply ? { thread_ts: root } : {}),
      ...(i % 20 === 3 ? { reactions: [{ name: '+1', users: [user], count: 1 }] } : {}),
    };
    if (!reply && i % 10 === 0) root = ts;
    yield m;
  }
}

const day = (ts) => new Date(Math.floor(Number(ts)) * 1000).toISOString().slice(0, 10);

/** The rows an import of the export ends with, in insertion order (for the raw ceilings). */
function* finalRows(channelList) {
  for (const ch of channelList) {
    const c = Number(ch.id.slice(1));
    const ids = new Map();
    const replies = new Map();
    let seq = 0;
    for (const m of messagesOf(c)) {
      const id = `msg_${ch.id}_${m.ts}`;
      const at = new Date(Number(m.ts) * 1000).toISOString();
      const parent = m.thread_ts ? ids.get(m.thread_ts) : undefined;
      const tseq = parent ? (replies.get(parent) ?? 0) + 1 : null;
      if (parent) replies.set(parent, tseq);
      else ids.set(m.ts, id);
      yield {
        message: [
          id,
          `chn_${ch.id}`,
          `usr_${m.user}`,
          parent ?? null,
          parent ?? id,
          parent ? null : ++seq,
          tseq,
          m.text,
          at,
        ],
        source: [`chn_${ch.id}/${m.ts}`, id],
        reaction: m.reactions ? [id, `usr_${m.user}`, '👍', at] : undefined,
        thread: parent ? [parent, tseq, at, JSON.stringify([`usr_${m.user}`])] : undefined,
      };
    }
  }
}

/** Each channel's last seq in a batch of final rows (the import keeps `last_seq` too). */
function lastSeqs(batch) {
  const last = new Map();
  for (const r of batch) if (r.message[5] !== null) last.set(r.message[1], r.message[5]);
  return last;
}

// The export.
const dir = mkdtempSync(join(tmpdir(), 'cc-bench-slack-'));
const users = Array.from({ length: USERS }, (_, i) => {
  const id = `U${String(i).padStart(4, '0')}`;
  return {
    id,
    name: `user${i}`,
    profile: { email: `user${i}@bench.test`, real_name: `User ${i}` },
  };
});
writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
const channels = Array.from({ length: CHANNELS }, (_, c) => ({
  id: `C${String(c).padStart(5, '0')}`,
  name: `channel-${c}`,
  created: T0,
  creator: 'U0000',
  members: users.map((u) => u.id),
  topic: { value: '' },
  purpose: { value: '' },
}));
writeFileSync(join(dir, 'channels.json'), JSON.stringify(channels));
const t0 = performance.now();
for (const [c, ch] of channels.entries()) {
  mkdirSync(join(dir, ch.name));
  let buf = [];
  const flush = () => {
    if (buf.length === 0) return;
    // One file per channel and day, as in a real export (a message every 7 s: ~12,000).
    writeFileSync(join(dir, ch.name, `${day(buf[0].ts)}.json`), JSON.stringify(buf));
    buf = [];
  };
  for (const m of messagesOf(c)) {
    if (buf.length > 0 && day(m.ts) !== day(buf[0].ts)) flush();
    buf.push(m);
  }
  flush();
}
console.log(`generated ${SIZE} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ClickClack.
const data = mkdtempSync(join(tmpdir(), 'cc-bench-import-'));
cli(['admin', 'bootstrap', '--email', 'bench@example.com', '--data', data]);
const start = performance.now();
const run = spawnSync(
  process.execPath,
  [BIN, 'import', 'slack', dir, '--workspace', 'bench', '--data', data, '--json'],
  { encoding: 'utf8', maxBuffer: 64 << 20 },
);
const seconds = (performance.now() - start) / 1000;
if (run.status !== 0) throw new Error(`import failed: ${run.stderr}`);
const summary = JSON.parse(run.stdout);
const imported = summary.created.messages + summary.created.replies;
if (imported !== SIZE) throw new Error(`imported ${imported} of ${SIZE}`);

// `--pg URL`: the same import into a fresh PostgreSQL database, then the raw ceiling there.
let pgRow;
let rawPgRow;
const PG = argValue('pg', '');
if (PG) {
  const admin = async (statement) => {
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    await c.query(statement).finally(() => c.end());
  };
  await admin('DROP DATABASE IF EXISTS cc_bench_import WITH (FORCE)');
  await admin('CREATE DATABASE cc_bench_import');
  const url = new URL(PG);
  url.pathname = '/cc_bench_import';
  // Migrated before the clock starts, as the raw ceiling's database is.
  cli(['migrate', '--db', url.toString()]);
  const pgStart = performance.now();
  const r = spawnSync(
    process.execPath,
    [BIN, 'import', 'slack', dir, '--workspace', 'bench', '--db', url.toString(), '--json'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const pgSeconds = (performance.now() - pgStart) / 1000;
  if (r.status !== 0) throw new Error(`import into PostgreSQL failed: ${r.stderr}`);
  // The raw ceiling on PostgreSQL: a fresh migrated database, the same rows.
  await admin('DROP DATABASE IF EXISTS cc_bench_import WITH (FORCE)');
  await admin('CREATE DATABASE cc_bench_import');
  cli(['migrate', '--db', url.toString()]);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const at = new Date().toISOString();
  await client.query(
    "INSERT INTO workspaces (id, route_id, name, slug, icon_url, created_at) VALUES ('wsp_raw', 'Traw', 'raw', 'raw', '', $1)",
    [at],
  );
  for (const u of users)
    await client.query(
      "INSERT INTO users (id, kind, display_name, handle, email, created_at) VALUES ($1, 'human', $2, $3, $4, $5)",
      [`usr_${u.id}`, u.profile.real_name, u.name, u.profile.email, at],
    );
  for (const ch of channels)
    await client.query(
      "INSERT INTO channels (id, route_id, workspace_id, name, kind, created_at) VALUES ($1, $2, 'wsp_raw', $3, 'public', $4)",
      [`chn_${ch.id}`, `R${ch.id}`, ch.name, at],
    );
  // PostgreSQL's best way for many rows short of COPY: one array per column through
  // `unnest`, a statement per table per transaction (the import does the same).
  const unnest = async (head, types, rows, tail = '') => {
    if (rows.length === 0) return;
    const arrays = types.map((_t, i) => rows.map((r) => r[i]));
    const casts = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
    await client.query(`${head} SELECT * FROM unnest(${casts})${tail}`, arrays);
  };
  const rawPgStart = performance.now();
  let batch = [];
  const write = async () => {
    await client.query('BEGIN');
    await unnest(
      'INSERT INTO messages (id, channel_id, author_id, parent_message_id, thread_root_id, channel_seq, thread_seq, body, created_at, workspace_id)',
      ['text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'text', 'text', 'text'],
      batch.map((r) => [...r.message, 'wsp_raw']),
    );
    await unnest(
      'INSERT INTO import_sources (origin, kind, source_id, target_id)',
      ['text', 'text', 'text', 'text'],
      batch.map((r) => ['slack:wsp_raw', 'message', ...r.source]),
    );
    await unnest(
      'INSERT INTO reactions (message_id, user_id, emoji, created_at)',
      ['text', 'text', 'text', 'text'],
      batch.filter((r) => r.reaction).map((r) => r.reaction),
    );
    const threads = new Map();
    for (const r of batch) if (r.thread) threads.set(r.thread[0], r.thread);
    await unnest(
      'INSERT INTO thread_state (root_message_id, reply_count, last_reply_at, last_reply_author_ids_json)',
      ['text', 'bigint', 'text', 'text'],
      [...threads.values()],
      ' ON CONFLICT (root_message_id) DO UPDATE SET reply_count = excluded.reply_count, last_reply_at = excluded.last_reply_at',
    );
    for (const [channel, seq] of lastSeqs(batch))
      await client.query('UPDATE channels SET last_seq = $1 WHERE id = $2', [seq, channel]);
    await client.query('COMMIT');
    batch = [];
  };
  for (const r of finalRows(channels)) {
    batch.push(r);
    if (batch.length === 2000) await write();
  }
  await write();
  const rawPgSeconds = (performance.now() - rawPgStart) / 1000;
  await client.end();
  await admin('DROP DATABASE IF EXISTS cc_bench_import WITH (FORCE)');
  rawPgRow = {
    target: 'raw PostgreSQL, same rows',
    seconds: rawPgSeconds,
    'msgs/s': SIZE / rawPgSeconds,
  };
  pgRow = {
    target: 'clickclack import slack (PostgreSQL)',
    seconds: pgSeconds,
    'msgs/s': SIZE / pgSeconds,
  };
}

// The raw ceiling: a fresh migrated database, the same rows.
const rawData = mkdtempSync(join(tmpdir(), 'cc-bench-import-raw-'));
cli(['migrate', '--data', rawData]);
const db = new Database(join(rawData, 'clickclack.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const now = new Date().toISOString();
db.prepare(
  "INSERT INTO workspaces (id, route_id, name, slug, icon_url, created_at) VALUES ('wsp_raw', 'Traw', 'raw', 'raw', '', ?)",
).run(now);
const insUser = db.prepare(
  "INSERT INTO users (id, kind, display_name, handle, email, created_at) VALUES (?, 'human', ?, ?, ?, ?)",
);
const insChannel = db.prepare(
  "INSERT INTO channels (id, route_id, workspace_id, name, kind, created_at) VALUES (?, ?, 'wsp_raw', ?, 'public', ?)",
);
for (const u of users)
  insUser.run(`usr_${u.id}`, u.profile.real_name, u.name, u.profile.email, now);
for (const ch of channels) insChannel.run(`chn_${ch.id}`, `R${ch.id}`, ch.name, now);
const insMessage = db.prepare(
  `INSERT INTO messages (id, workspace_id, channel_id, author_id, parent_message_id, thread_root_id,
     channel_seq, thread_seq, body, created_at)
   VALUES (?, 'wsp_raw', ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insSource = db.prepare(
  "INSERT INTO import_sources (origin, kind, source_id, target_id) VALUES ('slack:wsp_raw', 'message', ?, ?)",
);
const insReaction = db.prepare(
  'INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)',
);
const insThread = db.prepare(
  `INSERT INTO thread_state (root_message_id, reply_count, last_reply_at, last_reply_author_ids_json)
   VALUES (?, ?, ?, ?) ON CONFLICT (root_message_id) DO UPDATE SET reply_count = excluded.reply_count,
     last_reply_at = excluded.last_reply_at`,
);
const setLastSeq = db.prepare('UPDATE channels SET last_seq = ? WHERE id = ?');
const rawStart = performance.now();
let batch = [];
const commit = () => {
  db.exec('BEGIN');
  for (const r of batch) {
    insMessage.run(...r.message);
    insSource.run(...r.source);
    if (r.reaction) insReaction.run(...r.reaction);
    if (r.thread) insThread.run(...r.thread);
  }
  for (const [channel, seq] of lastSeqs(batch)) setLastSeq.run(seq, channel);
  db.exec('COMMIT');
  batch = [];
};
for (const r of finalRows(channels)) {
  batch.push(r);
  if (batch.length === 2000) commit();
}
commit();
const rawSeconds = (performance.now() - rawStart) / 1000;
db.close();

const cc = SIZE / seconds;
const raw = SIZE / rawSeconds;
table(`import (${SIZE} messages, ${CHANNELS} channels, Slack export)`, [
  { target: 'clickclack import slack', seconds, 'msgs/s': cc },
  { target: 'raw better-sqlite3, same rows', seconds: rawSeconds, 'msgs/s': raw },
  { target: 'ratio', seconds: rawSeconds / seconds, 'msgs/s': cc / raw },
  ...(pgRow
    ? [
        pgRow,
        rawPgRow,
        {
          target: 'ratio (PostgreSQL)',
          seconds: rawPgRow['seconds'] / pgRow['seconds'],
          'msgs/s': pgRow['msgs/s'] / rawPgRow['msgs/s'],
        },
      ]
    : []),
]);
record('import', {
  size: SIZE,
  seconds,
  msgsPerSecond: cc,
  rawMsgsPerSecond: raw,
  ratio: cc / raw,
  ...(pgRow
    ? {
        pgSeconds: pgRow.seconds,
        pgMsgsPerSecond: pgRow['msgs/s'],
        rawPgMsgsPerSecond: rawPgRow['msgs/s'],
        pgRatio: pgRow['msgs/s'] / rawPgRow['msgs/s'],
      }
    : {}),
});
// BENCH_KEEP_EXPORT=1 keeps the generated export (to profile an import by hand).
if (process.env.BENCH_KEEP_EXPORT) console.log(`export kept in ${dir}`);
for (const d of [...(process.env.BENCH_KEEP_EXPORT ? [] : [dir]), data, rawData])
  rmSync(d, { recursive: true, force: true });
