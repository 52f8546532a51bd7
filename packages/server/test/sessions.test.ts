import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  MagicConsumeResponse,
  MessageResponse,
  SessionInfo,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { ClickClackClient } from '@clickclack/sdk';
import { createMagicLink } from '../src/services/auth/auth.js';
import { createBot } from '../src/services/bots/bots.js';
import { setPassword } from '../src/services/auth/passwords.js';
import { api, poll, startTestServer, team, type Team, type TestServer } from './helpers.js';
import { cliOk, runCli } from './processes.js';
import { TestSocket } from './ws-client.js';

type Login = MagicConsumeResponse;

/** A real sign-in over HTTP from a client that names itself. */
async function signInAs(srv: TestServer, email: string, userAgent: string): Promise<Login> {
  const link = await createMagicLink(srv.deps, { email });
  const res = await api<Login>(srv, 'POST', '/api/auth/magic/consume', {
    body: { token: link.token },
    headers: { 'user-agent': userAgent },
  });
  assert.equal(res.status, 200);
  return res.body;
}

const sessions = (srv: TestServer, token: string) =>
  api<{ sessions: SessionInfo[] }>(srv, 'GET', '/api/auth/sessions', { token });

describe('sessions: list and sign out any of them', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer();
    t = await team(srv, [['ada@example.com', 'Ada']]);
  });
  after(() => srv.close());

  test('lists each device with its user agent, marks the current one, and signs one out', async () => {
    const laptop = await signInAs(srv, 'ada@example.com', 'Laptop/1.0');
    const phone = await signInAs(srv, 'ada@example.com', 'Phone/2.0');
    const list = await sessions(srv, laptop.token);
    assert.equal(list.status, 200);
    // Newest first; the third is the session `team` opened without a user agent.
    assert.deepEqual(
      list.body.sessions.map((s) => [s.id, s.user_agent, s.current]),
      [
        [phone.session.id, 'Phone/2.0', false],
        [laptop.session.id, 'Laptop/1.0', true],
        [list.body.sessions[2]?.id, '', false],
      ],
    );
    assert.ok(!JSON.stringify(list.body).includes('sst_'), 'no token in the list');
    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`, {
      headers: { authorization: `Bearer ${phone.token}` },
    });
    // Someone else's session is not yours to end: the same 404 as one that does not exist.
    const foreign = await api(srv, 'DELETE', `/api/auth/sessions/${t.owner.token}`, {
      token: laptop.token,
    });
    assert.equal(foreign.status, 404);
    const ownerSessions = await sessions(srv, t.owner.token);
    const ownerSession = ownerSessions.body.sessions[0]!.id;
    assert.equal(
      (await api(srv, 'DELETE', `/api/auth/sessions/${ownerSession}`, { token: laptop.token }))
        .status,
      404,
    );
    const res = await api(srv, 'DELETE', `/api/auth/sessions/${phone.session.id}`, {
      token: laptop.token,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 1008);
    assert.equal((await api(srv, 'GET', '/api/me', { token: phone.token })).status, 401);
    assert.equal((await api(srv, 'GET', '/api/me', { token: laptop.token })).status, 200);
    assert.deepEqual(
      (await sessions(srv, laptop.token)).body.sessions.map((s) => s.id),
      [laptop.session.id, list.body.sessions[2]?.id],
    );
    // Signing out twice: it is already gone.
    const again = await api(srv, 'DELETE', `/api/auth/sessions/${phone.session.id}`, {
      token: laptop.token,
    });
    assert.equal(again.status, 404);
  });

  test('last seen is recorded for a session in use', async () => {
    const s = await signInAs(srv, 'lin@example.com', 'Desk/1.0');
    assert.equal((await sessions(srv, s.token)).body.sessions[0]!.last_seen_at, undefined);
    const seen = await poll(
      async () => (await sessions(srv, s.token)).body.sessions[0]!.last_seen_at,
      (v) => v !== undefined,
      12_000,
    );
    assert.ok(seen && seen >= (await sessions(srv, s.token)).body.sessions[0]!.created_at);
  });

  test('the SDK lists and revokes; a bot token has no sessions', async () => {
    const a = await signInAs(srv, 'sdk@example.com', 'A');
    const b = await signInAs(srv, 'sdk@example.com', 'B');
    const client = new ClickClackClient({ baseUrl: srv.url, token: a.token });
    const list = await client.auth.sessions();
    assert.deepEqual(
      list.map((s) => s.user_agent),
      ['B', 'A'],
    );
    await client.auth.revokeSession(b.session.id);
    assert.deepEqual(
      (await client.auth.sessions()).map((s) => s.id),
      [a.session.id],
    );
    const bot = await createBot(srv.deps, {
      workspaceId: t.workspaceId,
      createdBy: t.owner.userId,
      displayName: 'Helper',
    });
    const res = await sessions(srv, bot.token);
    assert.equal(res.status, 403);
  });
});

describe('deactivating a human account', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer({ passwordAuth: true, realtime: { recheckMs: 200 } });
    t = await team(srv, [['ada@example.com', 'Ada']]);
  });
  after(() => srv.close());

  test('admin user deactivate: signed out, sockets closed, sign-in refused, messages kept', async () => {
    const ada = t.members[0]!;
    const user = (await srv.store.read.users.byId(ada.userId))!;
    await setPassword(srv.deps, user, 'correct horse battery');
    const sent = await api<MessageResponse>(srv, 'POST', `/api/channels/${t.generalId}/messages`, {
      token: ada.token,
      body: { body: 'kept after I leave' },
    });
    assert.equal(sent.status, 201);
    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    const watcher = await TestSocket.open(
      `${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`,
      { headers: { authorization: `Bearer ${t.owner.token}` } },
    );

    const out = await cliOk(['admin', 'user', 'deactivate', 'ADA@example.com', '--db', srv.dbUrl]);
    assert.match(out, new RegExp(`^user=${ada.userId} deactivated_at=\\S+ sessions_revoked=1$`));

    // The running server closes the socket at its next credential check.
    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 1008);
    assert.equal((await api(srv, 'GET', '/api/me', { token: ada.token })).status, 401);
    // Members learn it through user.updated.
    await watcher.until(() =>
      watcher.frames.some(
        (f) =>
          f.type === 'user.updated' &&
          (f.payload as { user: { deactivated_at?: string } }).user.deactivated_at !== undefined,
      ),
    );
    watcher.close();
    const pw = await api(srv, 'POST', '/api/auth/password/login', {
      body: { identifier: 'ada@example.com', password: 'correct horse battery' },
    });
    assert.equal(pw.status, 401);
    const link = await createMagicLink(srv.deps, { email: 'ada@example.com' });
    const magic = await api(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: link.token },
    });
    assert.equal(magic.status, 403);
    assert.equal(magic.body.error, 'this account is deactivated');
    const msg = await api<{ message: { author_id: string; body: string } }>(
      srv,
      'GET',
      `/api/messages/${sent.body.message.id}`,
      { token: t.owner.token },
    );
    assert.equal(msg.status, 200);
    assert.equal(msg.body.message.author_id, ada.userId);

    // Deactivating again changes nothing; reactivating lets them sign in (a new session).
    const again = await cliOk(['admin', 'user', 'deactivate', ada.userId, '--db', srv.dbUrl]);
    assert.match(again, /sessions_revoked=0$/);
    assert.equal(
      await cliOk(['admin', 'user', 'reactivate', ada.userId, '--db', srv.dbUrl]),
      `user=${ada.userId} reactivated`,
    );
    const back = await api(srv, 'POST', '/api/auth/password/login', {
      body: { identifier: 'ada@example.com', password: 'correct horse battery' },
    });
    assert.equal(back.status, 200);
  });

  test('bots and unknown users are refused with a clear message', async () => {
    const bot = await createBot(srv.deps, {
      workspaceId: t.workspaceId,
      createdBy: t.owner.userId,
      displayName: 'Helper',
    });
    const r = await runCli(['admin', 'user', 'deactivate', bot.bot.id, '--db', srv.dbUrl]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bots are retired, not deactivated/);
    const u = await runCli([
      'admin',
      'user',
      'deactivate',
      'nobody@example.com',
      '--db',
      srv.dbUrl,
    ]);
    assert.notEqual(u.code, 0);
    assert.match(u.stderr, /user nobody@example.com not found/);
  });
});

describe('a workspace owner deactivates a member over HTTP', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer();
    t = await team(srv, [
      ['ada@example.com', 'Ada'],
      ['grace@example.com', 'Grace'],
    ]);
  });
  after(() => srv.close());

  test('only for a member whose every workspace the caller owns; sockets close at once', async () => {
    const [ada, grace] = t.members as [Team['members'][number], Team['members'][number]];
    const path = (userId: string, ws = t.workspaceId) =>
      `/api/workspaces/${ws}/members/${userId}/deactivate`;
    // A member is not an owner.
    const notOwner = await api(srv, 'POST', path(grace.userId), { token: ada.token });
    assert.equal(notOwner.status, 403);
    assert.equal(notOwner.body.error, 'workspace owner permission required');
    assert.equal(
      (await api(srv, 'POST', path(t.owner.userId), { token: t.owner.token })).status,
      400,
    );
    assert.equal(
      (await api(srv, 'POST', path('usr_nobody'), { token: t.owner.token })).status,
      404,
    );

    // Grace also belongs to a workspace of her own: that is not this owner's to close.
    const own = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
      token: grace.token,
      body: { name: 'Grace Labs' },
    });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const refused = await api(srv, 'POST', path(grace.userId), { token: t.owner.token });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body.error), /workspace owner cannot be deactivated here/);

    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`, {
      headers: { authorization: `Bearer ${ada.token}` },
    });
    const client = new ClickClackClient({ baseUrl: srv.url, token: t.owner.token });
    const user = await client.workspaces.deactivateMember(t.workspaceId, ada.userId);
    assert.equal(user.id, ada.userId);
    assert.ok(user.deactivated_at);
    await sock.until(() => sock.closed !== undefined, 2000);
    assert.equal(sock.closed?.code, 1008);
    assert.equal((await api(srv, 'GET', '/api/me', { token: ada.token })).status, 401);
    // Still a member, shown as deactivated.
    const members = await api<{ members: { user: { id: string; deactivated_at?: string } }[] }>(
      srv,
      'GET',
      `/api/workspaces/${t.workspaceId}/members`,
      { token: t.owner.token },
    );
    const row = members.body.members.find((m) => m.user.id === ada.userId);
    assert.ok(row?.user.deactivated_at, JSON.stringify(members.body).slice(0, 300));
  });
});
