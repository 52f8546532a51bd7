// Setup-code contract v1, driven the way OpenClaw's ClickClack channel drives it
// (`openclaw channels add clickclack --code '<claim_url>#CODE'`): the exact claim endpoint
// with the code as its fragment, a claim answer that must carry contract_version 1 and an
// api_base_url matching that endpoint (else OpenClaw rejects it as a "legacy response",
// after the code is spent), then the stored base is used with the new token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api,
  createPgTestDatabase,
  dropPgTestDatabase,
  startTestServer,
  team,
  TEST_PG_URL,
  type TestServer,
} from './helpers.js';
import { cliOk, startServer, type RunningServer } from './processes.js';

const CLAIM_PATH = '/api/bot-setup-codes/claim';
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** OpenClaw's rule for an API base: canonical origin (+ plain path), https unless loopback. */
function requireApiBase(value: string): string {
  const url = new URL(value);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback) throw new Error('must use HTTPS unless loopback');
  if (url.username || url.password || url.search || url.hash) throw new Error('invalid');
  const path = url.pathname === '/' ? '' : url.pathname;
  if (
    path.endsWith('/') ||
    path
      .split('/')
      .slice(1)
      .some((s) => !/^[A-Za-z0-9._~-]+$/.test(s))
  )
    throw new Error('invalid');
  if (value !== url.origin + path) throw new Error('API base is not canonical');
  return value;
}

/** `--code <claim_url>#CODE`: the exact endpoint and the normalized code. */
function parseSetupInput(input: string): { claimUrl: string; apiBaseUrl: string; code: string } {
  const url = new URL(input);
  if (url.username || url.password || url.search) throw new Error('bad setup URL');
  const typed = url.hash.slice(1);
  url.hash = '';
  const exact = url.toString();
  if (!url.pathname.endsWith(CLAIM_PATH)) throw new Error('not an exact claim endpoint');
  const apiBaseUrl = requireApiBase(url.origin + url.pathname.slice(0, -CLAIM_PATH.length));
  if (exact !== apiBaseUrl + CLAIM_PATH) throw new Error('non-canonical claim endpoint');
  const code = typed.trim().toUpperCase().replaceAll('-', '').replaceAll(' ', '');
  if (code.length !== 12 || [...code].some((c) => !CODE_ALPHABET.includes(c)))
    throw new Error('setup code must contain 12 valid base32 characters');
  return { claimUrl: exact, apiBaseUrl, code };
}

type Claim = {
  token: string;
  api_base_url: string;
  workspace: { id: string };
  defaults: { defaultTo?: string; allowFrom?: string[]; agentActivity?: boolean };
};

