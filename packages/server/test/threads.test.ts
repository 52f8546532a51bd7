import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelResponse,
  Message,
  MessageResponse,
  ReplyResponse,
  ThreadPage,
  ThreadState,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';
import { mintInvite } from '../src/services/invites/invites.js';

let srv: TestServer;
let a: { token: string; userId: string };
let b: { token: string; userId: string };
let cid: string;
let rootId: string;
before(async () => {
  srv = await startTestServer();
  a = await signIn(srv, 'local@clickclack.chat');
  b = await signIn(srv, 'b@x.io', 'B');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: a.token,
  });
  const wid = ws.body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: a.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: b.token });
  const ch = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: a.token,
    body: { name: 'threads' },
  });
  cid = ch.body.channel.id;
  const root = await api<MessageResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: a.token,
    body: { body: 'root' },
  });
  rootId = root.body.message.id;
});
after(() => srv.close());

const reply = (token: string, body: Record<string, unknown>, id = rootId) =>
  api<ReplyResponse>(srv, 'POST', `/api/messages/${id}/thread/replies`, { token, body });

test('replies: exact counters, recent repliers, events, and never in the channel timeline', async () => {
  const r1 = await reply(a.token, { body: 'first' });
  assert.equal(r1.status, 201);
  assert.equal(r1.body.message.parent_message_id, rootId);
  assert.equal(r1.body.message.thread_root_id, rootId);
  assert.equal(r1.body.message.thread_seq, 1);
  assert.equal(r1.body.message.channel_id, cid);
  assert.deepEqual(
    r1.body.events?.map((e) => e.type),
    ['thread.reply_created', 'thread.state_updated'],
  );
  assert.ok(r1.body.events?.every((e) => e.channel_id === cid && e.seq === undefined));
  await reply(b.token, { body: 'second' });
  const r3 = await reply(a.token, { body: 'third' });
  assert.equal(r3.body.thread_state.reply_count, 3);
  assert.deepEqual(r3.body.thread_state.last_reply_author_ids, [a.userId, b.userId]);
  assert.equal(r3.body.thread_state.last_reply_at, r3.body.message.created_at);
  const page = await api<{ messages: (Message & { thread_state: ThreadState })[] }>(
    srv,
    'GET',
    `/api/channels/${cid}/messages`,
    { token: b.token },
  );
  assert.deepEqual(
    page.body.messages.map((m) => m.body),
    ['root'],
  );
  assert.equal(page.body.messages[0]!.thread_state.reply_count, 3);
});

test('thread pages: earliest by default, latest=true, cursors, and their errors', async () => {
  const ch = await api<MessageResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: a.token,
    body: { body: 'busy' },
  });
  const id = ch.body.message.id;
  for (let i = 1; i <= 12; i++) await reply(i % 2 ? a.token : b.token, { body: `r${i}` }, id);
  const get = (q: string) =>
    api<ThreadPage>(srv, 'GET', `/api/messages/${id}/thread${q}`, { token: b.token });
  const first = await get('?limit=5');
  assert.equal(first.status, 200);
  assert.equal(first.body.root.id, id);
  assert.equal(first.body.root.thread_state, undefined);
  assert.deepEqual(
    first.body.replies.map((r) => r.thread_seq),
    [1, 2, 3, 4, 5],
  );
  assert.equal(first.body.thread_state.reply_count, 12);
  assert.equal(first.body.has_older, false);
  assert.equal(first.body.has_newer, true);
  assert.deepEqual(
    (await get('?limit=5&latest=true')).body.replies.map((r) => r.thread_seq),
    [8, 9, 10, 11, 12],
  );
  assert.deepEqual(
    (await get('?limit=3&after_seq=10')).body.replies.map((r) => r.thread_seq),
    [11, 12],
  );
  assert.deepEqual(
    (await get('?limit=3&before_seq=4')).body.replies.map((r) => r.thread_seq),
    [1, 2, 3],
  );
  assert.deepEqual(
    (await get('?limit=3&around_seq=6')).body.replies.map((r) => r.thread_seq),
    [5, 6, 7],
  );
  for (const q of [
    '?mode=latest',
    '?latest=yes',
    '?latest=true&after_seq=1',
    '?after_seq=1&before_seq=3',
  ]) {
    assert.equal((await get(q)).status, 400, q);
  }
  const replyId = first.body.replies[0]!.id;
  const notRoot = await api(srv, 'GET', `/api/messages/${replyId}/thread`, { token: b.token });
  assert.equal(notRoot.status, 400);
  assert.equal(notRoot.body.error, 'thread root must be a root message');
  const nested = await reply(a.token, { body: 'deeper' }, replyId);
  assert.equal(nested.status, 400);
  assert.equal(
    (nested.body as unknown as { error: string }).error,
    'nested thread replies are not supported',
  );
  assert.equal((await reply(a.token, { body: ' ' }, id)).status, 400);
  assert.equal((await reply(a.token, { body: 'x' }, 'msg_missing')).status, 404);
});

test('reply nonce replays return events: null; quotes stay inside the thread', async () => {
  const ch = await api<MessageResponse>(srv, 'POST', `/api/channels/${cid}/messages`, {
    token: a.token,
    body: { body: 'nonce root' },
  });
  const id = ch.body.message.id;
  const first = await reply(a.token, { body: 'once', nonce: 'reply-nonce' }, id);
  assert.equal(first.status, 201);
  const again = await reply(a.token, { body: 'once', nonce: 'reply-nonce' }, id);
  assert.equal(again.status, 200);
  assert.equal(again.body.events, null);
  assert.equal(again.body.message.id, first.body.message.id);
  assert.equal(again.body.thread_state.reply_count, 1);
  assert.equal((await reply(a.token, { body: 'changed', nonce: 'reply-nonce' }, id)).status, 409);
  const q = await reply(b.token, { body: 'quoting', quoted_message_id: first.body.message.id }, id);
  assert.equal(q.status, 201);
  const outside = await reply(b.token, { body: 'quoting', quoted_message_id: rootId }, id);
  assert.equal(outside.status, 400);
});
