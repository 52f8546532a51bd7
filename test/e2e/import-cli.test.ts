// `clickclack import` run while `clickclack serve` is up on the same data directory, with a
// member's WebSocket open: the import reaches the socket as a handful of conversation
// events (never one per message), and the history is there to read at once.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { TestSocket } from '../../packages/server/test/ws-client.js';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

const SLACK = fileURLToPath(
  new URL('../../packages/server/test/fixtures/import/slack', import.meta.url),
);

let srv: RunningServer;
let token: string;
let wid: string;
let general: string;

before(async () => {
  srv = await startServer();
  await cliOk(['admin', 'bootstrap', '--data', srv.dataDir, '--email', 'ada@example.com']);
  token = await sessionFor(srv, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token,
  });
  wid = ws.body.workspaces[0]!.id;
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${wid}/channels`,
    { token },
  );
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
});
after(() => srv.cleanup());

test('--dry-run prints what would be created and writes nothing', async () => {
  const out = await cliOk([
    'import',
    'slack',
    SLACK,
    '--workspace',
    'clickclack',
    '--data',
    srv.dataDir,
    '--dry-run',
  ]);
  assert.match(out, /would create: 5 users \(0 matched by email\), 2 bots, 2 channels, 2 DMs/);
  assert.match(out, /would create: 11 messages, 2 thread replies/);
  assert.match(out, /general\/2023-01-03\.json: unreadable day file/);
  const page = await http<{ messages: unknown[] }>(
    srv.url,
    'GET',
    `/api/channels/${general}/messages`,
    { token },
  );
  assert.equal(page.body.messages.length, 0);
});

test('an import into a live workspace: one event per conversation, history readable at once', async () => {
  const posted = await http<{ event: { cursor: string } }>(
    srv.url,
    'POST',
    `/api/channels/${general}/messages`,
    { token, body: { body: 'posted here before the import' } },
  );
  const after = posted.body.event.cursor;
  const sock = await TestSocket.open(
    `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${after}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  try {
    const r = await runCli([
      'import',
      'slack',
      SLACK,
      '--workspace',
      'clickclack',
      '--data',
      srv.dataDir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // The existing #general takes Slack's #general; #random is new.
    assert.match(r.stdout, /created: 5 users \(0 matched by email\), 2 bots, 2 channels, 2 DMs/);
    await sock.until(
      () => sock.durable().some((f) => f.type === 'channel.updated' && f.channel_id === general),
      8000,
      'channel.updated for #general',
    );
    const types = sock.durable().map((f) => f.type);
    assert.ok(types.includes('channel.created'), types.join(','));
    assert.ok(!types.includes('message.created'), types.join(','));
    assert.ok(types.length <= 6, types.join(','));
  } finally {
    sock.close();
  }
  const page = await http<{ messages: { body: string }[] }>(
    srv.url,
    'GET',
    `/api/channels/${general}/messages`,
    { token },
  );
  // Imported history follows what the channel already held, in its own time order.
  assert.equal(page.body.messages[0]!.body, 'posted here before the import');
  assert.equal(page.body.messages[1]!.body, 'an earlier message, listed out of order');
  assert.equal(page.body.messages.length, 7);
  // Ada had read everything before: the imported history does not show as unread.
  const chs = await http<{ channels: { id: string; unread_count: number }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${wid}/channels`,
    { token },
  );
  assert.equal(chs.body.channels.find((c) => c.id === general)!.unread_count, 0);
});
