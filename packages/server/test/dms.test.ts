import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  DirectConversation,
  DmListResponse,
  DmResponse,
  Event,
  Message,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, sqlOf, startTestServer, type TestServer, type SignedIn } from './helpers.js';
import { TestSocket } from './ws-client.js';
import { mintInvite } from '../src/services/invites/invites.js';
import { createBot } from '../src/services/bots/bots.js';

let srv: TestServer;
let a: SignedIn, b: SignedIn, c: SignedIn, outsider: SignedIn;
let wid: string;
let reader: string;
let writer: string;

before(async () => {
  srv = await startTestServer();
  a = await signIn(srv, 'local@clickclack.chat');
  wid = (await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', { token: a.token })).body
    .workspaces[0]!.id;
  [b, c, outsider] = (await Promise.all(
    ['b', 'c', 'outsider'].map((n) => signIn(srv, `${n}@x.io`, n.toUpperCase())),
  )) as [SignedIn, SignedIn, SignedIn];
  for (const u of [b!, c!]) {
    const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: a.userId });
    await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: u.token });
  }
  reader = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: a.userId,
      displayName: 'Reader',
      scopes: 'channels:read,messages:read,profile:read',
    })
  ).token;
  writer = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: a.userId,
      displayName: 'Writer',
      scopes: 'bot:write',
    })
  ).token;
});
after(() => srv.close());

const open = (u: SignedIn | string, ids: string[]) =>
  api<{ conversation: DirectConversation; event?: Event }>(srv, 'POST', '/api/dms', {
    token: typeof u === 'string' ? u : u.token,
    body: { workspace_id: wid, member_ids: ids },
  });

test('1:1 DMs are deduplicated; groups are not; limits and membership are enforced', async () => {
  const first = await open(a, [b.userId]);
  assert.equal(first.status, 201);
  assert.match(first.body.conversation.id, /^dm_/);
  assert.match(first.body.conversation.route_id, /^D[0-9A-Z]{16}$/);
  assert.equal(first.body.event?.type, 'dm.created');
  assert.equal(first.body.conversation.can_send, true);
  const again = await open(b, [a.userId, ` ${a.userId} `]);
  assert.equal(again.status, 201);
  assert.equal(again.body.conversation.id, first.body.conversation.id);
  assert.equal(again.body.event, undefined);
  const group1 = await open(a, [b.userId, c.userId]);
  const group2 = await open(a, [b.userId, c.userId]);
  assert.notEqual(group1.body.conversation.id, group2.body.conversation.id);
  assert.equal((await open(a, [])).status, 400);
  assert.equal((await open(a, [a.userId])).status, 400);
  assert.equal((await open(a, [outsider.userId])).status, 400);
  assert.equal(
    (
      await open(
        a,
        Array.from({ length: 40 }, (_, i) => `usr_${i}`),
      )
    ).status,
    400,
  );
  assert.equal((await open(outsider, [a.userId])).status, 404);
  assert.equal((await open(reader, [a.userId])).status, 403);
});

test('DM messages: pages, events only for members, nothing visible to anyone else', async () => {
  const dm = (await open(a, [c.userId])).body.conversation;
  const tail = (
    await api<{ tail_cursor: string }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&limit=1`,
      { token: b.token },
    )
  ).body.tail_cursor;
  const bSock = await TestSocket.open(
    `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${tail}`,
    { headers: { authorization: `Bearer ${b.token}` } },
  );
  const cSock = await TestSocket.open(
    `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${tail}`,
    { headers: { authorization: `Bearer ${c.token}` } },
  );
  const sent = await api<{ message: Message; event: Event }>(
    srv,
    'POST',
    `/api/dms/${dm.id}/messages`,
    {
      token: a.token,
      body: { body: 'psst', nonce: 'dm-1' },
    },
  );
  assert.equal(sent.status, 201);
  assert.equal(sent.body.message.direct_conversation_id, dm.id);
  assert.equal(sent.body.message.channel_id, undefined);
  assert.equal(sent.body.message.channel_seq, 1);
  assert.equal(sent.body.event.channel_id, undefined);
  assert.equal(sent.body.event.seq, 1);
  assert.equal(sent.body.event.payload.direct_conversation_id, dm.id);
  const replay = await api<{ message: Message; event?: Event }>(
    srv,
    'POST',
    `/api/dms/${dm.id}/messages`,
    { token: a.token, body: { body: 'psst', nonce: 'dm-1' } },
  );
  assert.equal(replay.status, 200);
  const reply = await api<{ events: Event[] }>(
    srv,
    'POST',
    `/api/messages/${sent.body.message.id}/thread/replies`,
    { token: c.token, body: { body: 'in a DM thread' } },
  );
  assert.equal(reply.status, 201);
  await api(srv, 'POST', `/api/messages/${sent.body.message.id}/reactions`, {
    token: c.token,
    body: { emoji: '👀' },
  });
  const marker = await api<{ event: Event }>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: a.token,
    body: { name: 'dm-marker' },
  });
  await cSock.until(() => cSock.frames.some((f) => f.type === 'reaction.added'));
  await bSock.until(() => bSock.frames.some((f) => f.cursor === marker.body.event.cursor));
  assert.ok(
    !bSock.frames.some((f) => JSON.stringify(f).includes(dm.id)),
    'a non-member receives nothing of the DM',
  );
  assert.ok(cSock.frames.some((f) => f.type === 'thread.reply_created'));
  const pulled = await api<{ events: Event[] }>(
    srv,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&after_cursor=${tail}`,
    { token: b.token },
  );
  assert.ok(!JSON.stringify(pulled.body).includes(dm.id));

  const page = await api<{ messages: Message[] }>(srv, 'GET', `/api/dms/${dm.id}/messages`, {
    token: c.token,
  });
  assert.deepEqual(
    page.body.messages.map((m) => m.body),
    ['psst'],
  );
  for (const [method, path, body] of [
    ['GET', `/api/dms/${dm.id}`, undefined],
    ['GET', `/api/dms/${dm.id}/messages`, undefined],
    ['POST', `/api/dms/${dm.id}/messages`, { body: 'let me in' }],
    ['GET', `/api/messages/${sent.body.message.id}`, undefined],
    ['GET', `/api/messages/${sent.body.message.id}/thread`, undefined],
    ['POST', `/api/messages/${sent.body.message.id}/reactions`, { emoji: '👍' }],
    ['DELETE', `/api/messages/${sent.body.message.id}`, undefined],
  ] as const) {
    const r = await api(srv, method, path, { token: b.token, body });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.ok(!JSON.stringify(r.body).includes('psst'));
  }
  // Owners moderate channels, not other people's DMs.
  assert.equal(
    (await api(srv, 'DELETE', `/api/messages/${sent.body.message.id}`, { token: c.token })).status,
    403,
  );
  bSock.close();
  cSock.close();
});

