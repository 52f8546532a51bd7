import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, poll, sqlOf, startTestServer, team, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';

type U = { token: string; userId: string };
type Tok = {
  id: string;
  token?: string;
  scopes: string[];
  revoked_at?: string;
  last_used_at?: string;
};
type Bot = { id: string; kind: string; owner_user_id?: string };

let srv: TestServer;
let owner: U, member: U;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['member@x.io', 'Member']]);
  ({ owner, workspaceId: wid, generalId: general } = t);
  member = t.members[0]!;
});
after(() => srv.close());

const mkBot = (u: U, body: Record<string, unknown>) =>
  api<{ bot: Bot; bot_token?: Tok }>(srv, 'POST', `/api/workspaces/${wid}/bots`, {
    token: u.token,
    body,
  });

test('create service and user-owned bots; token manager rules; redacted lists', async () => {
  assert.equal((await mkBot(member, { display_name: 'Nope' })).status, 403);
  const service = await mkBot(owner, {
    display_name: 'Deployer',
    handle: 'deployer',
    scopes: ['bot:read', 'messages:write'],
  });
  assert.equal(service.status, 201);
  assert.match(service.body.bot_token!.token!, /^ccb_/);
  const mine = await mkBot(member, { display_name: 'My helper', owner_user_id: member.userId });
  assert.equal(mine.status, 201);
  assert.equal(mine.body.bot.owner_user_id, member.userId);
  assert.equal(
    (await mkBot(owner, { display_name: 'Not yours', owner_user_id: member.userId })).status,
    403,
  );
  assert.equal((await mkBot(owner, { display_name: 'Bad', scopes: ['root'] })).status, 400);
  const list = await api<{ bots: { bot: Bot; tokens: Tok[] }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bots`,
    { token: member.token },
  );
  assert.equal(list.body.bots.length, 2);
  assert.ok(list.body.bots.every((b) => b.tokens.every((t) => t.token === undefined)));
  // Owners/moderators manage service bots; only the owner manages a user-owned bot.
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/bots/${service.body.bot.id}/tokens`, {
        token: member.token,
        body: {},
      })
    ).status,
    403,
  );
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/bots/${mine.body.bot.id}/tokens`, {
        token: owner.token,
        body: {},
      })
    ).status,
    403,
  );
  const minted = await api<{ bot_token: Tok }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/bots/${mine.body.bot.id}/tokens`,
    { token: member.token, body: { name: 'ci' } },
  );
  assert.equal(minted.status, 201);
  assert.ok(minted.body.bot_token.token);
  const legacy = await api<{ bot_tokens: Tok[] }>(
    srv,
    'GET',
    `/api/bots/${mine.body.bot.id}/tokens`,
    { token: member.token },
  );
  assert.equal(legacy.body.bot_tokens.length, 2);
  const legacyMint = await api<{ bot_token: Tok }>(
    srv,
    'POST',
    `/api/bots/${service.body.bot.id}/tokens`,
    { token: owner.token, body: {} },
  );
  assert.equal(legacyMint.status, 201);
  assert.equal(
    (await api(srv, 'GET', `/api/bots/usr_nope/tokens`, { token: owner.token })).status,
    404,
  );
  const owned = await api<{ bots: { bot: Bot; active_token_count: number }[] }>(
    srv,
    'GET',
    '/api/me/bots',
    { token: member.token },
  );
  assert.equal(owned.body.bots[0]!.active_token_count, 2);
  assert.equal(
    (await api(srv, 'GET', `/api/workspaces/${wid}/bots`, { token: service.body.bot_token!.token }))
      .status,
    403,
  );
});

test('scope matrix: each gated route refuses a token without its scope', async () => {
  const reader = (await mkBot(owner, { display_name: 'Reader', scopes: ['bot:read'] })).body
    .bot_token!.token!;
  const writer = (await mkBot(owner, { display_name: 'Writer', scopes: ['bot:write'] })).body
    .bot_token!.token!;
  const admin = (await mkBot(owner, { display_name: 'Admin', scopes: ['bot:admin'] })).body
    .bot_token!.token!;
  const bare = (await mkBot(owner, { display_name: 'Bare', scopes: ['profile:read'] })).body
    .bot_token!.token!;
  const msg = (
    await api<{ message: { id: string } }>(srv, 'POST', `/api/channels/${general}/messages`, {
      token: owner.token,
      body: { body: 'hi' },
    })
  ).body.message.id;
  const cases: [string, string, unknown, string, string][] = [
    ['GET', '/api/workspaces', undefined, bare, reader],
    ['GET', `/api/workspaces/${wid}/channels`, undefined, bare, reader],
    ['POST', `/api/workspaces/${wid}/channels`, { name: 'bots-made-this' }, writer, admin],
    ['GET', `/api/channels/${general}/messages`, undefined, bare, reader],
    ['POST', `/api/channels/${general}/messages`, { body: 'beep' }, reader, writer],
    ['GET', `/api/messages/${msg}/thread`, undefined, bare, reader],
    ['POST', `/api/messages/${msg}/thread/replies`, { body: 'boop' }, reader, writer],
    ['POST', `/api/messages/${msg}/reactions`, { emoji: '🤖' }, reader, writer],
    ['GET', `/api/dms?workspace_id=${wid}`, undefined, bare, reader],
    ['GET', `/api/realtime/events?workspace_id=${wid}`, undefined, bare, reader],
    ['GET', `/api/search?workspace_id=${wid}&q=hi`, undefined, bare, reader],
    [
      'POST',
      '/api/realtime/ephemeral',
      { workspace_id: wid, channel_id: general, type: 'typing.started' },
      reader,
      writer,
    ],
    ['PUT', '/api/bots/self/commands', { commands: [] }, reader, writer],
  ];
  for (const [method, path, body, without, withScope] of cases) {
    const denied = await api(srv, method, path, { token: without, body });
    assert.equal(denied.status, 403, `${method} ${path} without scope`);
    assert.match(String(denied.body.error), /missing scope/);
    const allowed = await api(srv, method, path, { token: withScope, body });
    assert.ok(
      allowed.status < 300,
      `${method} ${path} with scope: ${allowed.status} ${JSON.stringify(allowed.body)}`,
    );
  }
  await assert.rejects(
    TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
      headers: { authorization: `Bearer ${bare}` },
    }),
    /HTTP 403/,
  );
  assert.equal(
    (await api(srv, 'PATCH', '/api/me', { token: admin, body: { display_name: 'x' } })).status,
    403,
  );
});

