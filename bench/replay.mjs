// replay: a client resumes from the start of a long event log over the WebSocket
// (goal: ≥ 50,000 events/s). Baseline: reading the same rows straight from SQLite.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { argValue, record, startServer, table } from './lib.mjs';

const N = Number(argValue('size', '100000'));

const first = await startServer();
await first.stop();
const db = new Database(join(first.data, 'clickclack.db'));
db.pragma('journal_mode = WAL');
const ins = db.prepare(
  "INSERT INTO events (id, cursor, workspace_id, channel_id, type, seq, payload_json, created_at) VALUES (?, ?, ?, ?, 'message.created', ?, ?, ?)",
);
db.transaction(() => {
  for (let i = 1; i <= N; i++) {
    const n = String(i).padStart(22, '0');
    ins.run(
      `evt_seed${n}`,
      `cur_0000${n}`,
      first.workspaceId,
      first.channelId,
      i,
      `{"message_id":"msg_${i}","author_id":"usr_x"}`,
      new Date().toISOString(),
    );
  }
})();
const t0 = performance.now();
const raw = db
  .prepare('SELECT * FROM events WHERE workspace_id = ? ORDER BY cursor')
  .all(first.workspaceId).length;
const rawPerSec = raw / ((performance.now() - t0) / 1000);
db.close();

const srv = await startServer({
  dataDir: first.data,
  reuse: true,
  args: ['--realtime-replay-limit', String(N * 2)],
});
const got = await new Promise((resolve, reject) => {
  let count = 0;
  const started = performance.now();
  const ws = new WebSocket(
    `${srv.url.replace('http', 'ws')}/api/realtime/ws?workspace_id=${srv.workspaceId}`,
    { headers: { authorization: srv.auth.authorization } },
  );
  ws.on('message', () => {
    if (++count >= N) {
      ws.terminate();
      resolve({ count, seconds: (performance.now() - started) / 1000 });
    }
  });
  ws.on('close', (code) => count < N && reject(new Error(`closed ${code} after ${count}`)));
});
await srv.stop();
const rows = [
  { target: 'clickclack websocket replay', events: got.count, 'events/s': got.count / got.seconds },
  { target: 'sqlite rows in-process', events: raw, 'events/s': rawPerSec },
];
table(`replay (${N} events from cursor 0; goal: ≥ 50,000 events/s)`, rows);
record('replay', { rows });
