import { parseWriteLimits } from '../src/config/write-limits.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  DmResponse,
  Event,
  WorkspaceListResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import {
  TEST_PG_URL,
  api,
  poll,
  signIn,
  sqlOf,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { TestSocket, type Frame } from './ws-client.js';
import { mintInvite } from '../src/services/invites/invites.js';
import { openStore } from '../src/store/open.js';
import { opsDeps } from '../src/services/ops-deps.js';
import { createChannelMessage } from '../src/services/messages/messages.js';

let srv: TestServer;
let owner: { token: string; userId: string };
let member: { token: string; userId: string };
let wid: string;
let general: string;
let secret: string;

before(async () => {
  srv = await startTestServer({
    realtime: { maxBufferedBytes: 256 * 1024 },
    // The slow-consumer test floods the socket with ephemeral frames.
    writeLimits: parseWriteLimits('ephemeral=2000/1m'),
  });
  owner = await signIn(srv, 'local@clickclack.chat');
  member = await signIn(srv, 'member@x.io', 'Member');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  wid = ws.body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
  const chs = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
  });
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
  const sec = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name: 'secret', kind: 'private' },
  });
  secret = sec.body.channel.id;
});
after(() => srv.close());

const post = (token: string, channel: string, body: string) =>
  api<{ message: { id: string }; event: Event }>(srv, 'POST', `/api/channels/${channel}/messages`, {
    token,
    body: { body },
  });
