import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Channel,
  ChannelListResponse,
  ChannelResponse,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';
import { mintInvite } from '../src/services/invites/invites.js';

let srv: TestServer;
let owner: { token: string; userId: string };
let member: { token: string; userId: string };
let outsider: { token: string; userId: string };
let wid: string;
before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  member = await signIn(srv, 'member@x.io', 'Member');
  outsider = await signIn(srv, 'outsider@x.io', 'Outsider');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  wid = ws.body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
});
after(() => srv.close());

test('channel create: slug names, extras stored, one event, conflicts named clearly', async () => {
  const res = await api<{
    channel: Channel & Record<string, unknown>;
    event: Record<string, unknown>;
  }>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: member.token,
    body: {
      name: '#Random Stuff',
      display_title: 'Random stuff',
      external_managed: true,
      external_ref: 'gh:1',
      external_url: 'https://example.com/1',
      sidebar_section: 'Projects',
      author_model: 'ignored',
    },
  });
  assert.equal(res.status, 201);
  const ch = res.body.channel;
  assert.equal(ch.name, 'random-stuff');
  assert.equal(ch.kind, 'public');
  assert.equal(ch.display_title, 'Random stuff');
  assert.equal(ch.external_managed, true);
  assert.equal(ch.external_ref, 'gh:1');
  assert.equal(ch.sidebar_section, 'Projects');
  assert.match(ch.route_id, /^C[0-9A-Z]{16}$/);
  assert.equal(res.body.event.type, 'channel.created');
  assert.equal(res.body.event.channel_id, ch.id);

  const dup = await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name: 'random stuff' },
  });
  assert.equal(dup.status, 409);
  for (const word of ['unique', 'channel', 'workspace', 'name'])
    assert.ok(String(dup.body.error).includes(word));

  const got = await api<ChannelResponse>(srv, 'GET', `/api/channels/${ch.id}`, {
    token: owner.token,
  });
  assert.equal(got.status, 200);
  assert.equal(got.body.channel.name, 'random-stuff');

  for (const body of [
    { name: 'guest' },
    { name: 'x', kind: 'secret' },
    { name: 'x'.repeat(300) },
    {},
  ]) {
    const bad = await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
      body,
    });
    assert.equal(bad.status, 400, JSON.stringify(body));
  }
  const stranger = await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: outsider.token,
    body: { name: 'z' },
  });
  assert.equal(stranger.status, 404);
});

test('a private channel is invisible to everyone outside it', async () => {
  const res = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name: 'secret-plans', kind: 'private' },
  });
  assert.equal(res.status, 201);
  const id = res.body.channel.id;
  const ownerList = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
  });
  assert.ok(ownerList.body.channels.some((c) => c.id === id && c.kind === 'private'));
  const memberList = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: member.token,
  });
  assert.ok(!memberList.body.channels.some((c) => c.id === id));
  assert.deepEqual(
    memberList.body.channels.map((c) => c.name),
    [...memberList.body.channels.map((c) => c.name)].sort(),
  );
  const posted = await api<MessageResponse>(srv, 'POST', `/api/channels/${id}/messages`, {
    token: owner.token,
    body: { body: 'top secret' },
  });
  assert.equal(posted.status, 201);
  for (const [method, path, body] of [
    ['GET', `/api/channels/${id}`, undefined],
    ['GET', `/api/channels/${id}/messages`, undefined],
    ['POST', `/api/channels/${id}/messages`, { body: 'let me in' }],
    ['GET', `/api/messages/${posted.body.message.id}`, undefined],
    ['GET', `/api/messages/${posted.body.message.id}/thread`, undefined],
    ['POST', `/api/messages/${posted.body.message.id}/thread/replies`, { body: 'hi' }],
  ] as const) {
    for (const who of [member, outsider]) {
      const r = await api(srv, method, path, { token: who.token, body });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.ok(!JSON.stringify(r.body).includes('top secret'));
    }
  }
  const missing = await api(srv, 'GET', '/api/channels/chn_nope', { token: owner.token });
  assert.equal(missing.status, 404);
});

test('unread counts follow the read pointer; your own posts are read', async () => {
  const ch = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name: 'counts' },
  });
  const id = ch.body.channel.id;
  for (let i = 0; i < 3; i++)
    await api(srv, 'POST', `/api/channels/${id}/messages`, {
      token: owner.token,
      body: { body: `m${i}` },
    });
  const asOwner = await api<ChannelResponse>(srv, 'GET', `/api/channels/${id}`, {
    token: owner.token,
  });
  assert.equal(asOwner.body.channel.last_seq, 3);
  assert.equal(asOwner.body.channel.unread_count, 0);
  const asMember = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: member.token,
  });
  const c = asMember.body.channels.find((x) => x.id === id)!;
  assert.equal(c.unread_count, 3);
  assert.equal(c.last_read_seq, 0);
});
