// cli: wall time of `clickclack messages list --json` against a running server, against a
// bare `node -e ""` start-up as the baseline (goal: ≤ 3×).
import { spawnSync } from 'node:child_process';
import { argValue, BIN, record, startServer, summarise, table } from './lib.mjs';

const RUNS = Number(argValue('size', '20'));
const srv = await startServer();
const env = { ...process.env, CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: srv.session };
for (let i = 0; i < 20; i++) {
  await fetch(`${srv.url}/api/channels/${srv.channelId}/messages`, {
    method: 'POST',
    headers: srv.auth,
    body: JSON.stringify({ body: `m${i}` }),
  });
}
const time = (args) => {
  const t = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    t.push(performance.now() - t0);
  }
  return summarise(t);
};
const cli = time([BIN, 'messages', 'list', '--json']);
const bare = time(['-e', '']);
await srv.stop();
const rows = [
  {
    target: 'clickclack messages list --json',
    'p50 ms': cli.p50,
    'p99 ms': cli.p99,
    'p50 ratio': cli.p50 / bare.p50,
  },
  { target: 'node -e ""', 'p50 ms': bare.p50, 'p99 ms': bare.p99, 'p50 ratio': 1 },
];
table(`cli (${RUNS} runs each; goal: ≤ 3× bare node start-up)`, rows);
record('cli', { runs: RUNS, rows });