test('revoking a token closes its sockets at once; last_used_at is recorded in batches', async () => {
  const created = await mkBot(owner, { display_name: 'Watcher', scopes: ['bot:read'] });
  const token = created.body.bot_token!;
  const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
    headers: { authorization: `Bearer ${token.token}` },
  });
  assert.equal((await api(srv, 'GET', '/api/me', { token: token.token })).status, 200);
  const revoked = await api<{ bot_token: Tok }>(srv, 'POST', `/api/bot-tokens/${token.id}/revoke`, {
    token: owner.token,
    raw: '',
  });
  assert.ok(revoked.body.bot_token.revoked_at);
  await sock.until(() => sock.closed !== undefined);
  assert.equal(sock.closed?.code, 1008);
  assert.equal((await api(srv, 'GET', '/api/me', { token: token.token })).status, 401);
  assert.equal(
    (await api(srv, 'POST', `/api/bot-tokens/${token.id}/revoke`, { token: member.token, raw: '' }))
      .status,
    403,
  );
  // Uses are flushed in the background; the server writes them on shutdown at the latest.
  const db = sqlOf(srv);
  const row = async () =>
    (await db.get<{ last_used_at: string | null }>(
      'SELECT last_used_at FROM bot_tokens WHERE id = ?',
      token.id,
    ))!;
  assert.ok((await poll(row, (r) => r.last_used_at !== null, 7500)).last_used_at);
  await db.close();
});

test('command menus and removing a bot from a workspace', async () => {
  const created = await mkBot(owner, { display_name: 'Menu', handle: 'menu-bot' });
  const token = created.body.bot_token!.token!;
  const set = await api<{ bot_commands: { command: string; bot: { handle: string } }[] }>(
    srv,
    'PUT',
    '/api/bots/self/commands',
    {
      token,
      body: {
        commands: [
          { command: 'deploy', description: 'Ship it', args_hint: '<env>' },
          { command: '/Status', description: 'Show status' },
        ],
      },
    },
  );
  assert.equal(set.status, 200);
  assert.deepEqual(
    set.body.bot_commands.filter((c) => c.bot.handle === 'menu-bot').map((c) => c.command),
    ['/deploy', '/status'],
  );
  assert.equal(
    (
      await api(srv, 'PUT', '/api/bots/self/commands', {
        token,
        body: { commands: [{ command: 'bad cmd', description: 'x' }] },
      })
    ).status,
    400,
  );
  assert.equal(
    (
      await api(srv, 'PUT', '/api/bots/self/commands', {
        token: owner.token,
        body: { commands: [] },
      })
    ).status,
    403,
  );
  const listed = await api<{ bot_commands: unknown[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bot-commands`,
    { token: member.token },
  );
  assert.equal(listed.body.bot_commands.length, 2);
  assert.equal(
    (
      await api(srv, 'DELETE', `/api/workspaces/${wid}/bots/${created.body.bot.id}/membership`, {
        token: member.token,
      })
    ).status,
    403,
  );
  const removed = await api(
    srv,
    'DELETE',
    `/api/workspaces/${wid}/bots/${created.body.bot.id}/membership`,
    { token: owner.token },
  );
  assert.equal(removed.status, 204);
  assert.equal((await api(srv, 'GET', '/api/me', { token })).status, 401);
  assert.equal(
    (
      await api<{ bot_commands: unknown[] }>(srv, 'GET', `/api/workspaces/${wid}/bot-commands`, {
        token: member.token,
      })
    ).body.bot_commands.length,
    0,
  );
  assert.equal(
    (
      await api(srv, 'DELETE', `/api/workspaces/${wid}/bots/${created.body.bot.id}/membership`, {
        token: owner.token,
      })
    ).status,
    404,
  );
});

test('initial_token:false creates the bot with its first token already revoked', async () => {
  const quiet = await mkBot(owner, { display_name: 'Tokenless', initial_token: false });
  assert.equal(quiet.status, 201);
  assert.equal(quiet.body.bot_token, undefined);
  const tokens = await api<{ bot_tokens: Tok[] }>(
    srv,
    'GET',
    `/api/bots/${quiet.body.bot.id}/tokens`,
    { token: owner.token },
  );
  assert.equal(tokens.body.bot_tokens.length, 1);
  assert.ok(tokens.body.bot_tokens[0]!.revoked_at);
});
