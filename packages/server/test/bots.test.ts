import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BotToken, MessageResponse, User } from '@clickclack/protocol';
import {
  api,
  poll,
  sqlOf,
  startTestServer,
  team,
  type TestServer,
  type SignedIn,
} from './helpers.js';
import { TestSocket, type Frame } from './ws-client.js';

let srv: TestServer;
let owner: SignedIn, member: SignedIn;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['member@x.io', 'Member']]);
  ({ owner, workspaceId: wid, generalId: general } = t);
  member = t.members[0]!;
});
after(() => srv.close());

const socket = (token: string) =>
  TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
    headers: { authorization: `Bearer ${token}` },
  });

/** A system event: published to sockets only, so it has neither id nor cursor. */
async function systemFrame(sock: TestSocket, type: string): Promise<Frame> {
  await sock.until(() => sock.frames.some((f) => f.type === type), 5000, type);
  const frame = sock.frames.find((f) => f.type === type)!;
  assert.equal(frame.id, '');
  assert.equal(frame.cursor, '');
  assert.equal(frame.workspace_id, wid);
  return frame;
}

const mkBot = (u: SignedIn, body: Record<string, unknown>) =>
  api<{ bot: User; bot_token?: BotToken }>(srv, 'POST', `/api/workspaces/${wid}/bots`, {
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
  const list = await api<{ bots: { bot: User; tokens: BotToken[] }[] }>(
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
  const minted = await api<{ bot_token: BotToken }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/bots/${mine.body.bot.id}/tokens`,
    { token: member.token, body: { name: 'ci' } },
  );
  assert.equal(minted.status, 201);
  assert.ok(minted.body.bot_token.token);
  const legacy = await api<{ bot_tokens: BotToken[] }>(
    srv,
    'GET',
    `/api/bots/${mine.body.bot.id}/tokens`,
    { token: member.token },
  );
  assert.equal(legacy.body.bot_tokens.length, 2);
  const legacyMint = await api<{ bot_token: BotToken }>(
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
  const owned = await api<{ bots: { bot: User; active_token_count: number }[] }>(
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
    await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
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
  const revoked = await api<{ bot_token: BotToken }>(
    srv,
    'POST',
    `/api/bot-tokens/${token.id}/revoke`,
    {
      token: owner.token,
      raw: '',
    },
  );
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
  const [botSock, watcher] = await Promise.all([socket(token), socket(member.token)]);
  const removed = await api(
    srv,
    'DELETE',
    `/api/workspaces/${wid}/bots/${created.body.bot.id}/membership`,
    { token: owner.token },
  );
  assert.equal(removed.status, 204);
  await botSock.until(() => botSock.closed !== undefined);
  assert.deepEqual(botSock.closed, { code: 1008, reason: 'workspace access revoked' });
  const notice = await systemFrame(watcher, 'bot.membership_removed');
  assert.deepEqual(notice.payload, { bot_user_id: created.body.bot.id });
  watcher.close();
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
  const tokens = await api<{ bot_tokens: BotToken[] }>(
    srv,
    'GET',
    `/api/bots/${quiet.body.bot.id}/tokens`,
    { token: owner.token },
  );
  assert.equal(tokens.body.bot_tokens.length, 1);
  assert.ok(tokens.body.bot_tokens[0]!.revoked_at);
});

test('deleting a bot retires it everywhere; its messages stay, its handle is free', async () => {
  const made = await mkBot(member, {
    display_name: 'Retiree',
    handle: 'retiree',
    owner_user_id: member.userId,
    scopes: ['bot:read', 'messages:write'],
  });
  const token = made.body.bot_token!.token!;
  const botId = made.body.bot.id;
  const posted = await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
    token,
    body: { body: 'last words' },
  });
  assert.equal(posted.status, 201);
  const [botSock, watcher] = await Promise.all([socket(token), socket(owner.token)]);

  const notOwner = await api(srv, 'DELETE', `/api/bots/${botId}`, { token: owner.token });
  assert.equal(notOwner.status, 403);
  assert.equal(notOwner.body.error, 'only the bot owner can manage this bot');
  assert.equal((await api(srv, 'DELETE', `/api/bots/${botId}`, { token })).status, 403);
  const res = await api<{ deleted_bot: Record<string, string> }>(
    srv,
    'DELETE',
    `/api/bots/${botId}`,
    { token: member.token },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { deleted_at, ...rest } = res.body.deleted_bot;
  assert.deepEqual(rest, { id: botId, display_name: 'Retiree', former_handle: 'retiree' });
  assert.ok(deleted_at && !Number.isNaN(Date.parse(deleted_at)));

  await botSock.until(() => botSock.closed !== undefined);
  assert.deepEqual(botSock.closed, { code: 1008, reason: 'workspace access revoked' });
  const notice = await systemFrame(watcher, 'bot.deleted');
  assert.deepEqual(notice.payload, {
    bot_user_id: botId,
    display_name: 'Retiree',
    former_handle: 'retiree',
    deleted_at,
  });
  watcher.close();
  assert.equal((await api(srv, 'GET', '/api/me', { token })).status, 401);

  // History keeps its author, shown as retired; the handle can be taken again.
  const msg = await api<{ message: { author: Record<string, string> } }>(
    srv,
    'GET',
    `/api/messages/${posted.body.message.id}`,
    { token: owner.token },
  );
  assert.equal(msg.status, 200);
  assert.equal(msg.body.message.author.id, botId);
  assert.equal(msg.body.message.author.handle, '');
  assert.equal(msg.body.message.author.former_handle, 'retiree');
  assert.equal(msg.body.message.author.deleted_at, deleted_at);
  assert.equal((await mkBot(owner, { display_name: 'Heir', handle: 'retiree' })).status, 201);
  const list = await api<{ bots: { bot: User }[] }>(srv, 'GET', `/api/workspaces/${wid}/bots`, {
    token: owner.token,
  });
  assert.ok(!list.body.bots.some((b) => b.bot.id === botId));
  assert.equal(
    (await api(srv, 'DELETE', `/api/bots/${botId}`, { token: member.token })).status,
    404,
  );
  assert.equal(
    (await api(srv, 'DELETE', `/api/bots/${member.userId}`, { token: owner.token })).status,
    404,
  );

  // A service bot is retired by a manager of its workspace, not by a member.
  const service = await mkBot(owner, { display_name: 'Service' });
  const byMember = await api(srv, 'DELETE', `/api/bots/${service.body.bot.id}`, {
    token: member.token,
  });
  assert.equal(byMember.status, 403);
  assert.equal(byMember.body.error, 'workspace manager permission required');
  assert.equal(
    (await api(srv, 'DELETE', `/api/bots/${service.body.bot.id}`, { token: owner.token })).status,
    200,
  );
});
