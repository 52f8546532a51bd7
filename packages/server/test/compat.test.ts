import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  Message,
  MessageResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { api, startTestServer, team, type SignedIn, type TestServer } from './helpers.js';
import { TestSocket, type Frame } from './ws-client.js';
import { ClickClackClient, ClickClackError } from '@clickclack/sdk';
import { createBot } from '../src/services/bots/bots.js';

/** Issue 25: compatibility with upstream clients (mentions, profiles, notifications, routes). */

type Ev = Frame & { mentioned_user_ids?: string[] };

let srv: TestServer;
let owner: SignedIn, alice: SignedIn, bob: SignedIn, carol: SignedIn;
let wid: string, wsRoute: string;
let general: string;
let secret: string;
let dm: { id: string; route_id: string };
let agent: { token: string; userId: string };

const get = <T>(u: SignedIn | string, path: string) =>
  api<T>(srv, 'GET', path, { token: typeof u === 'string' ? u : u.token });
const send = <T>(u: SignedIn | string, method: string, path: string, body?: unknown) =>
  api<T>(srv, method, path, { token: typeof u === 'string' ? u : u.token, body });

const post = async (u: SignedIn, channel: string, body: string) => {
  const res = await send<{ message: Message; event: Ev }>(
    u,
    'POST',
    `/api/channels/${channel}/messages`,
    { body },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
};

const socket = (u: SignedIn, workspaceId = wid) =>
  TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${workspaceId}`, {
    headers: { authorization: `Bearer ${u.token}` },
  });

/** The events `u` pulls from the log of a workspace (the whole log: tests are small). */
const pulled = async (u: SignedIn | string, workspaceId = wid) =>
  (await get<{ events: Ev[] }>(u, `/api/realtime/events?workspace_id=${workspaceId}&limit=500`))
    .body.events;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [
    ['alice@x.io', 'Alice'],
    ['bob@x.io', 'Bob'],
    ['carol@x.io', 'Carol'],
  ]);
  owner = t.owner;
  [alice, bob, carol] = t.members as [SignedIn, SignedIn, SignedIn];
  wid = t.workspaceId;
  general = t.generalId;
  for (const [u, handle] of [
    [owner, 'boss'],
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
  ] as const) {
    assert.equal((await send(u, 'PATCH', '/api/me', { handle })).status, 200);
  }
  wsRoute = (await get<{ workspace: { route_id: string } }>(owner, `/api/workspaces/${wid}`)).body
    .workspace.route_id;
  secret = (
    await send<ChannelResponse>(owner, 'POST', `/api/workspaces/${wid}/channels`, {
      name: 'secret',
      kind: 'private',
    })
  ).body.channel.id;
  assert.equal(
    (await send(owner, 'POST', `/api/channels/${secret}/members`, { user_id: alice.userId }))
      .status,
    200,
  );
  dm = (
    await send<{ conversation: { id: string; route_id: string } }>(owner, 'POST', '/api/dms', {
      workspace_id: wid,
      member_ids: [alice.userId],
    })
  ).body.conversation;
  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: owner.userId,
    displayName: 'Agent',
    handle: 'agent',
    scopes: 'bot:read',
  });
  agent = { token: bot.token, userId: bot.bot.id };
});
after(() => srv.close());

describe('mentioned_user_ids', () => {
  test('channel messages carry the resolved @handle mentions at the top level, everywhere', async () => {
    const bobSock = await socket(bob);
    const agentSock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    try {
      const res = await post(owner, general, 'hi @Alice, @agent and @nobody (and @channel) @boss');
      const expected = [alice.userId, agent.userId].sort();
      // The author's own handle is not an address; @channel and unknown handles are not ids.
      assert.deepEqual(res.event.mentioned_user_ids, expected);
      assert.equal(res.event.payload.mentioned_user_ids, undefined);
      for (const sock of [bobSock, agentSock]) {
        await sock.until(() => sock.frames.some((f) => f.id === res.event.id), 5000, 'frame');
        const frame = sock.frames.find((f) => f.id === res.event.id) as Ev;
        assert.deepEqual(frame.mentioned_user_ids, expected);
        // Top level of the envelope, after the payload, as upstream's SDK declares it.
        assert.deepEqual(Object.keys(frame).slice(-2), ['payload', 'mentioned_user_ids']);
      }
      const fromLog = (await pulled(agent.token)).find((e) => e.id === res.event.id);
      assert.deepEqual(fromLog?.mentioned_user_ids, expected);

      const plain = await post(owner, general, 'nobody addressed');
      assert.equal('mentioned_user_ids' in plain.event, false);
      await bobSock.until(() => bobSock.frames.some((f) => f.id === plain.event.id));
      assert.equal('mentioned_user_ids' in bobSock.frames.at(-1)!, false);
    } finally {
      bobSock.close();
      agentSock.close();
    }
  });

  test('only readers count: a private channel drops members outside it', async () => {
    const res = await post(owner, secret, '@alice @bob look');
    assert.deepEqual(res.event.mentioned_user_ids, [alice.userId]);
    const fromLog = (await pulled(alice)).find((e) => e.id === res.event.id);
    assert.deepEqual(fromLog?.mentioned_user_ids, [alice.userId]);
  });

  test('DMs address only their members', async () => {
    const res = await send<{ event: Ev }>(owner, 'POST', `/api/dms/${dm.id}/messages`, {
      body: '@alice and @bob',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.event.mentioned_user_ids, [alice.userId]);
    const fromLog = (await pulled(alice)).find((e) => e.id === res.body.event.id);
    assert.deepEqual(fromLog?.mentioned_user_ids, [alice.userId]);
  });

  test('thread replies (channel and DM) carry them on thread.reply_created', async () => {
    const carolSock = await socket(carol);
    try {
      const root = await post(owner, general, 'thread root');
      const reply = await send<{ events: Ev[] }>(
        bob,
        'POST',
        `/api/messages/${root.message.id}/thread/replies`,
        { body: 'over to @carol and @alice' },
      );
      assert.equal(reply.status, 201);
      const [created, state] = reply.body.events as [Ev, Ev];
      assert.equal(created.type, 'thread.reply_created');
      assert.deepEqual(created.mentioned_user_ids, [alice.userId, carol.userId].sort());
      assert.equal('mentioned_user_ids' in state, false);
      await carolSock.until(() => carolSock.frames.some((f) => f.id === created.id));
      const frame = carolSock.frames.find((f) => f.id === created.id) as Ev;
      assert.deepEqual(frame.mentioned_user_ids, created.mentioned_user_ids);
      const fromLog = (await pulled(carol)).find((e) => e.id === created.id);
      assert.deepEqual(fromLog?.mentioned_user_ids, created.mentioned_user_ids);

      const dmRoot = await send<MessageResponse>(owner, 'POST', `/api/dms/${dm.id}/messages`, {
        body: 'dm root',
      });
      const dmReply = await send<{ events: Ev[] }>(
        alice,
        'POST',
        `/api/messages/${dmRoot.body.message.id}/thread/replies`,
        { body: '@boss @carol' },
      );
      assert.equal(dmReply.status, 201);
      assert.deepEqual(dmReply.body.events[0]!.mentioned_user_ids, [owner.userId]);
    } finally {
      carolSock.close();
    }
  });
});

describe('user.updated', () => {
  test('a profile change reaches every member of every workspace the user is in, once', async () => {
    const other = (
      await send<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
        name: 'Other',
      })
    ).body.workspace.id;
    const inv = await send<{ token: string }>(owner, 'POST', `/api/workspaces/${other}/invites`);
    assert.equal((await send(bob, 'POST', `/api/invites/${inv.body.token}/accept`)).status, 200);
    // carol shares only the first workspace with bob, owner both.
    const socks = {
      ownerHere: await socket(owner),
      ownerThere: await socket(owner, other),
      carol: await socket(carol),
    };
    try {
      const res = await send<{ user: { display_name: string } }>(bob, 'PATCH', '/api/me', {
        display_name: 'Robert',
      });
      assert.equal(res.status, 200);
      // Sockets replay the log from its start: bob's earlier handle change shows as well.
      const isUpdate = (f: Frame) =>
        f.type === 'user.updated' &&
        f.payload.user_id === bob.userId &&
        (f.payload.user as { display_name: string }).display_name === 'Robert';
      for (const [name, sock] of Object.entries(socks)) {
        await sock.until(() => sock.frames.some(isUpdate), 5000, `user.updated on ${name}`);
      }
      // No second copy arrives: a later event shows the stream moved on past it.
      await post(owner, general, 'after the update');
      await socks.carol.until(() => socks.carol.frames.some((f) => f.type === 'message.created'));
      for (const [name, sock] of Object.entries(socks)) {
        const updates = sock.frames.filter(isUpdate);
        assert.equal(updates.length, 1, `${name}: ${JSON.stringify(updates)}`);
        const user = updates[0]!.payload.user as Record<string, unknown>;
        assert.equal(user.display_name, 'Robert');
        assert.equal(user.handle, 'bob');
        assert.equal(user.email, undefined);
      }
      assert.equal(socks.ownerThere.frames.find(isUpdate)!.workspace_id, other);
      for (const [u, ws] of [
        [carol, wid],
        [owner, other],
      ] as const) {
        assert.equal((await pulled(u, ws)).filter(isUpdate).length, 1);
      }
      // Saving the same profile again changes nothing and tells nobody.
      await send(bob, 'PATCH', '/api/me', { display_name: 'Robert' });
      assert.equal((await pulled(carol)).filter(isUpdate).length, 1);
    } finally {
      for (const sock of Object.values(socks)) sock.close();
    }
  });
});

describe('channel notification settings', () => {
  const settings = (channel: string) => `/api/channels/${channel}/notification-settings`;
  const listed = async (u: SignedIn, channel: string) =>
    (await get<ChannelListResponse>(u, `/api/workspaces/${wid}/channels`)).body.channels.find(
      (c) => c.id === channel,
    )!;

  test('all by default; mentions-only and muted change the badges the channel list shows', async () => {
    const talk = (
      await send<ChannelResponse>(owner, 'POST', `/api/workspaces/${wid}/channels`, {
        name: 'notify-talk',
      })
    ).body.channel.id;
    assert.deepEqual((await get(carol, settings(talk))).body, { preference: 'all' });
    await post(owner, talk, 'one');
    await post(owner, talk, 'two for @carol');
    let c = await listed(carol, talk);
    assert.equal(c.notification_preference, 'all');
    assert.equal(c.unread_count, 2);
    assert.equal(c.mention_count, 1);

    const set = await send(carol, 'PATCH', settings(talk), { preference: 'mentions' });
    assert.deepEqual([set.status, set.body], [200, { preference: 'mentions' }]);
    assert.deepEqual((await get(carol, settings(talk))).body, { preference: 'mentions' });
    c = await listed(carol, talk);
    assert.deepEqual(
      [c.notification_preference, c.unread_count, c.mention_count],
      ['mentions', 0, 1],
    );

    await send(carol, 'PATCH', settings(talk), { preference: 'muted' });
    c = await listed(carol, talk);
    assert.deepEqual([c.notification_preference, c.unread_count, c.mention_count], ['muted', 0, 0]);
    const one = (await get<ChannelResponse>(carol, `/api/channels/${talk}`)).body.channel;
    assert.deepEqual([one.unread_count, one.mention_count], [0, 0]);
    // The preference is carol's alone.
    const b = await listed(bob, talk);
    assert.deepEqual([b.notification_preference, b.unread_count], ['all', 2]);

    await send(carol, 'PATCH', settings(talk), { preference: 'all' });
    c = await listed(carol, talk);
    assert.deepEqual([c.unread_count, c.mention_count], [2, 1]);
  });

  test('bad input is a clear 400; a private channel you are not in is a 404', async () => {
    const bad = await send<{ error: string }>(carol, 'PATCH', settings(general), {
      preference: 'loud',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'preference must be all, mentions, or muted');
    assert.equal((await send(carol, 'PATCH', settings(general), {})).status, 400);
    assert.equal((await get(bob, settings(secret))).status, 404);
    assert.equal((await send(bob, 'PATCH', settings(secret), { preference: 'muted' })).status, 404);
    assert.equal((await get(alice, settings(secret))).status, 200);
    assert.equal((await get(bob, settings('chn_missing'))).status, 404);
  });
});

describe('routes', () => {
  type Route = Record<string, string>;
  const resolve = (u: SignedIn, ws: string, target: string) =>
    get<{ route: Route; error?: string }>(u, `/api/routes/${ws}/${target}`);

  test('Copy link allocates a thread root one immutable M… route id; the resolver finds it', async () => {
    const root = await post(owner, general, 'link me');
    const first = await send<MessageResponse>(
      bob,
      'POST',
      `/api/messages/${root.message.id}/route`,
    );
    assert.equal(first.status, 200);
    assert.equal(first.body.message.id, root.message.id);
    const routeId = first.body.message.route_id!;
    assert.match(routeId, /^M[0-9A-Z]{16}$/);
    const again = await send<MessageResponse>(
      owner,
      'POST',
      `/api/messages/${root.message.id}/route`,
    );
    assert.equal(again.body.message.route_id, routeId);
    // Single-message reads show it from then on.
    const read = await get<MessageResponse>(carol, `/api/messages/${root.message.id}`);
    assert.equal(read.body.message.route_id, routeId);
    const thread = await get<{ root: Message }>(carol, `/api/messages/${root.message.id}/thread`);
    assert.equal(thread.body.root.route_id, routeId);

    const generalRoute = (await get<ChannelResponse>(bob, `/api/channels/${general}`)).body.channel
      .route_id;
    const r = await resolve(bob, wsRoute, routeId);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.route, {
      workspace_id: wid,
      workspace_route_id: wsRoute,
      target_type: 'thread',
      target_id: root.message.id,
      target_route_id: routeId,
      parent_type: 'channel',
      parent_id: general,
      parent_route_id: generalRoute,
      canonical_path: `/app/${wsRoute}/${routeId}`,
    });
    const reply = await send<MessageResponse>(
      owner,
      'POST',
      `/api/messages/${root.message.id}/thread/replies`,
      { body: 'a reply' },
    );
    const onReply = await send<{ error: string }>(
      owner,
      'POST',
      `/api/messages/${reply.body.message.id}/route`,
    );
    assert.equal(onReply.status, 400);
    assert.match(onReply.body.error, /thread root/);
  });

  test('channel and DM routes resolve for those who can read them, legacy ids too', async () => {
    const ch = (await get<ChannelResponse>(bob, `/api/channels/${general}`)).body.channel;
    const r = await resolve(bob, wsRoute, ch.route_id);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.route, {
      workspace_id: wid,
      workspace_route_id: wsRoute,
      target_type: 'channel',
      target_id: general,
      target_route_id: ch.route_id,
      canonical_path: `/app/${wsRoute}/${ch.route_id}`,
    });
    const legacy = await resolve(bob, wid, general);
    assert.deepEqual(legacy.body.route, r.body.route);

    const d = await resolve(alice, wsRoute, dm.route_id);
    assert.equal(d.status, 200);
    assert.equal(d.body.route.target_type, 'direct');
    assert.equal(d.body.route.target_id, dm.id);
  });

  test('what you cannot read is a 404, like what does not exist', async () => {
    const secretRoute = (await get<ChannelResponse>(alice, `/api/channels/${secret}`)).body.channel
      .route_id;
    assert.equal((await resolve(alice, wsRoute, secretRoute)).status, 200);
    const hiddenChannel = await resolve(bob, wsRoute, secretRoute);
    assert.equal(hiddenChannel.status, 404);
    assert.equal(hiddenChannel.body.error, 'route not found');
    assert.equal((await resolve(bob, wid, secret)).status, 404);
    assert.equal((await resolve(carol, wsRoute, dm.route_id)).status, 404);
    assert.equal((await resolve(carol, wid, dm.id)).status, 404);

    const inSecret = await post(owner, secret, 'private root');
    assert.equal(
      (await send(bob, 'POST', `/api/messages/${inSecret.message.id}/route`)).status,
      404,
    );
    const m = (
      await send<MessageResponse>(alice, 'POST', `/api/messages/${inSecret.message.id}/route`)
    ).body.message.route_id!;
    assert.equal((await resolve(alice, wsRoute, m)).body.route?.parent_route_id, secretRoute);
    assert.equal((await resolve(bob, wsRoute, m)).status, 404);

    assert.equal((await resolve(bob, wsRoute, 'C0000000000000000')).status, 404);
    assert.equal((await resolve(bob, 'T0000000000000000', 'C0000000000000000')).status, 404);
    assert.equal((await resolve(bob, wsRoute, 'X123')).status, 404);
  });
});

test('the SDK speaks the new endpoints', async () => {
  const sdk = new ClickClackClient({ baseUrl: srv.url, token: alice.token });
  assert.equal(await sdk.channels.getNotificationPreference(secret), 'all');
  assert.equal(await sdk.channels.updateNotificationPreference(secret, 'mentions'), 'mentions');
  assert.equal(
    (await sdk.channels.list(wid)).find((c) => c.id === secret)?.notification_preference,
    'mentions',
  );
  const root = await post(owner, secret, 'sdk root');
  const linked = await sdk.messages.ensureRoute(root.message.id);
  assert.match(linked.route_id ?? '', /^M[0-9A-Z]{16}$/);
  const route = await sdk.routes.resolve(wsRoute, linked.route_id!);
  assert.equal(route.target_id, root.message.id);
  const stranger = new ClickClackClient({ baseUrl: srv.url, token: bob.token });
  await assert.rejects(
    stranger.routes.resolve(wsRoute, linked.route_id!),
    (e) => e instanceof ClickClackError && e.status === 404,
  );
});

describe('upstream routes outside this server', () => {
  const cases: [string, string, SignedIn | undefined][] = [
    ['GET', '/api/workspaces/:ws/topics', undefined],
    ['POST', '/api/workspaces/:ws/topics', undefined],
    ['GET', '/api/workspaces/:ws/connected-accounts', undefined],
    ['POST', '/api/workspaces/:ws/connected-accounts', undefined],
    ['POST', '/api/connected-accounts/acct_1/revoke', undefined],
    ['GET', '/api/auth/github/start', undefined],
    ['GET', '/api/auth/github/callback?code=x&state=y', undefined],
    ['GET', '/api/auth/github/desktop/start', undefined],
    ['POST', '/api/auth/github/desktop/consume', undefined],
  ];

  test('answer 501 with a clear error, not 404, and are listed in OpenAPI', async () => {
    const openapi = (
      await get<{ paths: Record<string, Record<string, unknown>> }>(owner, '/api/openapi.json')
    ).body.paths;
    for (const [method, path] of cases) {
      const res = await api<{ error: string; code: string }>(
        srv,
        method,
        path.replace(':ws', wid),
        {
          token: owner.token,
          ...(method === 'POST' ? { body: {} } : {}),
        },
      );
      assert.equal(res.status, 501, `${method} ${path}`);
      assert.match(
        res.body.error,
        /^this server does not support (topics|connected accounts|GitHub sign-in)$/,
      );
      assert.equal(res.body.code, 'not_implemented');
      const documented = path
        .split('?')[0]!
        .replace(':ws', '{workspace_id}')
        .replace('acct_1', '{account_id}');
      assert.ok(openapi[documented]?.[method.toLowerCase()], `${method} ${documented} in OpenAPI`);
    }
  });
});
