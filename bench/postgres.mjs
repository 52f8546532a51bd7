// postgres: `send` and `fanout` on PostgreSQL with 1, 2 and 3 `serve` nodes sharing one
// database (load and clients spread across the nodes), beside the SQLite single node in the
// same run. PostgreSQL comes from CLICKCLACK_BENCH_PG_URL (default the local test server);
// each configuration gets a fresh database, dropped afterwards. Beside each send figure:
// the host's CPU busy share, the CPU of the nodes, of PostgreSQL and of the load generator,
// the server's posts per commit and PostgreSQL's wait events (bench/host-use.mjs).
// `--channels N` also times send with the posts spread over N channels of the workspace.
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { driveMessages, liveSocketUrl, openClients } from './fanout-lib.mjs';
import { commitStats, startHostUse } from './host-use.mjs';
import { argValue, record, startServer, table } from './lib.mjs';

const PG_URL = process.env.CLICKCLACK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const nodeCounts = argValue('size', '1,2,3').split(',').map(Number);
const CONNECTIONS = Number(argValue('connections', '64'));
const SECONDS = Number(argValue('seconds', '5'));
const CLIENTS = Number(argValue('clients', '300'));
const RATE = Number(argValue('rate', '50'));
const FANOUT_SECONDS = Number(argValue('fanout-seconds', '3'));
const CHANNELS = Number(argValue('channels', '1'));
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

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
  const args = [
    '--uploads',
    uploads,
    '--metrics-enabled',
    'true',
    '--metrics-token',
    METRICS_TOKEN,
  ];
  const first = await startServer({ env, args });
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () =>
      startServer({
        env,
        reuse: true,
        dataDir: mkdtempSync(join(tmpdir(), 'cc-bench-')),
        args,
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
    const use = startHostUse({ serverPids: [] });
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
    return { perSecond: sent / SECONDS, use: await use.stop() };
  } finally {
    await client.end();
  }
}