const wsUrl = (after = '') =>
  `${srv.url}/api/realtime/ws?workspace_id=${wid}${after ? `&after_cursor=${after}` : ''}`;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const tail = async (token: string) =>
  (
    await api<{ tail_cursor: string }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&limit=1`,
      { token },
    )
  ).body.tail_cursor;

describe('websocket', () => {
  test('replay from an old cursor meets live events with no gap or duplicate', async () => {
    const first = await post(owner.token, general, 'seed 0');
    for (let i = 1; i < 40; i++) await post(owner.token, general, `seed ${i}`);
    let posting = true;
    const sent: string[] = [];
    const writer = (async () => {
      for (let i = 0; posting || i < 20; i++) {
        const r = await post(member.token, general, `live ${i}`);
        sent.push(r.body.event.cursor);
      }
    })();
    const sock = await TestSocket.open(wsUrl(first.body.event.cursor), bearer(owner.token));
    await new Promise((r) => setTimeout(r, 300));
    posting = false;
    await writer;
    const last = sent[sent.length - 1]!;
    await sock.until(() => sock.frames.some((f) => f.cursor === last), 5000, 'last live event');
    const cursors = sock.durable().map((f) => f.cursor);
    assert.equal(new Set(cursors).size, cursors.length, 'no duplicates');
    assert.deepEqual(cursors, [...cursors].sort(), 'cursor order');
    assert.ok(
      cursors.every((c) => c > first.body.event.cursor),
      'nothing at or before after_cursor',
    );
    const pulled = await api<{ events: Event[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${first.body.event.cursor}&limit=500`,
      { token: owner.token },
    );
    assert.deepEqual(
      cursors,
      pulled.body.events.map((e) => e.cursor),
      'socket and log agree exactly',
    );
    sock.close();
  });

  test('private channel events reach members only, on the socket and the pull endpoint', async () => {
    const from = await tail(owner.token);
    const ownerSock = await TestSocket.open(wsUrl(from), bearer(owner.token));
    const memberSock = await TestSocket.open(wsUrl(from), bearer(member.token));
    const hidden = await post(owner.token, secret, 'classified');
    const visible = await post(owner.token, general, 'public news');
    await memberSock.until(() =>
      memberSock.frames.some((f) => f.cursor === visible.body.event.cursor),
    );
    await ownerSock.until(() =>
      ownerSock.frames.some((f) => f.cursor === visible.body.event.cursor),
    );
    assert.ok(ownerSock.frames.some((f) => f.cursor === hidden.body.event.cursor));
    assert.ok(!memberSock.frames.some((f) => f.channel_id === secret));
    const pull = await api<{ events: Event[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${from}`,
      {
        token: member.token,
      },
    );
    assert.ok(!pull.body.events.some((e) => e.channel_id === secret));
    assert.ok(pull.body.events.some((e) => e.cursor === visible.body.event.cursor));
    // Replaying the same range from the log hides it too.
    const replay = await TestSocket.open(wsUrl(from), bearer(member.token));
    await replay.until(() => replay.frames.some((f) => f.cursor === visible.body.event.cursor));
    assert.ok(!replay.frames.some((f) => f.channel_id === secret));
    for (const s of [ownerSock, memberSock, replay]) s.close();
  });

  test('auth: subprotocol token is echoed, cookie works, bad credentials and origins are refused', async () => {
    const sub = await TestSocket.open(wsUrl(), {
      protocols: [`clickclack.bearer.${member.token}`],
    });
    assert.equal(sub.protocol, `clickclack.bearer.${member.token}`);
    sub.close();
    const cookie = await TestSocket.open(wsUrl(), {
      headers: { cookie: `cc_session=${member.token}`, origin: srv.url },
    });
    cookie.close();
    await assert.rejects(TestSocket.open(wsUrl(), bearer('sst_nope')), /HTTP 401/);
    await assert.rejects(TestSocket.open(wsUrl()), /HTTP 401/);
    await assert.rejects(
      TestSocket.open(wsUrl(), {
        headers: { authorization: `Bearer ${member.token}`, origin: 'https://evil.example' },
      }),
      /HTTP 403/,
    );
    await assert.rejects(
      TestSocket.open(`${srv.url}/api/realtime/ws`, bearer(member.token)),
      /HTTP 400.*workspace_id is required/,
    );
    const stranger = await signIn(srv, 'stranger@x.io');
    await assert.rejects(TestSocket.open(wsUrl(), bearer(stranger.token)), /HTTP 404/);
  });

  test('client pings get pongs', async () => {
    const sock = await TestSocket.open(wsUrl(await tail(member.token)), bearer(member.token));
    const pong = new Promise<void>((resolve) => sock.ws.once('pong', () => resolve()));
    sock.ws.ping();
    await pong;
    sock.close();
  });

  test('an unknown or pruned cursor closes with 4001', async () => {
    const sock = await TestSocket.open(
      wsUrl('cur_00000000000000000000000000'),
      bearer(member.token),
    );
    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 4001);
    const old = await post(owner.token, general, 'to be pruned');
    await post(owner.token, general, 'kept');
    const db = sqlOf(srv);
    await db.run('DELETE FROM events WHERE cursor = ?', old.body.event.cursor);
    await db.close();
    const pruned = await TestSocket.open(wsUrl(old.body.event.cursor), bearer(member.token));
    await pruned.until(() => pruned.closed !== undefined);
    assert.equal(pruned.closed?.code, 4001);
    const pull = await api(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${old.body.event.cursor}`,
      {
        token: member.token,
      },
    );
    assert.equal(pull.status, 410);
  });

  test('a replay longer than the limit closes with 4001 and says why', async () => {
    const small = await startTestServer({ realtime: { replayLimit: 5 } });
    try {
      const a = await signIn(small, 'local@clickclack.chat');
      const w = (
        await api<WorkspaceListResponse>(small, 'GET', '/api/workspaces', {
          token: a.token,
        })
      ).body.workspaces[0]!.id;
      const c = (
        await api<ChannelListResponse>(small, 'GET', `/api/workspaces/${w}/channels`, {
          token: a.token,
        })
      ).body.channels[0]!.id;
      const first = await api<{ event: Event }>(small, 'POST', `/api/channels/${c}/messages`, {
        token: a.token,
        body: { body: 'm0' },
      });
      for (let i = 1; i <= 8; i++)
        await api(small, 'POST', `/api/channels/${c}/messages`, {
          token: a.token,
          body: { body: `m${i}` },
        });
      const sock = await TestSocket.open(
        `${small.url}/api/realtime/ws?workspace_id=${w}&after_cursor=${first.body.event.cursor}`,
        bearer(a.token),
      );
      await sock.until(() => sock.closed !== undefined);
      assert.equal(sock.closed?.code, 4001);
      assert.match(sock.closed?.reason ?? '', /replay limit/);
      assert.equal(sock.durable().length, 5);
    } finally {
      await small.close();
    }
  });

  test('a socket that hangs up while its cursor is checked leaves no presence behind', async () => {
    // A user of its own: no other test's sockets count towards this one's presence.
    const late = await signIn(srv, 'late@x.io', 'Late');
    const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: late.token });
    const from = await tail(late.token);
    // On PostgreSQL the cursor check (a read of events) waits behind this lock until the
    // client has gone; SQLite answers it before a close frame could arrive.
    const db = sqlOf(srv);
    const onPg = srv.store.dialect === 'postgres';
    try {
      if (onPg) {
        await db.run('BEGIN');
        await db.run('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      }
      const gone = await TestSocket.open(wsUrl(from), bearer(late.token));
      gone.close();
      await gone.until(() => gone.closed !== undefined);
      if (onPg) await db.run('COMMIT');
    } finally {
      await db.close();
    }
    // The user's next socket is their only one: it makes them online, and closing it offline.
    const next = await TestSocket.open(wsUrl(from), bearer(late.token));
    await next.until(
      () =>
        next.frames.some(
          (f) =>
            f.type === 'presence.changed' &&
            f.payload.user_id === late.userId &&
            f.payload.status === 'online',
        ),
      5000,
      'online on the only socket',
    );
    next.close();
    const present = await poll(
      async () =>
        (
          await api<{ user_ids: string[] }>(srv, 'GET', `/api/workspaces/${wid}/presence`, {
            token: owner.token,
          })
        ).body.user_ids,
      (ids) => !ids.includes(late.userId),
    );
    assert.ok(!present.includes(late.userId), 'offline once the last socket closed');
  });

  test('closing the server closes its sockets with 1001 and cuts off any that never answer', async () => {
    const other = await startTestServer();
    const a = await signIn(other, 'local@clickclack.chat');
    const w = (
      await api<WorkspaceListResponse>(other, 'GET', '/api/workspaces', {
        token: a.token,
      })
    ).body.workspaces[0]!.id;
    const path = `/api/realtime/ws?workspace_id=${w}`;
    const sock = await TestSocket.open(`${other.url}${path}`, bearer(a.token));
    // A raw client that completes the handshake and then never writes again, so it never
    // answers the server's close frame: the server cuts it off instead of waiting for it.
    const mute = connect(Number(new URL(other.url).port), '127.0.0.1');
    mute.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        `Authorization: Bearer ${a.token}\r\n\r\n`,
    );
    const handshake = await new Promise<string>((resolve) =>
      mute.once('data', (d) => resolve(String(d))),
    );
    assert.match(handshake, /^HTTP\/1\.1 101/);
    mute.resume();
    const cutOff = new Promise<void>((resolve) => mute.once('close', () => resolve()));
    let deadline: NodeJS.Timeout | undefined;
    try {
      const closed = await Promise.race([
        other.close().then(() => true),
        new Promise<boolean>((resolve) => (deadline = setTimeout(() => resolve(false), 5000))),
      ]);
      assert.ok(closed, 'close() did not return while clients stayed connected');
      await sock.until(() => sock.closed !== undefined);
      assert.equal(sock.closed?.code, 1001);
      await cutOff;
    } finally {
      clearTimeout(deadline);
      sock.ws.terminate();
      mute.destroy();
    }
  });

  test('logging out closes that session’s sockets with 1008', async () => {
    const s = await signIn(srv, 'member@x.io');
    const sock = await TestSocket.open(wsUrl(await tail(s.token)), bearer(s.token));
    const out = await api(srv, 'POST', '/api/auth/logout', { token: s.token, raw: '' });
    assert.equal(out.status, 200);
    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 1008);
  });

  test(
    'a logout while the socket’s cursor is checked still closes it with 1008',
    {
      skip:
        TEST_PG_URL === '' &&
        'needs PostgreSQL: only there can a table lock hold the cursor check open',
    },
    async () => {
      const s = await signIn(srv, 'member@x.io');
      const from = await tail(s.token);
      // The socket is authenticated, then waits behind this lock in its cursor check, and
      // subscribes only after the logout has been committed and has closed every socket of
      // the session it could find.
      const db = sqlOf(srv);
      let sock: TestSocket;
      try {
        await db.run('BEGIN');
        await db.run('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
        sock = await TestSocket.open(wsUrl(from), bearer(s.token));
        const out = await api(srv, 'POST', '/api/auth/logout', { token: s.token, raw: '' });
        assert.equal(out.status, 200);
        await db.run('COMMIT');
      } finally {
        await db.close();
      }
      // Well before the 30 s periodic credential recheck.
      await sock.until(() => sock.closed !== undefined, 3000, 'closed after the logout');
      assert.equal(sock.closed?.code, 1008);
    },
  );

  test(
    'while the events table is locked, the hub’s tail checks do not take every database connection',
    {
      skip:
        TEST_PG_URL === '' && 'needs PostgreSQL: a pooled connection waits behind the table lock',
    },
    async () => {
      const sock = await TestSocket.open(wsUrl(await tail(member.token)), bearer(member.token));
      const db = sqlOf(srv);
      let deadline: NodeJS.Timeout | undefined;
      try {
        await db.run('BEGIN');
        await db.run('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
        // Fifteen of the hub's 200 ms ticks, more than the pool's ten connections.
        await new Promise((r) => setTimeout(r, 3000));
        // A request that never reads events needs a connection of its own.
        const me = await Promise.race([
          api<{ user: { id: string } }>(srv, 'GET', '/api/me', { token: member.token }),
          new Promise<undefined>((r) => (deadline = setTimeout(() => r(undefined), 3000))),
        ]);
        assert.equal(me?.body.user.id, member.userId, 'GET /api/me answered during the lock');
      } finally {
        clearTimeout(deadline);
        await db.run('COMMIT');
        await db.close();
        sock.close();
      }
    },
  );

  test('a slow consumer is closed with 1013 while a fast one keeps receiving', async () => {
    const from = await tail(member.token);
    const slow = await TestSocket.open(wsUrl(from), bearer(member.token));
    const fast = await TestSocket.open(wsUrl(from), bearer(owner.token));
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const pad = 'x'.repeat(7000);
    for (let i = 0; i < 800 && slow.closed === undefined; i++) {
      const r = await api(srv, 'POST', '/api/realtime/ephemeral', {
        token: owner.token,
        body: { workspace_id: wid, channel_id: general, type: 'typing.started', payload: { pad } },
      });
      assert.equal(r.status, 202);
    }
    const done = await post(owner.token, general, 'after the flood');
    await fast.until(() => fast.frames.some((f) => f.cursor === done.body.event.cursor), 10000);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.until(() => slow.closed !== undefined, 10000);
    assert.equal(slow.closed?.code, 1013);
    fast.close();
  });

  test('events committed by another connection to the same database reach sockets', async () => {
    const sock = await TestSocket.open(wsUrl(await tail(member.token)), bearer(member.token));
    const other = await openStore(srv.dbUrl, { migrate: false });
    const owners = await other.read.users.byId(owner.userId);
    const res = await createChannelMessage(
      opsDeps(other),
      { kind: 'human', user: owners!, via: 'bearer' },
      general,
      { body: 'from another process' },
    );
    await other.close();
    const cursor = res.response.event!.cursor;
    await sock.until(() => sock.frames.some((f) => f.cursor === cursor), 5000, 'foreign event');
    sock.close();
  });
});

