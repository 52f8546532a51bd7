import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceListResponse } from '@clickclack/protocol';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';
import { createBot } from '../src/services/bots/bots.js';

let srv: TestServer;
let owner: { token: string; userId: string };
let wid: string;

before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  wid = (
    await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
      token: owner.token,
    })
  ).body.workspaces[0]!.id;
});
after(() => srv.close());

test('installing an app and revoking it cascades to its slash commands, subscriptions and (on request) tokens', async () => {
  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: owner.userId,
    displayName: 'GitHub',
  });
  const installed = await api<{
    app_installation: { id: string; app_slug: string; config: Record<string, unknown> };
  }>(srv, 'POST', `/api/workspaces/${wid}/app-installations`, {
    token: owner.token,
    body: { app_slug: 'GitHub App', bot_user_id: bot.bot.id, config: { repo: 'x/y' } },
  });
  assert.equal(installed.status, 201);
  assert.equal(installed.body.app_installation.app_slug, 'github-app');
  assert.deepEqual(installed.body.app_installation.config, { repo: 'x/y' });
  const appId = installed.body.app_installation.id;
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/app-installations`, {
        token: owner.token,
        body: { app_slug: 'x', bot_user_id: owner.userId },
      })
    ).status,
    400,
  );
  await api(srv, 'POST', `/api/workspaces/${wid}/slash-commands`, {
    token: owner.token,
    body: {
      command: '/gh',
      callback_url: 'https://example.com/gh',
      bot_user_id: bot.bot.id,
      app_installation_id: appId,
    },
  });
  await api(srv, 'POST', `/api/workspaces/${wid}/event-subscriptions`, {
    token: owner.token,
    body: {
      event_types: ['*'],
      callback_url: 'https://example.com/ev',
      app_installation_id: appId,
    },
  });
  const list = await api<{ app_installations: unknown[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/app-installations`,
    { token: owner.token },
  );
  assert.equal(list.body.app_installations.length, 1);
  const revoked = await api<{ revoked: Record<string, number> }>(
    srv,
    'POST',
    `/api/app-installations/${appId}/revoke`,
    { token: owner.token, body: { revoke_bot_tokens: true } },
  );
  assert.deepEqual(revoked.body.revoked, {
    slash_commands: 1,
    event_subscriptions: 1,
    bot_tokens: 1,
  });
  assert.equal((await api(srv, 'GET', '/api/me', { token: bot.token })).status, 401);
  const again = await api<{ revoked: Record<string, number> }>(
    srv,
    'POST',
    `/api/app-installations/${appId}/revoke`,
    { token: owner.token, body: {} },
  );
  assert.deepEqual(again.body.revoked, {
    slash_commands: 0,
    event_subscriptions: 0,
    bot_tokens: 0,
  });
  assert.equal(
    (
      await api<{ slash_commands: unknown[] }>(
        srv,
        'GET',
        `/api/workspaces/${wid}/slash-commands`,
        { token: owner.token },
      )
    ).body.slash_commands.length,
    0,
  );
  assert.equal(
    (
      await api<{ app_installations: unknown[] }>(
        srv,
        'GET',
        `/api/workspaces/${wid}/app-installations`,
        { token: owner.token },
      )
    ).body.app_installations.length,
    0,
  );
});

test('revoking an app with delete_bot retires its bot in the same transaction', async () => {
  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: owner.userId,
    displayName: 'Linear',
    handle: 'linear-app',
  });
  const installed = await api<{ app_installation: { id: string } }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/app-installations`,
    { token: owner.token, body: { app_slug: 'linear', bot_user_id: bot.bot.id } },
  );
  const res = await api<{
    revoked: Record<string, number>;
    deleted_bot?: { id: string; former_handle: string };
  }>(srv, 'POST', `/api/app-installations/${installed.body.app_installation.id}/revoke`, {
    token: owner.token,
    body: { delete_bot: true },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.revoked.bot_tokens, 1);
  assert.equal(res.body.deleted_bot?.id, bot.bot.id);
  assert.equal(res.body.deleted_bot?.former_handle, 'linear-app');
  assert.equal((await api(srv, 'GET', '/api/me', { token: bot.token })).status, 401);
  const bots = await api<{ bots: { bot: { id: string } }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bots`,
    { token: owner.token },
  );
  assert.ok(!bots.body.bots.some((b) => b.bot.id === bot.bot.id));
});

test('delete_bot the caller may not retire refuses the whole revoke', async () => {
  const member = await signIn(srv, 'app-member@x.io', 'Member');
  const invite = await api<{ token: string }>(srv, 'POST', `/api/workspaces/${wid}/invites`, {
    token: owner.token,
    raw: '',
  });
  await api(srv, 'POST', `/api/invites/${invite.body.token}/accept`, { token: member.token });
  const theirs = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: member.userId,
    ownerUserId: member.userId,
    displayName: 'Their helper',
  });
  const installed = await api<{ app_installation: { id: string } }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/app-installations`,
    { token: owner.token, body: { app_slug: 'helper', bot_user_id: theirs.bot.id } },
  );
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  const refused = await api(
    srv,
    'POST',
    `/api/app-installations/${installed.body.app_installation.id}/revoke`,
    { token: owner.token, body: { delete_bot: true } },
  );
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, 'only the bot owner can manage this bot');
  const list = await api<{ app_installations: { id: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/app-installations`,
    { token: owner.token },
  );
  assert.ok(list.body.app_installations.some((a) => a.id === installed.body.app_installation.id));
  assert.equal((await api(srv, 'GET', '/api/me', { token: theirs.token })).status, 200);
});