test('list, unread, read pointers, close and reopen', async () => {
  const dm = (await open(b, [c.userId])).body.conversation;
  for (const t of ['one', 'two'])
    await api(srv, 'POST', `/api/dms/${dm.id}/messages`, { token: b.token, body: { body: t } });
  let list = await api<DmListResponse>(srv, 'GET', `/api/dms?workspace_id=${wid}`, {
    token: c.token,
  });
  const mine = list.body.conversations.find((d) => d.id === dm.id)!;
  assert.equal(mine.unread_count, 2);
  assert.equal((mine as DirectConversation & { mention_count: number }).mention_count, 2);
  assert.equal(
    (
      await api<DmListResponse>(srv, 'GET', `/api/dms?workspace_id=${wid}`, {
        token: b.token,
      })
    ).body.conversations.find((d) => d.id === dm.id)!.unread_count,
    0,
  );
  const read = await api<{ receipt: { last_read_seq: number } }>(
    srv,
    'POST',
    `/api/dms/${dm.id}/read`,
    { token: c.token, body: { seq: 1 } },
  );
  assert.equal(read.body.receipt.last_read_seq, 1);
  assert.equal(
    (await api<DmResponse>(srv, 'GET', `/api/dms/${dm.id}`, { token: c.token })).body.conversation
      .unread_count,
    1,
  );
  assert.deepEqual((await api(srv, 'DELETE', `/api/dms/${dm.id}`, { token: c.token })).body, {
    ok: true,
  });
  list = await api<DmListResponse>(srv, 'GET', `/api/dms?workspace_id=${wid}`, {
    token: c.token,
  });
  assert.ok(!list.body.conversations.some((d) => d.id === dm.id));
  // A new message reopens it for everyone.
  await api(srv, 'POST', `/api/dms/${dm.id}/messages`, { token: b.token, body: { body: 'three' } });
  list = await api<DmListResponse>(srv, 'GET', `/api/dms?workspace_id=${wid}`, {
    token: c.token,
  });
  assert.ok(list.body.conversations.some((d) => d.id === dm.id));
  await api(srv, 'DELETE', `/api/dms/${dm.id}`, { token: c.token });
  const reopened = await api<DmResponse>(srv, 'POST', `/api/dms/${dm.id}/open`, {
    token: c.token,
    raw: '',
  });
  assert.equal(reopened.status, 200);
  assert.equal((await api(srv, 'DELETE', `/api/dms/${dm.id}`, { token: writer })).status, 403);
});

test('bots need dms scopes; a DM whose peers all left cannot be posted to', async () => {
  const meRes = await api<{ user: { id: string } }>(srv, 'GET', '/api/me', { token: writer });
  assert.equal(meRes.status, 200, JSON.stringify(meRes.body));
  const botUser = meRes.body.user.id;
  const withBot = await open(a, [botUser]);
  assert.equal(withBot.status, 201, JSON.stringify(withBot.body));
  const posted = await api(srv, 'POST', `/api/dms/${withBot.body.conversation.id}/messages`, {
    token: writer,
    body: { body: 'beep' },
  });
  assert.equal(posted.status, 201);
  const readerUser = (await api<{ user: { id: string } }>(srv, 'GET', '/api/me', { token: reader }))
    .body.user.id;
  const withReader = await open(a, [readerUser]);
  assert.equal(
    (
      await api(srv, 'GET', `/api/dms/${withReader.body.conversation.id}/messages`, {
        token: reader,
      })
    ).status,
    403,
  );

  const dm = (await open(a, [c.userId])).body.conversation;
  const root = await api<MessageResponse>(srv, 'POST', `/api/dms/${dm.id}/messages`, {
    token: a.token,
    body: { body: 'before they left' },
  });
  const db = sqlOf(srv);
  await db.run(
    'DELETE FROM workspace_members WHERE user_id = ? AND workspace_id = ?',
    c.userId,
    wid,
  );
  await db.close();
  const gone = await api(srv, 'POST', `/api/dms/${dm.id}/messages`, {
    token: a.token,
    body: { body: 'anyone?' },
  });
  assert.equal(gone.status, 409);
  const reply = await api(srv, 'POST', `/api/messages/${root.body.message.id}/thread/replies`, {
    token: a.token,
    body: { body: 'still there?' },
  });
  assert.equal(reply.status, 409);
  assert.equal(
    (await api<DmResponse>(srv, 'GET', `/api/dms/${dm.id}`, { token: a.token })).body.conversation
      .can_send,
    false,
  );
});
