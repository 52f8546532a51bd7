// `serve --public-url` behind a TLS proxy: the real `clickclack serve` binary is reached the
// way a proxy with default settings reaches it (plain http on loopback, Host rewritten to the
// upstream address) while browsers send Origin https://chat.example.test. The public origin
// must pass the CSRF, login and WebSocket origin checks, every other origin must not, the
// session cookie must be Secure, and the URLs the server prints or hands out name it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveServerConfig } from '../src/config/resolve.js';
import { createPgTestDatabase, dropPgTestDatabase, TEST_PG_URL } from './helpers.js';
import { runCli, startServer, type RunningServer } from './processes.js';
import { TestSocket } from './ws-client.js';

const PUBLIC = 'https://chat.example.test';

describe('config: --public-url, CLICKCLACK_PUBLIC_URL, public_url', () => {
  const file = (content: unknown): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'cc-conf-')), 'config.json');
    writeFileSync(p, JSON.stringify(content));
    return p;
  };

  test('flag > env > file, kept as a canonical origin', () => {
    const config = file({ public_url: 'https://file.example.test' });
    assert.equal(resolveServerConfig({ config }, {}).publicUrl, 'https://file.example.test');
    const env = { CLICKCLACK_PUBLIC_URL: 'https://Env.Example.test:443/' };
    assert.equal(resolveServerConfig({ config }, env).publicUrl, 'https://env.example.test');
    assert.equal(
      resolveServerConfig({ config, publicUrl: 'https://flag.example.test:8443' }, env).publicUrl,
      'https://flag.example.test:8443',
    );
    assert.equal(resolveServerConfig({}, {}).publicUrl, '');
    assert.equal(
      resolveServerConfig({ publicUrl: 'http://127.0.0.1:8080/' }, {}).publicUrl,
      'http://127.0.0.1:8080',
    );
  });

  test('anything but an https origin (or http on loopback) is refused at start', () => {
    for (const [bad, message] of [
      ['http://chat.example.test', /must use https/],
      ['https://chat.example.test/chat', /without a path/],
      ['https://chat.example.test/?x=1', /query or fragment/],
      ['https://user:pw@chat.example.test', /credentials/],
      ['ftp://chat.example.test', /http or https/],
      ['chat.example.test', /invalid public URL/],
    ] as const)
      assert.throws(() => resolveServerConfig({ publicUrl: bad }, {}), message, bad);
  });
});

describe('a server with --public-url https://chat.example.test behind a proxy', () => {
  let srv: RunningServer;
  let dbArgs: string[];
  let cookie: string;
  let bearer: string;
  let wid: string;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-public-'));
    dbArgs = TEST_PG_URL ? ['--db', await createPgTestDatabase(dataDir)] : ['--data', dataDir];
    srv = await startServer({
      dataDir,
      devBootstrap: true,
      args: [...dbArgs, '--public-url', `${PUBLIC}/`],
    });
  });
  after(async () => {
    const dataDir = srv.dataDir;
    await srv.stop();
    if (TEST_PG_URL) await dropPgTestDatabase(dataDir);
    await srv.cleanup();
  });

  /** A request as the proxy forwards it: Host stays the upstream's (nginx's default). */
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(srv.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  test('its startup log and magic links name the public URL', async () => {
    assert.match(
      srv.log(),
      /listening on http:\S+ \(public URL: https:\/\/chat\.example\.test\/app\/\)/,
    );
    const minted = runCli(
      ['admin', 'magic-link', 'create', ...dbArgs, '--email', 'local@clickclack.chat'],
      { env: { CLICKCLACK_PUBLIC_URL: PUBLIC } },
    );
    const r = await minted;
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    assert.match(token, /^mgt_/);
    assert.equal(r.stderr.trim(), `sign-in link: ${PUBLIC}/app/?token=${token}`);

    // Signing in from another origin is refused (and spends nothing); from ours it works,
    // and the session cookie is Secure although the hop from the proxy is plain http.
    const evil = await send(
      'POST',
      '/api/auth/magic/consume',
      { origin: 'https://evil.test' },
      {
        token,
      },
    );
    assert.equal(evil.status, 403);
    const res = await send('POST', '/api/auth/magic/consume', { origin: PUBLIC }, { token });
    assert.equal(res.status, 200, await res.clone().text());
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^cc_session=sst_/);
    assert.match(setCookie, /; Secure/);
    assert.match(setCookie, /; HttpOnly/);
    cookie = setCookie.split(';')[0]!;
    bearer = ((await res.json()) as { token: string }).token;
    const ws = await fetch(`${srv.url}/api/workspaces`, { headers: { cookie } });
    wid = ((await ws.json()) as { workspaces: { id: string }[] }).workspaces[0]!.id;
  });

  test('cookie writes: the public origin passes the CSRF check, other origins do not', async () => {
    const write = (origin: string, name: string) =>
      send(
        'POST',
        `/api/workspaces/${wid}/channels`,
        { cookie, 'x-clickclack-csrf': '1', origin },
        {
          name,
        },
      );
    const ok = await write(PUBLIC, 'through-the-proxy');
    assert.equal(ok.status, 201, await ok.text());
    for (const origin of [
      'https://evil.test',
      'http://chat.example.test',
      'https://chat.example.test:8443',
    ]) {
      const res = await write(origin, 'nope');
      assert.equal(res.status, 403, origin);
      assert.deepEqual(await res.json(), {
        error: 'cross-site session requests are not allowed',
        code: 'forbidden',
      });
    }
  });

  test('WebSocket upgrades: the public origin connects, other origins are refused', async () => {
    const url = `${srv.url}/api/realtime/ws?workspace_id=${wid}`;
    const sock = await TestSocket.open(url, { headers: { cookie, origin: PUBLIC } });
    sock.ws.close();
    await assert.rejects(
      TestSocket.open(url, { headers: { cookie, origin: 'https://evil.test' } }),
      /HTTP 403: .*cross-origin websocket upgrades are not allowed/,
    );
  });

  test('setup codes carry the public API base and claim URL', async () => {
    const auth = { authorization: `Bearer ${bearer}` };
    const bot = await send('POST', `/api/workspaces/${wid}/bots`, auth, {
      display_name: 'Proxied agent',
      handle: 'proxied-agent',
    });
    const botId = ((await bot.json()) as { bot: { id: string } }).bot.id;
    const issued = await send('POST', `/api/workspaces/${wid}/bots/${botId}/setup-codes`, auth, {});
    const { setup_code: code } = (await issued.json()) as { setup_code: Record<string, unknown> };
    assert.equal(code.contract_version, 1);
    assert.equal(code.api_base_url, PUBLIC);
    assert.equal(code.claim_url, `${PUBLIC}/api/bot-setup-codes/claim`);
    const claimed = await send('POST', '/api/bot-setup-codes/claim', {}, { code: code.code });
    const claim = (await claimed.json()) as Record<string, unknown>;
    assert.equal(claimed.status, 200, JSON.stringify(claim));
    assert.equal(claim.contract_version, 1);
    assert.equal(claim.api_base_url, PUBLIC);
  });
});