describe('guests', () => {
  test('a guest receives nothing of a channel other than guest, nor of a DM, live, replayed or pulled', async () => {
    const guest = await signIn(srv, 'rt-guest@x.io', 'Guest');
    const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: guest.token });
    const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: owner.token,
      body: { workspace_id: wid, member_ids: [guest.userId] },
    });
    assert.equal(dm.status, 201);
    const demoted = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${guest.userId}`, {
      token: owner.token,
      body: { role: 'guest' },
    });
    assert.equal(demoted.status, 200);
    const handle = 'rt-guest';
    const named = await api(srv, 'PATCH', '/api/me', { token: guest.token, body: { handle } });
    assert.equal(named.status, 200);
    const from = await tail(owner.token);
    const live = await TestSocket.open(wsUrl(from), bearer(guest.token));
    const watcher = await TestSocket.open(wsUrl(from), bearer(member.token));
    await post(owner.token, general, `hello @${handle}`);
    await api(srv, 'POST', '/api/realtime/ephemeral', {
      token: owner.token,
      body: { workspace_id: wid, channel_id: general, type: 'typing.started' },
    });
    const inDm = await api(srv, 'POST', `/api/dms/${dm.body.conversation.id}/messages`, {
      token: owner.token,
      body: { body: 'just us' },
    });
    assert.equal(inDm.status, 201);
    const toDm = await api(srv, 'POST', '/api/realtime/ephemeral', {
      token: guest.token,
      body: {
        workspace_id: wid,
        direct_conversation_id: dm.body.conversation.id,
        type: 'typing.started',
      },
    });
    assert.equal(toDm.status, 403, 'a guest sends nothing into a DM');
    // A workspace event every member receives, guests included, closes the window.
    const joiner = await signIn(srv, 'rt-joiner@x.io', 'Joiner');
    const inv2 = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    await api(srv, 'POST', `/api/invites/${inv2.token}/accept`, { token: joiner.token });
    const joined = (f: Frame) => f.type === 'member.joined' && f.payload.user_id === joiner.userId;
    await live.until(() => live.frames.some(joined), 5000, 'member.joined');
    await watcher.until(() => watcher.frames.some(joined), 5000, 'member.joined');
    // The member beside the guest did receive the channel's events.
    assert.ok(watcher.frames.some((f) => f.type === 'message.created' && f.channel_id === general));
    assert.ok(watcher.frames.some((f) => f.type === 'typing.started'));
    const leaks = (frames: Frame[]) =>
      frames.filter(
        (f) =>
          f.channel_id !== undefined ||
          f.type.startsWith('dm.') ||
          f.type === 'mention.created' ||
          f.type === 'typing.started' ||
          (f.type === 'message.created' && f.payload.direct_conversation_id !== undefined),
      );
    assert.deepEqual(
      leaks(live.frames).map((f) => f.type),
      [],
      'live',
    );
    const replay = await TestSocket.open(wsUrl(from), bearer(guest.token));
    await replay.until(() => replay.frames.some(joined), 5000, 'replayed member.joined');
    assert.deepEqual(
      leaks(replay.frames).map((f) => f.type),
      [],
      'replayed',
    );
    const pulled = await api<{ events: Event[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${from}`,
      { token: guest.token },
    );
    assert.ok(pulled.body.events.some(joined));
    assert.deepEqual(
      leaks(pulled.body.events).map((f) => f.type),
      [],
      'pulled',
    );
    const mentions = await api<{ mentions: unknown[] }>(
      srv,
      'GET',
      `/api/me/mentions?workspace_id=${wid}`,
      {
        token: guest.token,
      },
    );
    assert.deepEqual(mentions.body.mentions, []);
    for (const s of [live, watcher, replay]) s.close();
    for (const u of [guest, joiner])
      await api(srv, 'DELETE', `/api/workspaces/${wid}/members/${u.userId}`, {
        token: owner.token,
      });
  });
});

