import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, rawGet, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';

type Json = Record<string, unknown>;

describe('auth with dev bootstrap on', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ devBootstrap: true });
  });
  after(() => srv.close());

  test('magic link request → consume gives a session, a cookie and /api/me', async () => {
    const req = await api<{ token: string; magic_link: Json }>(
      srv,
      'POST',
      '/api/auth/magic/request',
      {
        body: { email: ' New.Person@Example.com ', display_name: 'New Person' },
      },
    );
    assert.equal(req.status, 201);
    assert.match(req.body.token, /^mgt_/);
    assert.equal(req.body.magic_link.email, 'new.person@example.com');
    assert.equal(req.body.magic_link.used_at, undefined);

    const res = await fetch(`${srv.url}/api/auth/magic/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: req.body.token }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { token: string; user: Json; session: Json };
    assert.match(body.token, /^sst_/);
    assert.equal(body.session.token, body.token);
    assert.equal(body.user.display_name, 'New Person');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^cc_session=sst_/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Expires=/);

    const me = await api<{ user: Json }>(srv, 'GET', '/api/me', { token: body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, 'new.person@example.com');
    assert.equal(me.body.user.id, body.user.id);

    // A new magic-link user belongs to no workspace.
    const ws = await api<{ workspaces: Json[] }>(srv, 'GET', '/api/workspaces', {
      token: body.token,
    });
    assert.deepEqual(ws.body.workspaces, []);

    const again = await api(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: req.body.token },
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'magic link already used');
  });

  test('the raw token is never stored', async () => {
    const req = await api<{ token: string }>(srv, 'POST', '/api/auth/magic/request', {
      body: { email: 'h@x.io' },
    });
    const consumed = await api<{ token: string }>(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: req.body.token },
    });
    const db = srv.store.read;
    const rows = JSON.stringify([
      await db.auth.magicLinkByHash(req.body.token),
      await db.auth.sessionByHash(consumed.body.token),
    ]);
    assert.ok(!rows.includes(req.body.token) && !rows.includes(consumed.body.token));
  });

  test('expired and unknown magic links are refused', async () => {
    const req = await api<{ token: string; magic_link: { id: string } }>(
      srv,
      'POST',
      '/api/auth/magic/request',
      {
        body: { email: 'late@x.io' },
      },
    );
    const db = sqlOf(srv);
    await db.run(
      "UPDATE auth_magic_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?",
      req.body.magic_link.id,
    );
    await db.close();
    const expired = await api(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: req.body.token },
    });
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'magic link expired');
    const unknown = await api(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: 'mgt_nope' },
    });
    assert.equal(unknown.status, 400);
  });

  test('login endpoints demand JSON and same origin', async () => {
    const form = await api(srv, 'POST', '/api/auth/magic/consume', {
      raw: 'token=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    const cross = await api(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: 'mgt_x' },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(cross.status, 403);
    assert.equal(cross.body.error, 'cross-site login requests are not allowed');
    const missing = await api(srv, 'POST', '/api/auth/magic/request', { body: {} });
    assert.equal(missing.status, 400);
    assert.ok(typeof missing.body.error === 'string');
  });

  test('dev fallback: first user, or X-ClickClack-User, only from loopback', async () => {
    const me = await api<{ user: Json }>(srv, 'GET', '/api/me');
    assert.equal(me.body.user.id, srv.devUser.id);
    const other = await signIn(srv, 'other@x.io', 'Other');
    const as = await api<{ user: Json }>(srv, 'GET', '/api/me', {
      headers: { 'x-clickclack-user': other.userId },
    });
    assert.equal(as.body.user.id, other.userId);
    const unknown = await api(srv, 'GET', '/api/me', {
      headers: { 'x-clickclack-user': 'usr_missing' },
    });
    assert.equal(unknown.status, 401);
    // A forwarded (non-local) client gets no dev fallback.
    const proxied = await api(srv, 'GET', '/api/me', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(proxied.status, 401);
    assert.equal(await rawGet(srv, '/api/me', { host: 'chat.example.com' }), 401);
    assert.equal(await rawGet(srv, '/api/me', { host: 'localhost' }), 200);
  });

  test('a failing bearer token stops resolution with 401', async () => {
    const res = await api(srv, 'GET', '/api/me', { token: 'sst_bogus' });
    assert.equal(res.status, 401);
    assert.equal(typeof res.body.error, 'string');
  });
});

describe('auth with dev bootstrap off', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ devBootstrap: false });
  });
  after(() => srv.close());

  test('no credentials → 401, public endpoints stay open', async () => {
    const me = await api(srv, 'GET', '/api/me');
    assert.equal(me.status, 401);
    assert.equal(me.body.error, 'authentication required');
    assert.equal((await api(srv, 'GET', '/healthz')).status, 200);
    assert.equal((await api(srv, 'GET', '/readyz')).status, 200);
    assert.equal((await api(srv, 'GET', '/api/openapi.json')).status, 200);
    const magic = await api(srv, 'POST', '/api/auth/magic/request', { body: { email: 'a@b.c' } });
    assert.equal(magic.status, 501);
    // Dev headers are ignored without dev bootstrap.
    const dev = await api(srv, 'GET', '/api/me', {
      headers: { 'x-clickclack-user': srv.devUser.id },
    });
    assert.equal(dev.status, 401);
  });

  test('cookie auth: reads work, writes need the CSRF header and same origin', async () => {
    const { token } = await signIn(srv, 'local@clickclack.chat');
    const cookie = { cookie: `cc_session=${token}` };
    const me = await api<{ user: Json }>(srv, 'GET', '/api/me', { headers: cookie });
    assert.equal(me.status, 200);
    const noCsrf = await api(srv, 'PATCH', '/api/me', {
      headers: cookie,
      body: { display_name: 'X' },
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.error, 'cross-site session requests are not allowed');
    const crossSite = await api(srv, 'PATCH', '/api/me', {
      headers: { ...cookie, 'x-clickclack-csrf': '1', origin: 'https://evil.example' },
      body: { display_name: 'X' },
    });
    assert.equal(crossSite.status, 403);
    const ok = await api<{ user: Json }>(srv, 'PATCH', '/api/me', {
      headers: { ...cookie, 'x-clickclack-csrf': '1', origin: srv.url },
      body: { display_name: 'Captain Cookie' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.display_name, 'Captain Cookie');
    const dup = await api(srv, 'GET', '/api/me', {
      headers: { cookie: `cc_session=${token}; cc_session=${token}` },
    });
    assert.equal(dup.status, 401);
    const bad = await api(srv, 'GET', '/api/me', { headers: { cookie: 'cc_session=sst_bad' } });
    assert.equal(bad.status, 401);
  });

  test('logout revokes the session and clears the cookie', async () => {
    const { token } = await signIn(srv, 'bye@x.io');
    assert.equal((await api(srv, 'GET', '/api/me', { token })).status, 200);
    const out = await fetch(`${srv.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    assert.equal(out.status, 200);
    assert.deepEqual(await out.json(), { ok: true });
    assert.match(out.headers.get('set-cookie') ?? '', /cc_session=;/);
    assert.equal((await api(srv, 'GET', '/api/me', { token })).status, 401);
    const again = await api(srv, 'POST', '/api/auth/logout', { token, raw: '' });
    assert.equal(again.status, 200);
  });

  test('PATCH /api/me validates every field', async () => {
    const a = await signIn(srv, 'pa@x.io');
    const b = await signIn(srv, 'pb@x.io');
    const ok = await api<{ user: Json }>(srv, 'PATCH', '/api/me', {
      token: a.token,
      body: { handle: '@Alice_1', avatar_url: 'https://img.example/a.png' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.handle, 'alice_1');
    assert.equal(ok.body.user.avatar_url, 'https://img.example/a.png');
    const taken = await api(srv, 'PATCH', '/api/me', {
      token: b.token,
      body: { handle: 'alice_1' },
    });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error, 'handle is already taken');
    for (const body of [
      { handle: 'x' },
      { handle: 'bad handle!' },
      { display_name: '   ' },
      { display_name: 'é'.repeat(41) },
      { avatar_url: 'javascript:alert(1)' },
      { display_name: 42 },
    ]) {
      const res = await api(srv, 'PATCH', '/api/me', { token: b.token, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.body.error, 'string');
    }
    const cleared = await api<{ user: Json }>(srv, 'PATCH', '/api/me', {
      token: a.token,
      body: { avatar_url: '' },
    });
    assert.match(String(cleared.body.user.avatar_url), /^https:\/\/gravatar\.com\/avatar\//);
  });
});
