import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceListResponse } from '@clickclack/protocol';
import { resolveServerConfig } from '../src/config/resolve.js';
import { oidcSettings } from '../src/config/oidc.js';
import { api, freePort, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';
import { signInAtProvider, startOidcProvider, type TestProvider } from './oidc-provider.js';

type Json = Record<string, unknown>;

const ACCOUNTS = {
  ada: { email: 'Ada@Example.com', verified: true, name: 'Ada Lovelace' },
  eve: { email: 'eve@example.com', verified: false, name: 'Eve' },
  newbie: { email: 'newbie@allowed.test', verified: true, name: 'New Person' },
  stranger: { email: 'stranger@elsewhere.test', verified: true, name: 'Stranger' },
  guest: { email: 'guest@elsewhere.test', verified: true, name: 'Invited Guest' },
  joiner: { email: 'joiner@joinable.test', verified: true, name: 'Joiner' },
  long: { email: 'long@allowed.test', verified: true, name: 'Ж'.repeat(100) },
};

/** A browser's view of one sign-in: the start redirect and the state cookie it was given. */
interface Started {
  authorizationUrl: string;
  cookie: string;
}

describe('single sign-on (OIDC)', () => {
  let srv: TestServer;
  let idp: TestProvider;
  let redirectUri: string;

  before(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    redirectUri = `${publicUrl}/api/auth/oidc/callback`;
    idp = await startOidcProvider(redirectUri, ACCOUNTS);
    srv = await startTestServer({
      port,
      publicUrl,
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        name: 'Example ID',
        allowedDomains: ['allowed.test'],
      },
    });
  });
  after(async () => {
    await srv.close();
    await idp.close();
  });

  async function start(query = ''): Promise<Started> {
    const res = await fetch(`${srv.url}/api/auth/oidc/start${query}`, { redirect: 'manual' });
    assert.equal(res.status, 302, await res.clone().text());
    const set = res.headers.getSetCookie().find((c) => c.startsWith('cc_oidc_state='))!;
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Lax/i);
    return { authorizationUrl: res.headers.get('location')!, cookie: set.split(';')[0]! };
  }

  async function callback(url: string, cookie: string | undefined): Promise<Response> {
    return fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  }

  /** The whole round trip as `login`; `tamper` edits the authorization URL first. */
  async function roundTrip(
    login: string,
    opts: { query?: string; tamper?: (u: URL) => void } = {},
  ) {
    const s = await start(opts.query);
    const url = new URL(s.authorizationUrl);
    opts.tamper?.(url);
    const back = await signInAtProvider(url.href, login, redirectUri);
    return callback(back, s.cookie);
  }

  const sessionOf = (res: Response): string => {
    const c = res.headers.getSetCookie().find((x) => x.startsWith('cc_session='));
    assert.ok(c, `no session cookie (status ${res.status})`);
    return c.split(';')[0]!.slice('cc_session='.length);
  };

  const errorOf = async (res: Response): Promise<[number, string]> => [
    res.status,
    ((await res.json()) as Json).error as string,
  ];

  test('the sign-in page learns about the button from /api/auth/methods', async () => {
    const res = await api<Json>(srv, 'GET', '/api/auth/methods');
    assert.deepEqual(res.body.oidc, { name: 'Example ID', start_url: '/api/auth/oidc/start' });
  });

  test('start sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const s = await start();
    const url = new URL(s.authorizationUrl);
    assert.equal(url.origin, idp.issuer);
    const p = url.searchParams;
    assert.equal(p.get('client_id'), idp.clientId);
    assert.equal(p.get('redirect_uri'), redirectUri);
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.ok((p.get('code_challenge') ?? '').length >= 43);
    assert.ok(p.get('nonce'));
    assert.equal(s.cookie, `cc_oidc_state=${p.get('state')}`);
  });

  test('a verified email signs in as the user who has it', async () => {
    const ada = await signIn(srv, 'ada@example.com', 'Ada');
    const res = await roundTrip('ada');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${srv.url}/app/`);
    const me = await api<{ user: Json }>(srv, 'GET', '/api/me', { token: sessionOf(res) });
    assert.equal(me.body.user.id, ada.userId);
  });

  test('someone new from an allowed domain gets an account on first sign-in', async () => {
    const res = await roundTrip('newbie');
    const me = await api<{ user: Json }>(srv, 'GET', '/api/me', { token: sessionOf(res) });
    assert.equal(me.body.user.email, 'newbie@allowed.test');
    assert.equal(me.body.user.display_name, 'New Person');
    // Again: the same account.
    const again = await roundTrip('newbie');
    const me2 = await api<{ user: Json }>(srv, 'GET', '/api/me', { token: sessionOf(again) });
    assert.equal(me2.body.user.id, me.body.user.id);
  });

  test("a provider's name longer than ours allows is cut, not refused", async () => {
    const res = await roundTrip('long');
    const me = await api<{ user: Json }>(srv, 'GET', '/api/me', { token: sessionOf(res) });
    assert.equal(me.body.user.display_name, 'Ж'.repeat(40));
  });

  test('someone new from another domain is refused, and nobody is created', async () => {
    const res = await roundTrip('stranger');
    assert.deepEqual(await errorOf(res), [
      403,
      'there is no account for stranger@elsewhere.test; ask for an invite link',
    ]);
    const sql = sqlOf(srv);
    const row = await sql.get("SELECT id FROM users WHERE email = 'stranger@elsewhere.test'");
    await sql.close();
    assert.equal(row, undefined);
  });

  test('someone new arriving through an invite link gets an account and joins its workspace', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = (
      await api<{ workspaces: { id: string; slug: string }[] }>(srv, 'GET', '/api/workspaces', {
        token: owner.token,
      })
    ).body.workspaces[0]!;
    const inv = await api<{ token: string }>(srv, 'POST', `/api/workspaces/${ws.id}/invites`, {
      token: owner.token,
      body: {},
    });
    const res = await roundTrip('guest', { query: `?invite=${inv.body.token}` });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${srv.url}/app/${ws.slug}`);
    const token = sessionOf(res);
    const list = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
      token,
    });
    assert.deepEqual(
      list.body.workspaces.map((w) => w.id),
      [ws.id],
    );
    // The single-use link is spent.
    const again = await fetch(`${srv.url}/api/auth/oidc/start?invite=${inv.body.token}`, {
      redirect: 'manual',
    });
    assert.equal(again.status, 409);
  });

  test("a workspace's self-join domain also lets someone new in; they then join it", async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = (
      await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
        token: owner.token,
      })
    ).body.workspaces[0]!;
    await api(srv, 'PUT', `/api/workspaces/${ws.id}/join-domains`, {
      token: owner.token,
      body: { domains: ['joinable.test'] },
    });
    const token = sessionOf(await roundTrip('joiner'));
    const offered = await api<WorkspaceListResponse>(srv, 'GET', '/api/me/joinable-workspaces', {
      token,
    });
    assert.deepEqual(
      offered.body.workspaces.map((w) => w.id),
      [ws.id],
    );
    assert.equal((await api(srv, 'POST', `/api/workspaces/${ws.id}/join`, { token })).status, 200);
  });

  test('an unverified email is refused', async () => {
    const res = await roundTrip('eve');
    assert.deepEqual(await errorOf(res), [
      403,
      'the identity provider has not verified eve@example.com',
    ]);
  });

  test('a browser that is refused goes back to the sign-in page with the reason', async () => {
    const s = await start();
    const back = await signInAtProvider(s.authorizationUrl, 'eve', redirectUri);
    const res = await fetch(back, {
      redirect: 'manual',
      headers: { cookie: s.cookie, accept: 'text/html,application/xhtml+xml' },
    });
    assert.equal(res.status, 302);
    const to = new URL(res.headers.get('location')!);
    assert.equal(to.origin + to.pathname, `${srv.url}/app/`);
    assert.equal(
      to.searchParams.get('sso_error'),
      'the identity provider has not verified eve@example.com',
    );
    assert.equal(
      res.headers.getSetCookie().some((c) => c.startsWith('cc_session=')),
      false,
    );
  });

  test('a callback without the state cookie (another browser) is refused', async () => {
    const s = await start();
    const back = await signInAtProvider(s.authorizationUrl, 'ada', redirectUri);
    const res = await callback(back, undefined);
    assert.equal(res.status, 400);
    assert.match((await errorOf(res))[1], /not started in this browser/);
  });

  test("a callback whose state is not the browser's is refused", async () => {
    const first = await start();
    const second = await start();
    const back = await signInAtProvider(first.authorizationUrl, 'ada', redirectUri);
    const res = await callback(back, second.cookie);
    const [status, error] = await errorOf(res);
    assert.equal(status, 400);
    assert.match(error, /^single sign-on failed: .*state/);
    assert.equal(
      res.headers.getSetCookie().some((c) => c.startsWith('cc_session=')),
      false,
    );
  });

  test('a callback is used once: a replay is refused', async () => {
    const s = await start();
    const back = await signInAtProvider(s.authorizationUrl, 'ada', redirectUri);
    assert.equal((await callback(back, s.cookie)).status, 302);
    const replay = await callback(back, s.cookie);
    assert.equal(replay.status, 400);
  });

  test('an ID token with another nonce is refused', async () => {
    const res = await roundTrip('ada', { tamper: (u) => u.searchParams.set('nonce', 'forged') });
    const [status, error] = await errorOf(res);
    assert.equal(status, 400);
    assert.match(error, /^single sign-on failed: .*nonce/);
  });

  test('a code issued for another PKCE challenge is refused', async () => {
    const res = await roundTrip('ada', {
      tamper: (u) =>
        u.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'),
    });
    const [status, error] = await errorOf(res);
    assert.equal(status, 400);
    assert.match(error, /^single sign-on failed: invalid_grant/);
  });

  test('the provider refusing (the person cancelled) is a 400, not a session', async () => {
    const s = await start();
    const state = new URL(s.authorizationUrl).searchParams.get('state')!;
    const res = await callback(
      `${redirectUri}?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
      s.cookie,
    );
    assert.deepEqual(await errorOf(res), [400, 'single sign-on failed: access_denied']);
  });
});

describe('single sign-on settings', () => {
  test('not configured: no button, and start is a 501', async () => {
    const srv = await startTestServer();
    try {
      const methods = await api<Json>(srv, 'GET', '/api/auth/methods');
      assert.equal(methods.body.oidc, undefined);
      const res = await api<Json>(srv, 'GET', '/api/auth/oidc/start');
      assert.deepEqual([res.status, res.body.error], [501, 'single sign-on is not configured']);
    } finally {
      await srv.close();
    }
  });

  test('flags, environment and config file; a half-configured provider stops serve', () => {
    const cfg = resolveServerConfig(
      { oidcIssuer: 'https://id.example.com', oidcClientId: 'cc' },
      {
        CLICKCLACK_OIDC_CLIENT_SECRET: 's3cret',
        CLICKCLACK_OIDC_ALLOWED_DOMAINS: 'Example.com, corp.example',
      },
    );
    assert.deepEqual(cfg.oidc, {
      issuer: 'https://id.example.com',
      clientId: 'cc',
      clientSecret: 's3cret',
      name: 'single sign-on',
      allowedDomains: ['example.com', 'corp.example'],
    });
    const ok = oidcSettings(cfg.oidc!, 'https://chat.example.com');
    assert.equal(ok.redirectUri, 'https://chat.example.com/api/auth/oidc/callback');
    assert.throws(() => oidcSettings(cfg.oidc!, undefined), /needs --public-url/);
    assert.throws(
      () => oidcSettings({ ...cfg.oidc!, clientSecret: '' }, 'https://chat.example.com'),
      /needs --oidc-client-secret/,
    );
    assert.throws(
      () => oidcSettings({ ...cfg.oidc!, issuer: 'http://id.example.com' }, 'https://c.example'),
      /must use https/,
    );
    assert.equal(resolveServerConfig({}, {}).oidc, undefined);
  });
});