/** POSTs from `connections` for SECONDS, each request to the next of `urls` in turn. */
function postAround(urls, headers, body, connections) {
  let n = 0;
  const paths = urls.map((u) => new URL(u).pathname);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: urls[0],
        method: 'POST',
        headers,
        body,
        requests: [
          { method: 'POST', setupRequest: (req) => ({ ...req, path: paths[n++ % paths.length] }) },
        ],
        connections,
        duration: SECONDS,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

/** Channels `bench-1`… beside #general, so that `channels` channels take posts. */
async function channelIds(first, channels) {
  const ids = [first.channelId];
  for (let i = 1; i < channels; i++) {
    const res = await fetch(`${first.url}/api/workspaces/${first.workspaceId}/channels`, {
      method: 'POST',
      headers: first.auth,
      body: JSON.stringify({ name: `bench-${i}` }),
    });
    ids.push((await res.json()).channel.id);
  }
  return ids;
}

/** One send phase: the connections split evenly over the nodes, posting round robin into `ids`. */
async function send(nodes, db, ids) {
  const [first] = nodes;
  const body = JSON.stringify({ body: 'benchmark message '.repeat(4) });
  const per = Math.max(1, Math.floor(CONNECTIONS / nodes.length));
  const before = await commitStats(nodes, METRICS_TOKEN);
  const use = startHostUse({ serverPids: nodes.map((n) => n.pid), db });
  const results = await Promise.all(
    nodes.map((n) =>
      postAround(
        ids.map((id) => `${n.url}/api/channels/${id}/messages`),
        first.auth,
        body,
        per,
      ),
    ),
  );
  const host = await use.stop();
  const after = await commitStats(nodes, METRICS_TOKEN);
  const commits = after.commits - before.commits;
  const waits = host.waits
    .filter((w) => w.avg >= 0.05)
    .map((w) => `${w.w} ${w.avg.toFixed(1)}`)
    .join(', ');
  return {
    'send msgs/s': results.reduce((a, r) => a + r.requests.average, 0),
    'send p50 ms': Math.max(...results.map((r) => r.latency.p50)),
    'send p99 ms': Math.max(...results.map((r) => r.latency.p99)),
    'send errors': results.reduce((a, r) => a + r.errors + r.non2xx, 0),
    'posts/commit': (after.writes - before.writes) / commits,
    'statements/commit': (after.statements - before.statements) / commits,
    'commit ms': ((after.seconds - before.seconds) / commits) * 1000,
    'host busy %': host.hostBusy * 100,
    'cpu nodes/pg/loadgen': `${host.nodeCores.toFixed(2)}/${host.pgCores.toFixed(2)}/${host.loadGenCores.toFixed(2)}`,
    waits,
  };
}

async function measure(label, db, count) {
  const nodes = await startNodes(db, count);
  const [first] = nodes;
  const ids = await channelIds(first, CHANNELS);
  const sends = [{ channels: 1, ...(await send(nodes, db, ids.slice(0, 1))) }];
  if (CHANNELS > 1) sends.push({ channels: CHANNELS, ...(await send(nodes, db, ids)) });

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
  return sends.map((s) => ({
    store: label,
    nodes: count,
    ...s,
    'fanout p50 ms': fan.p50,
    'fanout p99 ms': fan.p99,
    lost: fan.lost,
    dup: fan.dup,
    ...(raw
      ? {
          'raw pg msgs/s': raw.perSecond,
          'raw host busy %': raw.use.hostBusy * 100,
          'ratio to raw pg': s['send msgs/s'] / raw.perSecond,
        }
      : {}),
  }));
}

const rows = await measure('sqlite', undefined, 1);
for (const count of nodeCounts) {
  const name = `cc_bench_${process.pid}_${count}`;
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    rows.push(...(await measure('postgres', url.toString(), count)));
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
const shown = (r) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'waits' && !k.startsWith('raw')));
table(
  `postgres (send: ${CONNECTIONS} connections for ${SECONDS}s spread over the nodes, into 1 channel${CHANNELS > 1 ? ` and into ${CHANNELS}` : ''}; host busy: all ${cpus().length} cores; cpu in cores; fanout: ${CLIENTS} clients spread over the nodes, ${RATE} msgs/s for ${FANOUT_SECONDS}s through the first)`,
  rows.map(shown),
);
console.log('\nPostgreSQL wait events of the bench database during send (backends on average):');
for (const r of rows.filter((r) => r.store === 'postgres'))
  console.log(`  ${r.nodes} node(s), ${r.channels} channel(s): ${r.waits || '-'}`);
for (const r of rows.filter((r) => r['raw pg msgs/s'] !== undefined)) {
  console.log(
    `raw pg set-based ceiling (${RAW_BATCH} posts per transaction, one client, host ${r['raw host busy %'].toFixed(0)}% busy): ${r['raw pg msgs/s'].toFixed(0)} msgs/s; ClickClack on ${r.nodes} PostgreSQL node, ${r.channels} channel(s): ${r['send msgs/s'].toFixed(0)} msgs/s, ratio ${r['ratio to raw pg'].toFixed(3)}`,
  );
}
for (const channels of [...new Set(rows.map((r) => r.channels))]) {
  const at = (store, nodes) =>
    rows.find((r) => r.store === store && r.nodes === nodes && r.channels === channels);
  const sqlite = at('sqlite', 1);
  const one = at('postgres', 1);
  const ratios = nodeCounts
    .map((n) => at('postgres', n))
    .filter(Boolean)
    .map(
      (r) =>
        `${r.nodes} node(s) ${(r['send msgs/s'] / sqlite['send msgs/s']).toFixed(2)} of the SQLite node` +
        (one && r.nodes > 1
          ? `, ${(r['send msgs/s'] / one['send msgs/s']).toFixed(2)} of one node`
          : ''),
    );
  console.log(`send into ${channels} channel(s): PostgreSQL ${ratios.join('; ')}`);
}
record('postgres', { rows });
