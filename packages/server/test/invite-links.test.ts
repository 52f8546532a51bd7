import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateInviteResponse, InviteSignupResponse } from '@clickclack/protocol';
import { ClickClackClient } from '@clickclack/sdk';
import {
  api,
  signIn,
  sqlOf,
  startTestServer,
  team,
  type Team,
  type TestServer,
} from './helpers.js';

type Json = Record<string, unknown>;
type Created = CreateInviteResponse;
type Signup = InviteSignupResponse;

const create = (srv: TestServer, t: Team, body: Json = {}, token = t.owner.token) =>
  api<Created>(srv, 'POST', `/api/workspaces/${t.workspaceId}/invites`, { token, body });

const signup = (srv: TestServer, token: string, body: Json, headers: Record<string, string> = {}) =>
  api<Signup>(srv, 'POST', `/api/invites/${token}/signup`, { body, headers });

const memberIds = async (srv: TestServer, t: Team): Promise<string[]> => {
  const res = await api<{ members: { user: { id: string } }[] }>(
    srv,
    'GET',
    `/api/workspaces/${t.workspaceId}/members?limit=200`,
    { token: t.owner.token },
  );
  return res.body.members.map((m) => m.user.id);
};

describe('invite links', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer({ publicUrl: 'http://127.0.0.1:9' });
    t = await team(srv, [['mia@example.com', 'Mia']]);
  });
  after(() => srv.close());

  test('a manager creates a link: one use, 7 days, its token only hashed at rest', async () => {
    const res = await create(srv, t);
    assert.equal(res.status, 201);
    assert.match(res.body.token, /^tok_/);
    assert.equal(res.body.url, `http://127.0.0.1:9/app/?invite=${res.body.token}`);
    assert.equal(res.body.invite.max_uses, 1);
    assert.equal(res.body.invite.uses, 0);
    const days = (Date.parse(res.body.invite.expires_at as string) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
    const sql = sqlOf(srv);
    const rows = await sql.all<{ token_hash: string }>('SELECT token_hash FROM invites');
    await sql.close();
    const sha = createHash('sha256').update(res.body.token).digest('hex');
    assert.ok(rows.some((r) => r.token_hash === sha));
    assert.ok(!JSON.stringify(rows).includes(res.body.token));
  });

  test('a client that sends no body (as before links had options) gets the defaults', async () => {
    const res = await fetch(`${srv.url}/api/workspaces/${t.workspaceId}/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.owner.token}` },
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as Created).invite.max_uses, 1);
  });

  test('members who are not managers may not create, list or revoke links', async () => {
    const mia = t.members[0]!.token;
    assert.ok((await memberIds(srv, t)).includes(t.members[0]!.userId));
    assert.equal((await create(srv, t, {}, mia)).status, 403);
    const list = await api(srv, 'GET', `/api/workspaces/${t.workspaceId}/invites`, { token: mia });
    assert.equal(list.status, 403);
    const id = (await create(srv, t)).body.invite.id as string;
    const del = await api(srv, 'DELETE', `/api/workspaces/${t.workspaceId}/invites/${id}`, {
      token: mia,
    });
    assert.equal(del.status, 403);
  });

  test('bad limits are 400s', async () => {
    assert.equal((await create(srv, t, { max_uses: -1 })).status, 400);
    assert.equal((await create(srv, t, { expires_in_seconds: 10 })).status, 400);
    assert.equal((await create(srv, t, { expires_in_seconds: 91 * 86_400 })).status, 400);
  });

  test('anyone holding a link sees where it leads; a made-up one is a 404', async () => {
    const { token } = (await create(srv, t)).body;
    const res = await api<Json>(srv, 'GET', `/api/invites/${token}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.workspace, { name: 'ClickClack', slug: 'clickclack' });
    assert.deepEqual(res.body.inviter, { display_name: 'Local Captain' });
    const bogus = await api<Json>(srv, 'GET', '/api/invites/tok_nothing');
    assert.deepEqual([bogus.status, bogus.body.error], [404, 'invite not found']);
  });

  test('a multi-use link signs up new people until it is used up', async () => {
    const { token, invite } = (await create(srv, t, { max_uses: 2, expires_in_seconds: 3600 }))
      .body;
    const a = await signup(srv, token, { display_name: 'Ana', handle: 'ana' });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.match(a.headers.get('set-cookie') ?? '', /cc_session=sst_/);
    assert.equal(a.body.user.handle, 'ana');
    assert.equal(a.body.workspace.id, t.workspaceId);
    // The session works and the newcomer is in the workspace and its #general.
    const client = new ClickClackClient({ baseUrl: srv.url, token: a.body.token });
    assert.equal((await client.auth.me()).display_name, 'Ana');
    const chans = await client.channels.list(t.workspaceId);
    assert.ok(chans.find((c) => c.name === 'general')?.is_member);
    const b = await signup(srv, token, { display_name: 'Ben', handle: '@Ben' });
    assert.equal(b.status, 201);
    const c = await signup(srv, token, { display_name: 'Cy', handle: 'cy' });
    assert.deepEqual([c.status, (c.body as Json).error], [409, 'invite already used']);
    const ids = await memberIds(srv, t);
    assert.ok(ids.includes(a.body.user.id as string) && ids.includes(b.body.user.id as string));
    const list = await api<{ invites: Json[] }>(
      srv,
      'GET',
      `/api/workspaces/${t.workspaceId}/invites`,
      { token: t.owner.token },
    );
    const row = list.body.invites.find((i) => i.id === invite.id)!;
    assert.equal(row.uses, 2);
    assert.equal(row.accepted_by, a.body.user.id);
    // Nobody can be created from nothing: no account for Cy.
    const sql = sqlOf(srv);
    const cy = await sql.get("SELECT id FROM users WHERE handle = 'cy'");
    await sql.close();
    assert.equal(cy, undefined);
  });

  test('an unlimited link keeps letting people in', async () => {
    const { token, invite } = (await create(srv, t, { max_uses: 0 })).body;
    assert.equal(invite.max_uses, 0);
    for (const h of ['u1', 'u2', 'u3']) {
      assert.equal((await signup(srv, token, { display_name: h, handle: h })).status, 201);
    }
  });

  test('sign-up input is checked: taken handle, bad handle, a password with password login off', async () => {
    const { token } = (await create(srv, t, { max_uses: 0 })).body;
    const taken = await signup(srv, token, { display_name: 'X', handle: 'ana' });
    assert.deepEqual([taken.status, (taken.body as Json).error], [409, 'handle is already taken']);
    assert.equal((await signup(srv, token, { display_name: 'X', handle: '!' })).status, 400);
    assert.equal((await signup(srv, token, { display_name: ' ', handle: 'xx' })).status, 400);
    const pw = await signup(srv, token, {
      display_name: 'X',
      handle: 'xx',
      password: 'long enough pw',
    });
    assert.deepEqual(
      [pw.status, (pw.body as Json).error],
      [400, 'password login is disabled on this server'],
    );
    const cross = await signup(
      srv,
      token,
      { display_name: 'X', handle: 'xx' },
      {
        origin: 'https://evil.example',
      },
    );
    assert.equal(cross.status, 403);
  });

  test('a signed-in person accepts a link; again is a no-op; a used single-use link is refused', async () => {
    const { token } = (await create(srv, t)).body;
    const zoe = await signIn(srv, 'zoe@example.com', 'Zoe');
    const first = await api<Json>(srv, 'POST', `/api/invites/${token}/accept`, {
      token: zoe.token,
    });
    assert.equal(first.status, 200);
    assert.equal((first.body.invite as Json).uses, 1);
    assert.ok(first.body.event);
    const again = await api<Json>(srv, 'POST', `/api/invites/${token}/accept`, {
      token: zoe.token,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.event, undefined);
    const kim = await signIn(srv, 'kim@example.com', 'Kim');
    const late = await api<Json>(srv, 'POST', `/api/invites/${token}/accept`, { token: kim.token });
    assert.deepEqual([late.status, late.body.error], [409, 'invite already used']);
    const preview = await api<Json>(srv, 'GET', `/api/invites/${token}`);
    assert.equal(preview.status, 409);
  });

  test('a revoked link lets nobody in; revoking twice answers the same', async () => {
    const { token, invite } = (await create(srv, t, { max_uses: 5 })).body;
    const path = `/api/workspaces/${t.workspaceId}/invites/${invite.id as string}`;
    const r1 = await api<{ invite: Json }>(srv, 'DELETE', path, { token: t.owner.token });
    assert.equal(r1.status, 200);
    assert.ok(r1.body.invite.revoked_at);
    const r2 = await api<{ invite: Json }>(srv, 'DELETE', path, { token: t.owner.token });
    assert.equal(r2.body.invite.revoked_at, r1.body.invite.revoked_at);
    const preview = await api<Json>(srv, 'GET', `/api/invites/${token}`);
    assert.deepEqual([preview.status, preview.body.error], [404, 'invite was revoked']);
    const s = await signup(srv, token, { display_name: 'Rev', handle: 'rev' });
    assert.equal(s.status, 404);
    const other = `/api/workspaces/${t.workspaceId}/invites/inv_missing`;
    assert.equal((await api(srv, 'DELETE', other, { token: t.owner.token })).status, 404);
  });

  test('an expired link lets nobody in', async () => {
    const { token, invite } = (await create(srv, t, { expires_in_seconds: 60 })).body;
    const sql = sqlOf(srv);
    await sql.run(
      'UPDATE invites SET expires_at = ? WHERE id = ?',
      '2020-01-01T00:00:00.000000000Z',
      invite.id,
    );
    await sql.close();
    const s = await signup(srv, token, { display_name: 'Old', handle: 'old' });
    assert.deepEqual([s.status, (s.body as Json).error], [400, 'invite expired']);
  });
});

describe('invite links with password login on', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer({ passwordAuth: true });
    t = await team(srv, []);
  });
  after(() => srv.close());

  test('the newcomer picks a password and signs in with it later', async () => {
    const { token, url } = (await create(srv, t)).body;
    // No public URL: the link is the request's own origin (a local request).
    assert.equal(url, `${srv.url}/app/?invite=${token}`);
    const none = await signup(srv, token, { display_name: 'Pat', handle: 'pat' });
    assert.deepEqual([none.status, (none.body as Json).error], [400, 'password is required']);
    const short = await signup(srv, token, { display_name: 'Pat', handle: 'pat', password: 'x' });
    assert.equal(short.status, 400);
    const ok = await signup(srv, token, {
      display_name: 'Pat',
      handle: 'pat',
      password: 'a good long password',
    });
    assert.equal(ok.status, 201);
    const login = await api<Json>(srv, 'POST', '/api/auth/password/login', {
      body: { identifier: '@pat', password: 'a good long password' },
    });
    assert.equal(login.status, 200);
  });
});

describe('invite link rate limit', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test('guessing tokens from one address is cut off with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push((await api(srv, 'GET', `/api/invites/tok_guess${i}`)).status);
    }
    assert.deepEqual(new Set(statuses.slice(0, 30)), new Set([404]));
    const last = await api<Json>(srv, 'GET', '/api/invites/tok_guess');
    assert.equal(last.status, 429);
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });
});

describe('self-join by email domain', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer();
    t = await team(srv, [['mo@example.com', 'Mo']]);
  });
  after(() => srv.close());

  const path = () => `/api/workspaces/${t.workspaceId}/join-domains`;
  const setDomains = (domains: string[], token = t.owner.token) =>
    api<{ domains: string[] }>(srv, 'PUT', path(), { token, body: { domains } });
  const joinable = async (token: string) =>
    (await api<{ workspaces: Json[] }>(srv, 'GET', '/api/me/joinable-workspaces', { token })).body
      .workspaces;
  const join = (token: string) =>
    api<Json>(srv, 'POST', `/api/workspaces/${t.workspaceId}/join`, { token });

  test('managers set the list; it comes back normalised; bad domains are 400s', async () => {
    const res = await setDomains(['Example.COM', '@corp.example', 'example.com ']);
    assert.deepEqual(res.body.domains, ['corp.example', 'example.com']);
    const got = await api<{ domains: string[] }>(srv, 'GET', path(), { token: t.owner.token });
    assert.deepEqual(got.body.domains, ['corp.example', 'example.com']);
    const bad = await setDomains(['not a domain']);
    assert.deepEqual(
      [bad.status, (bad.body as Json).error],
      [400, '"not a domain" is not an email domain'],
    );
    assert.equal((await setDomains(['x.org'], t.members[0]!.token)).status, 403);
    assert.equal((await api(srv, 'GET', path(), { token: t.members[0]!.token })).status, 403);
  });

  test('someone at a listed domain sees the workspace and joins it without an invite', async () => {
    await setDomains(['example.com']);
    const tom = await signIn(srv, 'tom@example.com', 'Tom');
    assert.deepEqual(
      (await joinable(tom.token)).map((w) => w.id),
      [t.workspaceId],
    );
    const res = await join(tom.token);
    assert.equal(res.status, 200);
    assert.equal((res.body.workspace as Json).role, 'member');
    assert.ok(res.body.event);
    assert.ok((await memberIds(srv, t)).includes(tom.userId));
    assert.deepEqual(await joinable(tom.token), []);
    const again = await join(tom.token);
    assert.deepEqual([again.status, again.body.event], [200, undefined]);
  });

  test('anyone else is told the workspace does not exist', async () => {
    const ola = await signIn(srv, 'ola@other.test', 'Ola');
    assert.deepEqual(await joinable(ola.token), []);
    const refused = await join(ola.token);
    assert.deepEqual([refused.status, refused.body.error], [404, 'workspace not found']);
    // An emptied list lets nobody new in.
    await setDomains([]);
    const una = await signIn(srv, 'una@example.com', 'Una');
    assert.equal((await join(una.token)).status, 404);
  });
});
