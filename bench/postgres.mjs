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
record('postgres', { rows });
