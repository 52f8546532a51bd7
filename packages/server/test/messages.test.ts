import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelResponse,
  MessageEventResponse,
  MessagePage,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';

let srv: TestServer;
let me: { token: string; userId: string };
let wid: string;
let cid: string;
before(async () => {
  srv = await startTestServer();
  me = await signIn(srv, 'local@clickclack.chat');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: me.token,
  });
  wid = ws.body.workspaces[0]!.id;
  const ch = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: me.token,
    body: { name: 'paging' },
  });
  cid = ch.body.channel.id;
  for (let i = 1; i <= 25; i++) {
    await api(srv, 'POST', `/api/channels/${cid}/messages`, {
      token: me.token,
      body: { body: `message ${i}` },
    });
  }
});
after(() => srv.close());

const page = (q: string) =>
  api<MessagePage>(srv, 'GET', `/api/channels/${cid}/messages${q}`, { token: me.token });
const seqs = (p: MessagePage) => p.messages.map((m) => m.channel_seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('post returns the message with its author and one event carrying the seq', async () => {
  const ch = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: me.token,
    body: { name: 'posting' },
  });
  const res = await api<MessageEventResponse>(
    srv,
    'POST',
    `/api/channels/${ch.body.channel.id}/messages`,
    {
      token: me.token,
      body: { body: '  **hello** world  ', author_runtime: 'ignored' },
    },
  );
  assert.equal(res.status, 201);
  assert.equal(res.body.message.body, '**hello** world');
  assert.equal(res.body.message.channel_seq, 1);
  assert.equal(res.body.message.author.id, me.userId);
  assert.equal(res.body.message.author.kind, 'human');
  assert.equal(typeof res.body.message.author.avatar_url, 'string');
  assert.equal(res.body.event?.type, 'message.created');
  assert.equal(res.body.event?.seq, 1);
  assert.equal(res.body.event?.channel_id, ch.body.channel.id);
  assert.equal(res.body.event?.payload.message_id, res.body.message.id);
  assert.ok(!JSON.stringify(res.body.event).includes('hello'), 'events never carry bodies');
  const got = await api<MessageResponse>(srv, 'GET', `/api/messages/${res.body.message.id}`, {
    token: me.token,
  });
  assert.equal(got.body.message.body, '**hello** world');
  assert.equal(
    (await api(srv, 'GET', '/api/messages/msg_missing', { token: me.token })).status,
    404,
  );
});

test('pages: latest by default, before/after/around windows, has_older/has_newer', async () => {
  const latest = await page('?limit=10');
  assert.deepEqual(seqs(latest.body), range(16, 25));
  assert.equal(latest.body.oldest_seq, 16);
  assert.equal(latest.body.newest_seq, 25);
  assert.equal(latest.body.has_older, true);
  assert.equal(latest.body.has_newer, false);
  assert.equal(latest.body.messages[0]!.thread_state?.reply_count, 0);
  assert.deepEqual(seqs((await page('?limit=10&before_seq=16')).body), range(6, 15));
  const after = await page('?limit=10&after_seq=20');
  assert.deepEqual(seqs(after.body), range(21, 25));
  assert.equal(after.body.has_older, true);
  assert.equal(after.body.has_newer, false);
  const first = await page('?limit=5&after_seq=0');
  assert.deepEqual(seqs(first.body), range(1, 5));
  assert.equal(first.body.has_older, false);
  assert.equal(first.body.has_newer, true);
  assert.deepEqual(seqs((await page('?limit=4&around_seq=10')).body), [9, 10, 11, 12]);
  assert.deepEqual(seqs((await page('?limit=4&around_seq=25')).body), [22, 23, 24, 25]);
  assert.deepEqual(seqs((await page('?mode=latest&limit=2')).body), [24, 25]);
  const empty = await page('?after_seq=25');
  assert.deepEqual(empty.body, {
    messages: [],
    oldest_seq: 0,
    newest_seq: 0,
    has_older: false,
    has_newer: false,
  });
  // Out-of-range limits fall back to the default of 100 (upstream behaviour).
  assert.equal((await page('?limit=500')).body.messages.length, 25);
  assert.equal((await page('?limit=0')).body.messages.length, 25);
  assert.equal((await page('')).body.messages.length, 25);
});

test('bad page requests are 400s', async () => {
  for (const q of [
    '?before_seq=-1',
    '?after_seq=abc',
    '?before_seq=3&after_seq=1',
    '?mode=oldest',
    '?mode=latest&after_seq=1',
    '?around_seq=',
  ]) {
    const res = await page(q);
    assert.equal(res.status, 400, q);
    assert.match(
      String((res.body as unknown as { error: string }).error),
      /invalid message page request/,
    );
  }
});

