// `setup_nonce` on bot create, token create and app install: an installer that lost an
// answer retries with the same nonce and gets the same row back (a token with a fresh secret,
// the old one dead), never a second bot or installation, even when the retries race; the
// same nonce with other input is a 409.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppInstallationResponse, BotToken, CreateBotResponse } from '@clickclack/protocol';
import { api, startTestServer, team, type Res, type TestServer } from './helpers.js';

type U = { token: string; userId: string };

let srv: TestServer;
let owner: U, second: U;
let wid: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['nonce-mod@x.io', 'Second manager']]);
  ({ owner, workspaceId: wid } = t);
  second = t.members[0]!;
  await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${second.userId}`, {
    token: owner.token,
    body: { role: 'moderator' },
  });
});
after(() => srv.close());

let n = 0;
/** A fresh nonce per call: the tests must not see each other's rows. */
const nonce = () => `nonce-${process.pid}-${++n}-0123456789abcdef`;

const createBot = (body: Record<string, unknown>, by = owner) =>
  api<CreateBotResponse>(srv, 'POST', `/api/workspaces/${wid}/bots`, { token: by.token, body });
const createToken = (botId: string, body: Record<string, unknown>) =>
  api<{ bot_token: BotToken }>(srv, 'POST', `/api/workspaces/${wid}/bots/${botId}/tokens`, {
    token: owner.token,
    body,
  });
const install = (body: Record<string, unknown>) =>
  api<AppInstallationResponse>(srv, 'POST', `/api/workspaces/${wid}/app-installations`, {
    token: owner.token,
    body,
  });
const me = (token: string) => api(srv, 'GET', '/api/me', { token });

async function botsNamed(name: string): Promise<{ bot: { id: string }; tokens: BotToken[] }[]> {
  const list = await api<{
    bots: { bot: { id: string; display_name: string }; tokens: BotToken[] }[];
  }>(srv, 'GET', `/api/workspaces/${wid}/bots`, { token: owner.token });
  return list.body.bots.filter((b) => b.bot.display_name === name);
}

function ok<T>(res: Res<T>, status = 201): T {
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body;
}

test('bot create: a replay returns the same bot and token row with a fresh secret', async () => {
  const key = nonce();
  const body = {
    display_name: 'Replayed',
    handle: 'replayed',
    scopes: ['bot:read'],
    setup_nonce: key,
  };
  const first = ok(await createBot(body));
  const again = ok(await createBot(body));
  assert.equal(again.bot.id, first.bot.id);
  assert.equal(again.bot_token!.id, first.bot_token!.id);
  assert.deepEqual(again.bot_token!.scopes, first.bot_token!.scopes);
  assert.notEqual(again.bot_token!.token, first.bot_token!.token);
  assert.match(again.bot_token!.token!, /^ccb_/);
  // The lost secret is dead, the new one works.
  assert.equal((await me(first.bot_token!.token!)).status, 401);
  assert.equal((await me(again.bot_token!.token!)).status, 200);
  const listed = await botsNamed('Replayed');
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.tokens.length, 1);

  // Different input under the same nonce: a conflict, and nothing is made.
  for (const other of [
    { ...body, display_name: 'Replayed 2', handle: 'replayed-2' },
    { ...body, scopes: ['bot:write'] },
    { ...body, token_name: 'laptop' },
  ]) {
    const res = await createBot(other);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      error: 'setup_nonce was already used with different input',
      code: 'conflict',
    });
  }
  assert.equal((await botsNamed('Replayed 2')).length, 0);

  // Another manager's nonce space is their own: the same nonce makes them their own bot.
  const theirs = ok(await createBot({ ...body, handle: 'replayed-b' }, second));
  assert.notEqual(theirs.bot.id, first.bot.id);

  // Once its token is revoked, the nonce cannot bring it back.
  ok(
    await api(srv, 'POST', `/api/bot-tokens/${first.bot_token!.id}/revoke`, {
      token: owner.token,
      body: {},
    }),
    200,
  );
  assert.equal((await createBot(body)).status, 409);
});

test('bot create: an initial_token:false replay returns the bot, still without a token', async () => {
  const body = { display_name: 'Codeless', initial_token: false, setup_nonce: nonce() };
  const first = ok(await createBot(body));
  const again = ok(await createBot(body));
  assert.equal(again.bot.id, first.bot.id);
  assert.equal(again.bot_token, undefined);
  assert.equal((await createBot({ ...body, initial_token: true })).status, 409);
  assert.equal((await botsNamed('Codeless')).length, 1);
});

test('bot create: racing retries make exactly one bot', async () => {
  const body = { display_name: 'Racer', setup_nonce: nonce() };
  const all = await Promise.all(Array.from({ length: 6 }, () => createBot(body)));
  const ids = new Set(all.map((r) => ok(r).bot.id));
  assert.equal(ids.size, 1);
  assert.equal(new Set(all.map((r) => r.body.bot_token!.id)).size, 1);
  const listed = await botsNamed('Racer');
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.tokens.length, 1);
  // Exactly one of the secrets handed out still works: the last one minted.
  const live = await Promise.all(all.map((r) => me(r.body.bot_token!.token!)));
  assert.equal(live.filter((r) => r.status === 200).length, 1);
});

test('token create: a replay rotates the same row; other input or a revoked token is a 409', async () => {
  const bot = ok(await createBot({ display_name: 'Token host' }));
  const body = { name: 'ci', scopes: ['bot:read'], setup_nonce: nonce() };
  const first = ok(await createToken(bot.bot.id, body)).bot_token;
  const again = ok(await createToken(bot.bot.id, body)).bot_token;
  assert.equal(again.id, first.id);
  assert.notEqual(again.token, first.token);
  assert.equal((await me(first.token!)).status, 401);
  assert.equal((await me(again.token!)).status, 200);
  assert.equal((await createToken(bot.bot.id, { ...body, name: 'cd' })).status, 409);
  const otherBot = ok(await createBot({ display_name: 'Token host 2' }));
  assert.equal((await createToken(otherBot.bot.id, body)).status, 409);
  const tokens = await api<{ bot_tokens: BotToken[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bots/${bot.bot.id}/tokens`,
    { token: owner.token },
  );
  assert.equal(tokens.body.bot_tokens.filter((t) => t.name === 'ci').length, 1);
  ok(
    await api(srv, 'POST', `/api/bot-tokens/${first.id}/revoke`, { token: owner.token, body: {} }),
    200,
  );
  assert.equal((await createToken(bot.bot.id, body)).status, 409);
});