describe('pull and ephemeral', () => {
  test('pages carry has_more and tail_cursor; wait long-polls until an event arrives', async () => {
    const start = await tail(member.token);
    for (let i = 0; i < 3; i++) await post(owner.token, general, `page ${i}`);
    const p1 = await api<{ events: Event[]; has_more: boolean; tail_cursor: string }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${start}&limit=2&include_tail=true`,
      { token: member.token },
    );
    assert.equal(p1.body.events.length, 2);
    assert.equal(p1.body.has_more, true);
    const p2 = await api<{ events: Event[]; has_more: boolean; tail_cursor: string }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${p1.body.events[1]!.cursor}&limit=2`,
      { token: member.token },
    );
    assert.equal(p2.body.events.length, 1);
    assert.equal(p2.body.has_more, false);
    assert.equal(p2.body.tail_cursor, p2.body.events[0]!.cursor);
    const end = p2.body.events[0]!.cursor;
    const empty = await api<{ events: Event[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${end}`,
      {
        token: member.token,
      },
    );
    assert.deepEqual(empty.body.events, []);
    const started = Date.now();
    const waiting = api<{ events: Event[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${end}&wait=10`,
      {
        token: member.token,
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    const posted = await post(owner.token, general, 'wake up');
    const woke = await waiting;
    assert.equal(woke.body.events[0]!.cursor, posted.body.event.cursor);
    // Woken by the commit, not by the 10 s wait running out (which would also return it).
    assert.ok(Date.now() - started < 9000);
    const bad = await api(srv, 'GET', `/api/realtime/events?workspace_id=${wid}&wait=soon`, {
      token: member.token,
    });
    assert.equal(bad.status, 400);
  });

  test('an ephemeral event names only a conversation of its own workspace', async () => {
    const other = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
      token: owner.token,
      body: { name: 'Elsewhere' },
    });
    const otherWid = other.body.workspace.id;
    const inv = await mintInvite(srv.deps, { workspaceId: otherWid, createdBy: owner.userId });
    await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
    const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: owner.token,
      body: { workspace_id: otherWid, member_ids: [member.userId] },
    });
    const send = (workspaceId: string) =>
      api(srv, 'POST', '/api/realtime/ephemeral', {
        token: owner.token,
        body: {
          workspace_id: workspaceId,
          direct_conversation_id: dm.body.conversation.id,
          type: 'typing.started',
        },
      });
    assert.equal((await send(otherWid)).status, 202);
    const wrong = await send(wid);
    assert.equal(wrong.status, 403);
    assert.match(String(wrong.body.error), /not in this workspace/);
  });

  test('ephemeral events: 202, sender forced, never stored, private audiences respected', async () => {
    const from = await tail(member.token);
    const memberSock = await TestSocket.open(wsUrl(from), bearer(member.token));
    const ownerSock = await TestSocket.open(wsUrl(from), bearer(owner.token));
    const res = await api<{ event: Event & { id: string } }>(
      srv,
      'POST',
      '/api/realtime/ephemeral',
      {
        token: owner.token,
        body: {
          workspace_id: wid,
          channel_id: general,
          type: 'typing.started',
          payload: { user_id: 'usr_spoofed' },
        },
      },
    );
    assert.equal(res.status, 202);
    assert.match(res.body.event.id, /^eph_\d{14}\.\d{9}$/);
    assert.equal(res.body.event.cursor, '');
    assert.equal(res.body.event.payload.user_id, owner.userId);
    await memberSock.until(() => memberSock.frames.some((f) => f.type === 'typing.started'));
    await api(srv, 'POST', '/api/realtime/ephemeral', {
      token: owner.token,
      body: { workspace_id: wid, channel_id: secret, type: 'typing.started' },
    });
    await post(owner.token, general, 'marker');
    await memberSock.until(() => memberSock.frames.some((f) => f.type === 'message.created'));
    await ownerSock.until(() =>
      ownerSock.frames.some((f) => f.type === 'typing.started' && f.channel_id === secret),
    );
    assert.ok(!memberSock.frames.some((f) => f.channel_id === secret));
    for (const body of [
      { workspace_id: wid, type: 'typing.started' },
      { workspace_id: wid, type: 'message.created', channel_id: general },
      {
        workspace_id: wid,
        type: 'typing.started',
        channel_id: general,
        direct_conversation_id: 'dm_x',
      },
    ]) {
      assert.equal(
        (await api(srv, 'POST', '/api/realtime/ephemeral', { token: owner.token, body })).status,
        400,
      );
    }
    assert.equal(
      (
        await api(srv, 'POST', '/api/realtime/ephemeral', {
          token: owner.token,
          body: { workspace_id: wid, type: 'agent.progress', channel_id: general },
        })
      ).status,
      403,
    );
    const presence = await api<{ user_ids: string[] }>(
      srv,
      'GET',
      `/api/workspaces/${wid}/presence`,
      { token: owner.token },
    );
    assert.ok(presence.body.user_ids.includes(member.userId));
    memberSock.close();
    await ownerSock.until(() =>
      ownerSock.frames.some(
        (f) =>
          f.type === 'presence.changed' &&
          f.payload.user_id === member.userId &&
          f.payload.status === 'offline',
      ),
    );
    ownerSock.close();
  });
});