/** The claim as OpenClaw makes it and the checks it applies to the answer. */
async function claimLikeOpenClaw(claimUrl: string, code: string): Promise<Claim> {
  const res = await fetch(claimUrl, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
    redirect: 'manual',
  });
  if (!res.ok)
    throw Object.assign(new Error(`claim failed (${res.status}): ${await res.text()}`), {
      status: res.status,
    });
  const claim = (await res.json()) as Record<string, unknown>;
  const str = (o: unknown, key: string) => {
    const v = (o as Record<string, unknown>)[key];
    if (typeof v !== 'string' || !v.trim()) throw new Error(`claim returned invalid ${key}`);
    return v;
  };
  if (claim.contract_version === undefined && claim.api_base_url === undefined)
    throw new Error('ClickClack setup code claim returned a legacy response for an exact endpoint');
  if (claim.contract_version !== 1 || typeof claim.api_base_url !== 'string')
    throw new Error('invalid v1 contract metadata');
  const apiBaseUrl = requireApiBase(claim.api_base_url);
  if (apiBaseUrl + CLAIM_PATH !== claimUrl)
    throw new Error('API base does not match the claim URL');
  str(claim, 'token');
  for (const key of ['id', 'handle', 'display_name']) str(claim.bot, key);
  for (const key of ['id', 'route_id', 'slug', 'name']) str(claim.workspace, key);
  const d = claim.defaults as Claim['defaults'];
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new Error('bad defaults');
  return claim as unknown as Claim;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("OpenClaw's exact-endpoint setup flow against `serve --public-url`", () => {
  let srv: RunningServer;
  let publicUrl: string;
  let owner: string;
  let wid: string;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-contract-'));
    const dbArgs = TEST_PG_URL ? ['--db', await createPgTestDatabase(dataDir)] : [];
    const port = await freePort();
    // Loopback http is a valid public URL (a local install), so the agent can really call it.
    publicUrl = `http://127.0.0.1:${port}`;
    srv = await startServer({
      dataDir,
      args: [...dbArgs, '--addr', `127.0.0.1:${port}`, '--public-url', publicUrl],
    });
    const db = dbArgs.length ? dbArgs : ['--data', dataDir];
    await cliOk(['admin', 'bootstrap', ...db, '--name', 'Owner', '--email', 'o@example.test']);
    const magic = await cliOk([
      'admin',
      'magic-link',
      'create',
      ...db,
      '--email',
      'o@example.test',
    ]);
    const login = await fetch(`${srv.url}/api/auth/magic/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: magic }),
    });
    owner = ((await login.json()) as { token: string }).token;
    const ws = await fetch(`${srv.url}/api/workspaces`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    wid = ((await ws.json()) as { workspaces: { id: string }[] }).workspaces[0]!.id;
  });
  after(async () => {
    const dataDir = srv.dataDir;
    await srv.stop();
    if (TEST_PG_URL) await dropPgTestDatabase(dataDir);
    await srv.cleanup();
  });

  test('claim_url#CODE claims, stores the returned base and connects with the token', async () => {
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(srv.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as T;
    };
    const { bot } = await post<{ bot: { id: string } }>(`/api/workspaces/${wid}/bots`, {
      display_name: 'Gateway',
      handle: 'gateway',
      initial_token: false,
    });
    const { setup_code: issued } = await post<{
      setup_code: { code: string; claim_url: string; api_base_url: string };
    }>(`/api/workspaces/${wid}/bots/${bot.id}/setup-codes`, {
      name: 'gateway',
      defaults: { defaultTo: 'channel:general', allowFrom: ['*'], agentActivity: true },
    });
    assert.equal(issued.claim_url, `${publicUrl}${CLAIM_PATH}`);
    assert.equal(issued.api_base_url, publicUrl);

    // What the admin copies: `openclaw channels add clickclack --code '<claim_url>#CODE'`.
    const setup = parseSetupInput(`${issued.claim_url}#${issued.code.toLowerCase()}`);
    const claim = await claimLikeOpenClaw(setup.claimUrl, setup.code);
    assert.equal(claim.api_base_url, publicUrl);
    assert.deepEqual(claim.defaults, {
      defaultTo: 'channel:general',
      allowFrom: ['*'],
      agentActivity: true,
    });

    // OpenClaw's connection check, against the base it stored.
    const auth = { authorization: `Bearer ${claim.token}` };
    const me = await fetch(`${claim.api_base_url}/api/me`, { headers: auth });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: { handle: string } }).user.handle, 'gateway');
    const spaces = await fetch(`${claim.api_base_url}/api/workspaces`, { headers: auth });
    const list = (await spaces.json()) as { workspaces: { id: string }[] };
    assert.ok(list.workspaces.some((w) => w.id === claim.workspace.id));

    // One use only: OpenClaw maps this 404 to "invalid, expired, or already used".
    await assert.rejects(claimLikeOpenClaw(setup.claimUrl, setup.code), { status: 404 });
  });
});

describe('without --public-url', () => {
  let srv: TestServer;
  let owner: string;
  let botId: string;
  let wid: string;

  before(async () => {
    srv = await startTestServer();
    const t = await team(srv, []);
    owner = t.owner.token;
    wid = t.workspaceId;
    const made = await api<{ bot: { id: string } }>(srv, 'POST', `/api/workspaces/${wid}/bots`, {
      token: owner,
      body: { display_name: 'Local agent', handle: 'local-agent' },
    });
    botId = made.body.bot.id;
  });
  after(() => srv.close());

  const issue = () =>
    api<{ setup_code: Record<string, unknown> }>(
      srv,
      'POST',
      `/api/workspaces/${wid}/bots/${botId}/setup-codes`,
      { token: owner, body: {} },
    );

  test('a local request gets the address it used (a local install works as is)', async () => {
    const res = await issue();
    assert.equal(res.status, 201);
    assert.equal(res.body.setup_code.claim_url, `${srv.url}${CLAIM_PATH}`);
    const setup = parseSetupInput(
      `${String(res.body.setup_code.claim_url)}#${String(res.body.setup_code.code)}`,
    );
    assert.equal((await claimLikeOpenClaw(setup.claimUrl, setup.code)).api_base_url, srv.url);
  });

  test('a request through a proxy cannot name the server: no contract, no claim URL', async () => {
    // fetch always sends the URL's host, so the forwarded Host goes out over node:http.
    const proxied = (path: string, body: unknown, token?: string) =>
      new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
        const req = request(`${srv.url}${path}`, {
          method: 'POST',
          headers: {
            host: 'chat.example.test',
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(text) as Record<string, unknown>,
            }),
          );
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const issued = await proxied(`/api/workspaces/${wid}/bots/${botId}/setup-codes`, {}, owner);
    assert.equal(issued.status, 201);
    const code = issued.body.setup_code as Record<string, unknown>;
    for (const key of ['contract_version', 'api_base_url', 'claim_url'])
      assert.equal(code[key], undefined, key);
    const claimed = await proxied(CLAIM_PATH, { code: code.code });
    assert.equal(claimed.status, 200);
    assert.equal(claimed.body.contract_version, undefined);
    assert.equal(claimed.body.api_base_url, undefined);
  });
});
