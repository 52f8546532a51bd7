import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelResponse,
  DmResponse,
  MessageResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import fastJson from 'fast-json-stringify';
import { OPERATIONS } from '@clickclack/protocol';
import { PNG, api, signIn, startTestServer, uploadFile, type TestServer } from './helpers.js';

// Message pages are serialized by JSON.stringify (`presented` in http/route.ts) instead of
// the schema's serializer, which drops fields outside the contract and coerces types. These
// pages, with every optional field in play, must hold exactly what the schema's serializer
// would write: no field outside the contract, none missing, no type left uncoerced. (Key
// order may differ: that serializer writes required fields first; ours follow the schema.)

let srv: TestServer;
let a: { token: string; userId: string };
let b: { token: string; userId: string };
let wid: string;
let cid: string;
let rootId: string;
let dmId: string;

async function raw(path: string, token: string): Promise<string> {
  const res = await fetch(srv.url + path, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return res.text();
}

const post = async (path: string, token: string, body: unknown) => {
  const res = await api<MessageResponse>(srv, 'POST', path, {
    token,
    body,
  });
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${JSON.stringify(res.body)}`);
  return res.body;
};

before(async () => {
  srv = await startTestServer();
  a = await signIn(srv, 'shapes-a@example.com', 'Shapes A');
  b = await signIn(srv, 'shapes-b@example.com', 'Shapes B');
  const ws = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
    token: a.token,
    body: { name: 'Shapes' },
  });
  wid = ws.body.workspace.id;
  await post(`/api/workspaces/${wid}/members`, a.token, { user_id: b.userId });
  const ch = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: a.token,
    body: { name: 'shapes' },
  });
  cid = ch.body.channel.id;
  await post(`/api/channels/${cid}/join`, b.token, {});

  const up = await uploadFile<{ upload: { id: string } }>(
    srv,
    a.token,
    PNG,
    'dot.png',
    'image/png',
    `?workspace_id=${wid}`,
  );
  const uploadId = up.body.upload.id;

  const root = await post(`/api/channels/${cid}/messages`, a.token, {
    body: 'root with **everything**',
    nonce: 'shape-1',
    upload_id: uploadId,
  });
  rootId = root.message.id;
  await post(`/api/channels/${cid}/messages`, b.token, {
    body: 'quoting "it" \u2028 with <html> & \u00e9',
    quoted_message_id: rootId,
  });
  await post(`/api/messages/${rootId}/reactions`, b.token, { emoji: '👀' });
  await post(`/api/messages/${rootId}/reactions`, a.token, { emoji: '👀' });
  await post(`/api/messages/${rootId}/thread/replies`, b.token, { body: 'a reply' });
  const edited = await post(`/api/channels/${cid}/messages`, a.token, { body: 'to edit' });
  await api(srv, 'PATCH', `/api/messages/${edited.message.id}`, {
    token: a.token,
    body: { body: 'edited' },
  });
  const gone = await post(`/api/channels/${cid}/messages`, a.token, { body: 'to delete' });
  await api(srv, 'DELETE', `/api/messages/${gone.message.id}`, { token: a.token });
  await post(`/api/channels/${cid}/messages`, a.token, {
    body: 'agent step',
    kind: 'agent_tool',
    turn_id: 'turn-1',
  });

  const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
    token: a.token,
    body: { workspace_id: wid, member_ids: [b.userId] },
  });
  dmId = dm.body.conversation.id;
  const dmRoot = await post(`/api/dms/${dmId}/messages`, a.token, { body: 'dm root' });
  await post(`/api/dms/${dmId}/messages`, b.token, {
    body: 'dm quote',
    quoted_message_id: dmRoot.message.id,
  });
});
after(() => srv.close());

function assertSchemaShaped(text: string, schema: object, what: string): void {
  const expected: unknown = JSON.parse(fastJson(schema)(JSON.parse(text)) as string);
  assert.deepEqual(JSON.parse(text), expected, `${what} differs from the schema's serialization`);
}

test('channel, thread and DM pages hold exactly what the schema serializes', async () => {
  const page = await raw(`/api/channels/${cid}/messages?limit=50`, b.token);
  const parsed = JSON.parse(page) as { messages: Record<string, unknown>[] };
  // The fixtures above do reach every optional field this test is about.
  const fields = new Set(parsed.messages.flatMap((m) => Object.keys(m)));
  for (const f of [
    'attachments',
    'reactions',
    'thread_state',
    'quoted_author',
    'quoted_body_snapshot',
    'edited_at',
    'deleted_at',
    'turn_id',
    'nonce',
  ]) {
    assert.ok(fields.has(f), `no message on the page has ${f}`);
  }
  assertSchemaShaped(page, OPERATIONS.listMessages.responses[200]!, 'channel page');

  const around = await raw(`/api/channels/${cid}/messages?around_seq=2&limit=2`, a.token);
  assertSchemaShaped(around, OPERATIONS.listMessages.responses[200]!, 'channel page (around)');

  const thread = await raw(`/api/messages/${rootId}/thread`, a.token);
  assertSchemaShaped(thread, OPERATIONS.getThread.responses[200]!, 'thread page');

  const dm = await raw(`/api/dms/${dmId}/messages`, b.token);
  assertSchemaShaped(dm, OPERATIONS.listDmMessages.responses[200]!, 'DM page');
});

test('has_older and has_newer at each edge of a page', async () => {
  type Page = {
    messages: { channel_seq: number }[];
    has_older: boolean;
    has_newer: boolean;
  };
  const get = async (q: string) =>
    JSON.parse(await raw(`/api/channels/${cid}/messages?${q}`, a.token)) as Page;
  const edges = (p: Page) => [p.messages.map((m) => m.channel_seq), p.has_older, p.has_newer];
  // Five roots: seqs 1..5.
  assert.deepEqual(edges(await get('limit=2')), [[4, 5], true, false]);
  assert.deepEqual(edges(await get('limit=5')), [[1, 2, 3, 4, 5], false, false]);
  assert.deepEqual(edges(await get('before_seq=3&limit=2')), [[1, 2], false, true]);
  assert.deepEqual(edges(await get('before_seq=4&limit=2')), [[2, 3], true, true]);
  assert.deepEqual(edges(await get('after_seq=3&limit=2')), [[4, 5], true, false]);
  assert.deepEqual(edges(await get('after_seq=1&limit=2')), [[2, 3], true, true]);
  assert.deepEqual(edges(await get('around_seq=3&limit=3')), [[2, 3, 4], true, true]);
  assert.deepEqual(edges(await get('around_seq=1&limit=3')), [[1, 2, 3], false, true]);
  assert.deepEqual(edges(await get('before_seq=1&limit=2')), [[], false, false]);
});
