// postgres: `send` and `fanout` on PostgreSQL with 1, 2 and 3 `serve` nodes sharing one
// database (load and clients spread across the nodes), beside the SQLite single node in the
// same run. PostgreSQL comes from CLICKCLACK_BENCH_PG_URL (default the local test server);
// each configuration gets a fresh database, dropped afterwards.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { driveMessages, liveSocketUrl, openClients } from './fanout-lib.mjs';
import { argValue, load, record, startServer, table } from './lib.mjs';

const PG_URL = process.env.CLICKCLACK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const nodeCounts = argValue('size', '1,2,3').split(',').map(Number);
const CONNECTIONS = Number(argValue('connections', '64'));
const SECONDS = Number(argValue('seconds', '5'));
const CLIENTS = Number(argValue('clients', '300'));
const RATE = Number(argValue('rate', '50'));
const FANOUT_SECONDS = Number(argValue('fanout-seconds', '3'));

async function admin(statement) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

try {
  await admin('SELECT 1');
} catch (err) {
  console.log(`\n## postgres: skipped, PostgreSQL at ${PG_URL} does not answer (${err.message})`);
  process.exit(0);
}

/** Starts `count` nodes on one database (or one SQLite node when `db` is undefined). */
async function startNodes(db, count) {
  const uploads = mkdtempSync(join(tmpdir(), 'cc-bench-up-'));
  const env = db ? { CLICKCLACK_DB: db } : {};
  const first = await startServer({ env, args: ['--uploads', uploads] });
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () =>
      startServer({
        env,
        reuse: true,
        dataDir: mkdtempSync(join(tmpdir(), 'cc-bench-')),
        args: ['--uploads', uploads],
      }),
    ),
  );
  return [first, ...rest];
}

const RAW_BATCH = Number(argValue('raw-batch', '32'));

/**
 * The raw `pg` ceiling for the same writes, set-based: per transaction of RAW_BATCH posts
 * the write lock, one seq bump, the nonce lookups in one query, and one multi-row statement
 * each for the messages, the read pointer and the events (as write-batch.ts does), one
 * client after another for SECONDS.
 */
async function rawCeiling(db, node) {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT c.workspace_id, u.id AS author FROM channels c, users u WHERE c.id = $1 ORDER BY u.created_at LIMIT 1',
      [node.channelId],
    );
    const { workspace_id: ws, author } = rows[0];
    const text = 'benchmark message '.repeat(4);
    let sent = 0;
    const until = performance.now() + SECONDS * 1000;
    while (performance.now() < until) {
      const ids = Array.from({ length: RAW_BATCH }, (_, i) => `msg_raw${sent + i}`);
      const nonces = ids.map((id) => `raw-${id}`);
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(1668049666)');
      await client.query(
        "SELECT id FROM messages WHERE author_id = $1 AND client_nonce = any($2) AND client_nonce <> ''",
        [author, nonces],
      );
      const seq = (
        await client.query(
          'UPDATE channels SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq',
          [node.channelId, RAW_BATCH],
        )
      ).rows[0].last_seq;
      const seqs = ids.map((_, i) => seq - RAW_BATCH + 1 + i);
      const at = new Date().toISOString();
      await client.query(
        `INSERT INTO messages (id, workspace_id, channel_id, author_id, thread_root_id, channel_seq, body, client_nonce, created_at)
         SELECT id, $2, $3, $4, id, seq, $5, nonce, $6 FROM unnest($1::text[], $7::int[], $8::text[]) AS v(id, seq, nonce)`,
        [ids, ws, node.channelId, author, text, at, seqs, nonces],
      );
      await client.query(
        'INSERT INTO channel_reads (channel_id, user_id, last_read_seq, last_read_at) VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id, user_id) DO UPDATE SET last_read_seq = excluded.last_read_seq, last_read_at = excluded.last_read_at WHERE channel_reads.last_read_seq < excluded.last_read_seq',
        [node.channelId, author, seq, at],
      );
      await client.query(
        `INSERT INTO events (id, cursor, workspace_id, channel_id, type, seq, payload_json, created_at)
         SELECT 'evt_' || id, 'cur_zzzz' || lpad(seq::text, 22, '0'), $2, $3, 'message.created', seq, '{}', $4
         FROM unnest($1::text[], $5::int[]) AS v(id, seq)`,
        [ids, ws, node.channelId, at, seqs],
      );
      await client.query('COMMIT');
      sent += RAW_BATCH;
    }
    return sent / SECONDS;
  } finally {
    await client.end();
  }
}

async function measure(label, db, count) {
  const nodes = await startNodes(db, count);
  const [first] = nodes;
  const body = JSON.stringify({ body: 'benchmark message '.repeat(4) });
  // send: the connections split evenly over the nodes, all at once.
  const per = Math.max(1, Math.floor(CONNECTIONS / count));
  const results = await Promise.all(
    nodes.map((n) =>
      load(`${n.url}/api/channels/${first.channelId}/messages`, first.auth, body, {
        connections: per,
        seconds: SECONDS,
      }),
    ),
  );
  const sent = results.reduce((a, r) => a + r.requests.average, 0);
  const errors = results.reduce((a, r) => a + r.errors + r.non2xx, 0);
  const sendP50 = Math.max(...results.map((r) => r.latency.p50));
  const sendP99 = Math.max(...results.map((r) => r.latency.p99));

  // fanout: clients spread round robin over the nodes, messages posted through the first.
  const clients = [];
  for (let i = 0; i < count; i++) {
    const share = Math.floor(CLIENTS / count) + (i < CLIENTS % count ? 1 : 0);
    const url = await liveSocketUrl(first, nodes[i].url);
    clients.push(...(await openClients(share, url, { authorization: first.auth.authorization })));
  }
  const fan = await driveMessages(clients, first, RATE * FANOUT_SECONDS, RATE);
  for (const ws of clients) ws.terminate();
  await Promise.all(nodes.map((n) => n.stop()));
  const raw = db && count === 1 ? await rawCeiling(db, first) : undefined;
  return {
    store: label,
    nodes: count,
    'send msgs/s': sent,
    'send p50 ms': sendP50,
    'send p99 ms': sendP99,
    'send errors': errors,
    'fanout p50 ms': fan.p50,
    'fanout p99 ms': fan.p99,
    lost: fan.lost,
    dup: fan.dup,
    ...(raw ? { 'raw pg msgs/s': raw, 'ratio to raw pg': sent / raw } : {}),
  };
}

const rows = [await measure('sqlite', undefined, 1)];
for (const count of nodeCounts) {
  const name = `cc_bench_${process.pid}_${count}`;
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    rows.push(await measure('postgres', url.toString(), count));
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
table(
  `postgres (send: ${CONNECTIONS} connections for ${SECONDS}s spread over the nodes; fanout: ${CLIENTS} clients spread over the nodes, ${RATE} msgs/s for ${FANOUT_SECONDS}s through the first)`,
  rows,
);
for (const r of rows.filter((r) => r['raw pg msgs/s'] !== undefined)) {
  console.log(
    `raw pg set-based ceiling (${RAW_BATCH} posts per transaction, one client): ${r['raw pg msgs/s'].toFixed(0)} msgs/s; ClickClack on ${r.nodes} PostgreSQL node: ${r['send msgs/s'].toFixed(0)} msgs/s, ratio ${r['ratio to raw pg'].toFixed(3)}`,
  );
}
record('postgres', { rows });
