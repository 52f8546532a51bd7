import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorBody, MagicConsumeResponse } from '@clickclack/protocol';
import { ClickClackClient, ClickClackError } from '@clickclack/sdk';
import { createMagicLink } from '../src/services/auth/auth.js';
import { createBot } from '../src/services/bots/bots.js';
import { LOGIN_FAILED, setPassword } from '../src/services/auth/passwords.js';
import type { UserRow } from '../src/store/repos/users.js';
import { api, apiFrom, signIn, startTestServer, type Res, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';

type Json = Record<string, unknown>;
type Login = MagicConsumeResponse & Partial<ErrorBody>;

const PW = 'correct horse battery';

/** Sets a password through the service the admin command uses. */
async function givePassword(srv: TestServer, userId: string, plain: string): Promise<UserRow> {
  const user = (await srv.store.read.users.byId(userId))!;
  await setPassword(srv.deps, user, plain);
  return user;
}

const login = (srv: TestServer, identifier: string, password: string): Promise<Res<Login>> =>
  api<Login>(srv, 'POST', '/api/auth/password/login', { body: { identifier, password } });

const change = (srv: TestServer, token: string, current: string, next: string) =>
  api(srv, 'POST', '/api/auth/password/change', {
    token,
    body: { current_password: current, new_password: next },
  });

const me = async (srv: TestServer, token: string) =>
  api<{ user: Json }>(srv, 'GET', '/api/me', { token });

describe('password sign-in', () => {
  let srv: TestServer;
  let ada: { token: string; userId: string };
  before(async () => {
    srv = await startTestServer({ passwordAuth: true });
    ada = await signIn(srv, 'ada@example.com', 'Ada');
  });
  after(() => srv.close());

  test('password_enrolled flips when a password is set and cleared', async () => {
    assert.equal((await me(srv, ada.token)).body.user.password_enrolled, false);
    const user = await givePassword(srv, ada.userId, PW);
    assert.equal((await me(srv, ada.token)).body.user.password_enrolled, true);
    await setPassword(srv.deps, user, null);
    assert.equal((await me(srv, ada.token)).body.user.password_enrolled, false);
    await setPassword(srv.deps, user, PW);
    const stored = await srv.store.read.auth.passwordHash(ada.userId);
    assert.match(stored!, /^\$argon2id\$v=19\$/);
    assert.ok(!stored!.includes(PW));
  });

  test('email or handle and password: the magic-link body, a cookie, a working session', async () => {
    await givePassword(srv, ada.userId, PW);
    const res = await fetch(`${srv.url}/api/auth/password/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: ' ADA@example.com ', password: PW }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Login;
    const link = await createMagicLink(srv.deps, { email: 'ada@example.com' });
    const magic = await api<Login>(srv, 'POST', '/api/auth/magic/consume', {
      body: { token: link.token },
    });
    // The envelope magic consume answers with, field for field.
    const shape = (b: Login) => ({
      top: Object.keys(b).sort(),
      user: b.user,
      session: Object.keys(b.session).sort(),
    });
    assert.deepEqual(shape(body), shape(magic.body));
    assert.deepEqual(Object.keys(body).sort(), ['session', 'token', 'user']);
    assert.deepEqual(Object.keys(body.session).sort(), [
      'created_at',
      'expires_at',
      'id',
      'token',
      'user_id',
    ]);
    assert.match(body.token, /^sst_/);
    assert.equal(body.session.token, body.token);
    assert.equal(body.user.id, ada.userId);
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^cc_session=sst_\w+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);

    assert.equal((await me(srv, body.token)).body.user.id, ada.userId);
    const byCookie = await api<{ user: Json }>(srv, 'GET', '/api/me', {
      headers: { cookie: cookie.split(';')[0]! },
    });
    assert.equal(byCookie.body.user.id, ada.userId);

    await api(srv, 'PATCH', '/api/me', { token: ada.token, body: { handle: 'ada' } });
    assert.equal((await login(srv, 'ada', PW)).status, 200);
    assert.equal((await login(srv, '@Ada', PW)).status, 200);
  });

  test('wrong password, unknown user, no password and bots get the same 401', async () => {
    await givePassword(srv, ada.userId, PW);
    const nopass = await signIn(srv, 'nopass@example.com', 'No Pass');
    const wid = (await srv.store.read.workspaces.bySlug('clickclack'))!.id;
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: srv.devUser.id,
      displayName: 'Robo',
      handle: 'robo',
      tokenName: 'default',
      scopes: 'bot:write',
    });
    const robo = (await srv.store.read.users.byHandle('robo'))!;
    await assert.rejects(setPassword(srv.deps, robo, PW), /bots cannot have a password/);
    const answers = [
      await login(srv, 'ada@example.com', 'wrong password'),
      await login(srv, 'ghost@example.com', PW),
      await login(srv, 'ghost', PW),
      await login(srv, 'nopass@example.com', PW),
      await login(srv, 'nopass@example.com', ''),
      await login(srv, 'robo', PW),
      await login(srv, 'ada@example.com', `${PW}x`.repeat(20)),
    ];
    for (const a of answers) {
      assert.equal(a.status, 401);
      assert.deepEqual(a.body, { error: LOGIN_FAILED, code: 'unauthenticated' });
    }
    assert.equal((await me(srv, nopass.token)).status, 200);
  });

  test('login is a same-origin JSON request; bad bodies are 400', async () => {
    const text = await api(srv, 'POST', '/api/auth/password/login', {
      raw: JSON.stringify({ identifier: 'ada', password: PW }),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    const cross = await api(srv, 'POST', '/api/auth/password/login', {
      body: { identifier: 'ada', password: PW },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(cross.status, 403);
    const missing = await api(srv, 'POST', '/api/auth/password/login', {
      body: { identifier: 'ada' },
    });
    assert.equal(missing.status, 400);
    assert.equal(typeof missing.body.error, 'string');
    const huge = await login(srv, 'ada', 'x'.repeat(1025));
    assert.equal(huge.status, 400);
  });

  test('the server says password sign-in is on', async () => {
    assert.deepEqual((await api(srv, 'GET', '/api/auth/methods')).body, { password: true });
  });

  test('the SDK signs in, changes the password and reads password_enrolled', async () => {
    const user = await signIn(srv, 'sdk@example.com', 'Sdk');
    await givePassword(srv, user.userId, PW);
    const client = new ClickClackClient({ baseUrl: srv.url });
    assert.deepEqual(await client.auth.methods(), { password: true });
    const res = await client.auth.passwordLogin({ identifier: 'sdk@example.com', password: PW });
    assert.equal(res.user.id, user.userId);
    assert.equal((await client.auth.me()).password_enrolled, true);
    assert.deepEqual(
      await client.auth.changePassword({ current_password: PW, new_password: 'sdk changed it' }),
      { ok: true },
    );
    await assert.rejects(
      client.auth.changePassword({ current_password: PW, new_password: 'x' }),
      (err: ClickClackError) => err.status === 400,
    );
    assert.equal((await me(srv, user.token)).status, 401, 'the magic-link session was signed out');
    assert.equal((await client.auth.me()).id, user.userId);
  });
});

describe('changing a password', () => {
  let srv: TestServer;
  let wid: string;
  before(async () => {
    srv = await startTestServer({ passwordAuth: true });
    wid = (await srv.store.read.workspaces.bySlug('clickclack'))!.id;
    await givePassword(srv, srv.devUser.id, PW);
  });
  after(() => srv.close());

  test('signs out every other session (closing its sockets) and keeps the current one', async () => {
    const email = srv.devUser.email;
    const current = (await login(srv, email, PW)).body.token;
    const other = (await login(srv, email, PW)).body.token;
    const magic = (await signIn(srv, email)).token;
    const stranger = await signIn(srv, 'stranger@example.com');
    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
      headers: { authorization: `Bearer ${other}` },
    });

    const res = await change(srv, current, PW, 'a brand new secret');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });

    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 1008);
    assert.match(sock.closed?.reason ?? '', /sign in again/);
    assert.equal((await me(srv, current)).status, 200);
    assert.equal((await me(srv, other)).status, 401);
    assert.equal((await me(srv, magic)).status, 401);
    assert.equal((await me(srv, stranger.token)).status, 200, 'other users keep their sessions');
    assert.equal((await login(srv, email, PW)).status, 401);
    assert.equal((await login(srv, email, 'a brand new secret')).status, 200);
    await change(srv, current, 'a brand new secret', PW);
  });

  test('refuses a wrong current password and new ones outside 8–256 characters', async () => {
    const token = (await login(srv, srv.devUser.email, PW)).body.token;
    const wrong = await change(srv, token, 'not it at all', 'whatever12345');
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'current_password is incorrect');

    const short = await change(srv, token, PW, 'seven77');
    assert.equal(short.status, 400);
    assert.equal(short.body.error, 'new_password must be at least 8 characters');
    // Code points, not UTF-16 units: 7 emoji are 14 units but 7 characters.
    assert.equal((await change(srv, token, PW, '🔑'.repeat(7))).status, 400);
    const long = await change(srv, token, PW, '🔑'.repeat(257));
    assert.equal(long.status, 400);
    assert.equal(long.body.error, 'new_password must be at most 256 characters');

    assert.equal((await change(srv, token, PW, '🔑'.repeat(256))).status, 200);
    assert.equal((await change(srv, token, '🔑'.repeat(256), '🔑'.repeat(8))).status, 200);
    assert.equal((await login(srv, srv.devUser.email, '🔑'.repeat(8))).status, 200);
    assert.equal((await change(srv, token, '🔑'.repeat(8), PW)).status, 200);
    assert.equal((await me(srv, token)).status, 200, 'the current session survives each change');
  });

  test('needs a password to change and a human caller', async () => {
    const fresh = await signIn(srv, 'fresh@example.com');
    const none = await change(srv, fresh.token, '', 'a good password');
    assert.equal(none.status, 400);
    assert.match(String(none.body.error), /no password is set/);
    const bot = await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: srv.devUser.id,
      displayName: 'Changer',
      tokenName: 'default',
      scopes: 'bot:write',
    });
    assert.equal((await change(srv, bot.token, PW, 'a good password')).status, 403);
    assert.equal((await api(srv, 'POST', '/api/auth/password/change', { body: {} })).status, 401);
  });
});

describe('password sign-in rate limits', () => {
  let srv: TestServer;
  let attempts = 0;
  const tryLogin = (identifier: string, password: string) => {
    attempts += 1;
    return login(srv, identifier, password);
  };
  before(async () => {
    srv = await startTestServer({ passwordAuth: true });
    const a = await signIn(srv, 'locked@example.com');
    const b = await signIn(srv, 'other@example.com');
    await givePassword(srv, a.userId, PW);
    await givePassword(srv, b.userId, PW);
  });
  after(() => srv.close());

  test('failures back off per account and address: the guesser waits, the owner elsewhere signs in', async () => {
    const attacker = (identifier: string, password: string) =>
      apiFrom<Login>(srv, '127.0.0.2', 'POST', '/api/auth/password/login', {
        body: { identifier, password },
      });
    for (let i = 0; i < 5; i++)
      assert.equal((await attacker('locked@example.com', 'wrong guess')).status, 401);
    const held = await attacker('locked@example.com', PW);
    assert.equal(held.status, 429);
    assert.equal(held.headers.get('retry-after'), '1');
    assert.equal(typeof held.body.error, 'string');
    // The owner, from their own address, is not locked out; nor is another account.
    assert.equal((await tryLogin('locked@example.com', PW)).status, 200);
    assert.equal((await attacker('other@example.com', PW)).status, 200);
    // The same account under another name is the same budget.
    await api(srv, 'PATCH', '/api/me', {
      token: (await signIn(srv, 'locked@example.com')).token,
      body: { handle: 'locked' },
    });
    assert.equal((await attacker('locked', PW)).status, 429);
    // A backoff, not a lock: once it passes the next guess is heard, and the wait doubles.
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await attacker('locked', 'wrong again')).status, 401);
    assert.equal((await attacker('locked', PW)).headers.get('retry-after'), '2');
    // Unknown names back off alike, so the wait tells nothing about who exists.
    for (let i = 0; i < 5; i++)
      assert.equal((await attacker('nobody@example.com', PW)).status, 401);
    assert.equal((await attacker('nobody@example.com', PW)).status, 429);
  });

  test('20 attempts a minute per client address, then 429 with Retry-After', async () => {
    let first429 = -1;
    let res: Res<Login> | undefined;
    while (attempts < 25) {
      res = await tryLogin(`someone-${attempts}@example.com`, PW);
      if (res.status === 429) {
        first429 = attempts;
        break;
      }
      assert.equal(res.status, 401);
    }
    assert.equal(first429, 21);
    const retry = Number(res!.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((await tryLogin('other@example.com', PW)).status, 429);
  });
});

describe('password sign-in turned off', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test('login is 501 and the server says so', async () => {
    await givePassword(srv, srv.devUser.id, PW);
    const res = await login(srv, srv.devUser.email, PW);
    assert.equal(res.status, 501);
    assert.equal(res.body.error, 'password login is disabled');
    assert.deepEqual((await api(srv, 'GET', '/api/auth/methods')).body, { password: false });
  });

  test('a password still changes, and wrong current passwords back off', async () => {
    const { token, userId } = await signIn(srv, 'changer@example.com');
    await givePassword(srv, userId, PW);
    assert.equal((await change(srv, token, PW, 'second password')).status, 200);
    for (let i = 0; i < 5; i++)
      assert.equal((await change(srv, token, 'a wrong guess', 'third password')).status, 400);
    const locked = await change(srv, token, 'second password', 'third password');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
  });
});