test('nonce: same content replays (200, no event), different content is a 409', async () => {
  const first = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'idempotent', nonce: 'nonce-1' },
  });
  assert.equal(first.status, 201);
  assert.equal(first.body.message.nonce, 'nonce-1');
  const db = sqlOf(srv);
  const count = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;
  const events = await count();
  const replay = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'idempotent', nonce: 'nonce-1' },
  });
  assert.equal(replay.status, 200);
  assert.equal(replay.body.message.id, first.body.message.id);
  assert.equal(replay.body.event, undefined);
  assert.equal(await count(), events);
  const clash = await api(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'something else', nonce: 'nonce-1' },
  });
  assert.equal(clash.status, 409);
  await db.close();

  const found = await api<MessageResponse>(
    srv,
    'GET',
    `/api/messages/by-nonce?workspace_id=${wid}&nonce=nonce-1`,
    {
      token: me.token,
    },
  );
  assert.equal(found.status, 200);
  assert.equal(found.body.message.id, first.body.message.id);
  const missing = await api(srv, 'GET', `/api/messages/by-nonce?workspace_id=${wid}&nonce=never`, {
    token: me.token,
  });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('x-clickclack-message-nonce'), 'supported');
  const other = await signIn(srv, 'other@x.io');
  const notMine = await api(
    srv,
    'GET',
    `/api/messages/by-nonce?workspace_id=${wid}&nonce=nonce-1`,
    { token: other.token },
  );
  assert.equal(notMine.status, 404);
  const long = await api(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'x', nonce: 'n'.repeat(129) },
  });
  assert.equal(long.status, 400);
});

test('quotes must target a live root of the same channel and freeze a snapshot', async () => {
  const long = 'q'.repeat(300);
  const target = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: long },
  });
  const quote = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'quoting', quoted_message_id: target.body.message.id },
  });
  assert.equal(quote.status, 201);
  assert.equal(quote.body.message.quoted_message_id, target.body.message.id);
  assert.equal(quote.body.message.quoted_body_snapshot, 'q'.repeat(280));
  assert.equal(quote.body.message.quoted_author?.id, me.userId);
  const other = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: me.token,
    body: { name: 'elsewhere' },
  });
  for (const id of ['msg_nope', target.body.message.id]) {
    const chan = id === 'msg_nope' ? cid : other.body.channel.id;
    const bad = await api(srv, 'POST', `/api/channels/${chan}/messages`, {
      token: me.token,
      body: { body: 'x', quoted_message_id: id },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'quoted message is not in this channel, conversation, or thread');
  }
});

test('input errors: empty, oversized, malformed, wrong types', async () => {
  const post = (raw: string, headers: Record<string, string> = {}) =>
    api(srv, 'POST', `/api/channels/${cid}/messages`, { token: me.token, raw, headers });
  assert.equal(
    (await post(JSON.stringify({ body: '   ' }))).body.error,
    'message body is required',
  );
  assert.equal((await post(JSON.stringify({ body: 'x'.repeat(40_001) }))).status, 400);
  assert.equal((await post(JSON.stringify({ body: 'x'.repeat(1024 * 1024 + 10) }))).status, 413);
  assert.equal((await post('{"body": "a"} {"body": "b"}')).status, 400);
  assert.equal((await post('{"body": ')).status, 400);
  assert.equal((await post('')).status, 400);
  assert.equal((await post(JSON.stringify({ body: 7 }))).status, 400);
  assert.equal((await post('body=x', { 'content-type': 'text/plain' })).status, 415);
  const res = await post(JSON.stringify({ body: 'x', kind: 'weird' }));
  assert.equal(res.status, 400);
  assert.equal(typeof res.body.error, 'string');
  assert.equal((await post(JSON.stringify({ body: 'x', turn_id: 't1' }))).status, 400);
  const agent = await post(
    JSON.stringify({ body: 'thinking', kind: 'agent_commentary', turn_id: 't1' }),
  );
  assert.equal(agent.status, 201);
});

test('correlation ids are echoed and stored on the event; unsafe ones are replaced', async () => {
  const res = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'traced' },
    headers: { 'x-correlation-id': 'run-42:step.1' },
  });
  assert.equal(res.headers.get('x-correlation-id'), 'run-42:step.1');
  assert.equal(res.body.event?.payload.correlation_id, 'run-42:step.1');
  const unsafe = await api<MessageEventResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: me.token,
    body: { body: 'traced' },
    headers: { 'x-correlation-id': 'bad id <script>' },
  });
  assert.notEqual(unsafe.headers.get('x-correlation-id'), 'bad id <script>');
  assert.ok(unsafe.headers.get('x-correlation-id'));
  assert.equal(unsafe.body.event?.payload.correlation_id, undefined);
  const error = await api(srv, 'GET', '/api/messages/msg_x', { token: me.token });
  assert.ok(error.headers.get('x-correlation-id'));
});