test('setup_nonce must be 16-128 characters', async () => {
  for (const bad of ['short', 'x'.repeat(129)]) {
    const res = await createBot({ display_name: 'Bad nonce', setup_nonce: bad });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: 'setup_nonce must be 16-128 characters',
      code: 'bad_request',
    });
  }
  assert.equal((await botsNamed('Bad nonce')).length, 0);
});

test('app install: retries, racing or not, give one installation of one bot', async () => {
  // The installer's whole flow, retried as a unit: create the bot, then install the app.
  const botKey = nonce();
  const installKey = nonce();
  const flow = async () => {
    const bot = ok(await createBot({ display_name: 'Installer bot', setup_nonce: botKey }));
    return ok(
      await install({
        app_slug: 'OpenClaw',
        bot_user_id: bot.bot.id,
        config: { agent: 'main', channels: ['general'] },
        setup_nonce: installKey,
      }),
    );
  };
  const first = await flow();
  const raced = await Promise.all(Array.from({ length: 5 }, flow));
  for (const r of raced) assert.deepEqual(r, first);
  assert.equal((await botsNamed('Installer bot')).length, 1);
  const list = await api<{ app_installations: { id: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/app-installations`,
    { token: owner.token },
  );
  assert.deepEqual(
    list.body.app_installations.map((a) => a.id),
    [first.app_installation.id],
  );

  const base = {
    app_slug: 'openclaw',
    bot_user_id: first.app_installation.bot_user_id,
    config: { agent: 'main', channels: ['general'] },
    setup_nonce: installKey,
  };
  for (const other of [
    { ...base, config: { agent: 'other' } },
    { ...base, app_slug: 'something-else' },
    { ...base, display_name: 'Renamed' },
  ])
    assert.equal((await install(other)).status, 409);
  ok(
    await api(srv, 'POST', `/api/app-installations/${first.app_installation.id}/revoke`, {
      token: owner.token,
      body: {},
    }),
    200,
  );
  assert.equal((await install(base)).status, 409);
});
