import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { EventPage } from '@clickclack/protocol';
import { ClickClackClient, type Event } from '@clickclack/sdk';
import WebSocket from 'ws';
import { BIN, cliOk, http, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let token: string;
let wid: string;
let general: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

async function setup(s: RunningServer): Promise<void> {
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    s.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  token = await sessionFor(s, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(s.url, 'GET', '/api/workspaces', {
    token,
  });
  wid = ws.body.workspaces[0]!.id;
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    s.url,
    'GET',
    `/api/workspaces/${wid}/channels`,
    { token },
  );
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
}

before(async () => {
  srv = await startServer();
  await setup(srv);
});
after(() => srv.cleanup());

const post = (url: string, body: string) =>
  http<{ event: Event }>(url, 'POST', `/api/channels/${general}/messages`, {
    token,
    body: { body },
  });

test('events watch --json streams events written over HTTP and by another process', async () => {
  const watch = spawn(
    process.execPath,
    [BIN, 'events', 'watch', '--json', '--server', srv.url, '--token', token],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Event[] = [];
  let buf = '';
  watch.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as Event);
      buf = buf.slice(i + 1);
    }
  });
  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pred(), `watch printed ${JSON.stringify(lines)}`);
  };
  let stderr = '';
  watch.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await until(() => stderr.includes('watching'));
  const posted = await post(srv.url, 'watched');
  await until(() => lines.some((e) => e.cursor === posted.body.event.cursor));
  const userId = await cliOk([
    'admin',
    'user',
    'create',
    '--data',
    srv.dataDir,
    '--name',
    'Late Joiner',
    '--workspace',
    wid,
  ]);
  await until(() => lines.some((e) => e.type === 'member.joined' && e.payload.user_id === userId));
  const page = JSON.parse(
    await cliOk([
      'events',
      'list',
      '--json',
      '--server',
      srv.url,
      '--token',
      token,
      '--after-cursor',
      posted.body.event.cursor,
    ]),
  ) as EventPage;
  assert.equal(page.events[0]!.type, 'member.joined');
  assert.equal(page.tail_cursor, page.events[page.events.length - 1]!.cursor);
  const human = await cliOk([
    'events',
    'list',
    '--server',
    srv.url,
    '--token',
    token,
    '--after-cursor',
    posted.body.event.cursor,
  ]);
  assert.match(human, /\tmember\.joined\t/);
  watch.kill('SIGINT');
  await new Promise((r) => watch.once('exit', r));
});

test('the SDK stream survives a server crash and restart with every event exactly once', async () => {
  const port = await freePort();
  let node = await startServer({ args: ['--addr', `127.0.0.1:${port}`] });
  await setup(node);
  const client = new ClickClackClient({ baseUrl: node.url, token });
  const statuses: string[] = [];
  const stream = client.realtime({
    workspaceId: wid,
    webSocket: WebSocket as never,
    minBackoffMs: 50,
    maxBackoffMs: 500,
    onStatus: (s) => statuses.push(s),
  });
  const got: Event[] = [];
  const reading = (async () => {
    for await (const ev of stream) if (ev.cursor) got.push(ev);
  })();
  while (!statuses.includes('open')) await new Promise((r) => setTimeout(r, 20));
  const acked: string[] = [];
  for (let i = 0; i < 20; i++)
    acked.push((await post(node.url, `before crash ${i}`)).body.event.cursor);
  await node.kill();
  node = await startServer({ dataDir: node.dataDir, args: ['--addr', `127.0.0.1:${port}`] });
  for (let i = 0; i < 20; i++)
    acked.push((await post(node.url, `after restart ${i}`)).body.event.cursor);
  for (let i = 0; i < 200 && !acked.every((c) => got.some((e) => e.cursor === c)); i++)
    await new Promise((r) => setTimeout(r, 50));
  stream.close();
  await reading;
  const cursors = got.map((e) => e.cursor);
  for (const c of acked) assert.ok(cursors.includes(c), `missing ${c}`);
  assert.equal(new Set(cursors).size, cursors.length, 'no duplicates');
  assert.deepEqual(cursors, [...cursors].sort(), 'in cursor order');
  assert.ok(statuses.includes('reconnecting'));
  await node.cleanup();
});
