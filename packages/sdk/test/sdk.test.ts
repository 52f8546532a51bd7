import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS, UNSUPPORTED_FEATURES } from '@clickclack/protocol';
import { ROUTES } from '@clickclack/protocol/routes';
import {
  ClickClackBot,
  ClickClackClient,
  ClickClackError,
  queryString,
  type WebSocketConstructor,
} from '../src/index.js';
import { fakeFetch } from './fake-fetch.js';

const client = (opts: { token?: string; userId?: string } = {}, f = fakeFetch()) => ({
  c: new ClickClackClient({ baseUrl: 'http://chat.test/', fetch: f.fetch, ...opts }),
  calls: f.calls,
});

test("the SDK's route list is the route table's methods and paths, every operation of it", () => {
  const table = Object.fromEntries(
    Object.entries(OPERATIONS).map(([id, o]) => [id, { method: o.method, path: o.path }]),
  );
  assert.deepEqual({ ...ROUTES }, table);
});

test('every operation in the route table has an SDK method', async () => {
  const { c, calls } = client({ token: 'sst_x' });
  const blob = new Blob(['hi'], { type: 'text/plain' });
  const each: (() => Promise<unknown>)[] = [
    () => c.healthz(),
    () => c.readyz(),
    () => c.auth.requestMagicLink({ email: 'a@b.c' }),
    () => c.auth.consumeMagicLink('mgt_1'),
    () => c.auth.passwordLogin({ identifier: 'a@b.c', password: 'secret password' }),
    () => c.auth.changePassword({ current_password: 'old password', new_password: 'new password' }),
    () => c.auth.methods(),
    () => c.auth.logout(),
    () => c.me(),
    () => c.updateMe({ display_name: 'A' }),
    () => c.workspaces.list(),
    () => c.workspaces.create({ name: 'W' }),
    () => c.workspaces.get('wsp_1'),
    () => c.workspaces.update('wsp_1', { name: 'W2' }),
    () => c.workspaces.transferOwnership('wsp_1', 'usr_2'),
    () => c.workspaces.deletionPreview('wsp_1'),
    () => c.workspaces.delete('wsp_1'),
    () => c.workspaces.members('wsp_1', { limit: 5 }),
    () => c.workspaces.addMember('wsp_1', { user_id: 'usr_2' }),
    () => c.workspaces.updateMember('wsp_1', 'usr_2', 'moderator'),
    () => c.workspaces.removeMember('wsp_1', 'usr_2'),
    () => c.workspaces.moderationRoster('wsp_1'),
    () => c.workspaces.moderateMember('wsp_1', 'usr_2', { blocked: true }),
    () => c.workspaces.createInvite('wsp_1'),
    () => c.workspaces.presence('wsp_1'),
    () => c.workspaces.channelDirectory('wsp_1'),
    () => c.channels.list('wsp_1'),
    () => c.channels.create('wsp_1', { name: 'x' }),
    () => c.channels.get('chn_1'),
    () => c.channels.update('chn_1', { topic: 't' }),
    () => c.channels.deletionPreview('chn_1'),
    () => c.channels.delete('chn_1'),
    () => c.channels.messagePage('chn_1', { limit: 2 }),
    () => c.channels.sendMessage('chn_1', { body: 'hi' }),
    () => c.channels.markRead('chn_1', 3),
    () => c.channels.pinnedMessages('chn_1'),
    () => c.channels.pinMessage('chn_1', 'msg_1'),
    () => c.channels.unpinMessage('chn_1', 'msg_1'),
    () => c.channels.join('chn_1'),
    () => c.channels.leave('chn_1'),
    () => c.channels.members('chn_1'),
    () => c.channels.addMember('chn_1', 'usr_2'),
    () => c.channels.removeMember('chn_1', 'usr_2'),
    () => c.messages.get('msg_1'),
    () => c.messages.findByNonce('wsp_1', 'n1'),
    () => c.messages.update('msg_1', { body: 'edited' }),
    () => c.messages.delete('msg_1'),
    () => c.messages.addReaction('msg_1', '👍'),
    () => c.messages.removeReaction('msg_1', '👍'),
    () => c.messages.reactions('msg_1'),
    () => c.messages.follow('msg_1'),
    () => c.messages.follow('msg_1', false),
    () => c.threads.get('msg_1', { latest: true }),
    () => c.threads.reply('msg_1', { body: 'r' }),
    () => c.invites.accept('tok_1'),
    () => c.events.list({ workspaceId: 'wsp_1' }),
    () => c.events.publishEphemeral({ workspaceId: 'wsp_1', type: 'presence.changed' }),
    () => c.eventTypes.list(),
    () => c.mentions({ limit: 5 }),
    () => c.search('wsp_1', 'x', { channelId: 'chn_1' }),
    () => c.dms.create('wsp_1', ['usr_2']),
    () => c.dms.list('wsp_1'),
    () => c.dms.get('dm_1'),
    () => c.dms.close('dm_1'),
    () => c.dms.open('dm_1'),
    () => c.dms.messages('dm_1'),
    () => c.dms.sendMessage('dm_1', { body: 'hi' }),
    () => c.dms.markRead('dm_1', 1),
    () => c.uploads.create('wsp_1', blob, 'a.txt', { nonce: 'n1' }),
    () => c.uploads.findByNonce('wsp_1', 'n1'),
    () => c.uploads.attach('msg_1', 'upl_1'),
    () => c.uploads.download('upl_1'),
    () => c.bots.create('wsp_1', { display_name: 'B' }),
    () => c.bots.list('wsp_1'),
    () => c.bots.listMine(),
    () => c.bots.listWorkspaceTokens('wsp_1', 'usr_b'),
    () => c.bots.createWorkspaceToken('wsp_1', 'usr_b'),
    () => c.bots.revokeToken('btok_1'),
    () => c.bots.createSetupCode('wsp_1', 'usr_b', { name: 'agent' }),
    () => c.bots.claimSetupCode('ABCD-EFGH-JKMN'),
    () => c.bots.listTokens('usr_b'),
    () => c.bots.createToken('usr_b'),
    () => c.bots.removeMembership('wsp_1', 'usr_b'),
    () => c.bots.delete('usr_9'),
    () => c.bots.setCommands([]),
    () => c.bots.listCommands('wsp_1'),
    () => c.webhooks.postMattermost('chn_1', { text: 'hi' }),
    () => c.webhooks.create('wsp_1', { channel_id: 'chn_1' }),
    () => c.webhooks.list('wsp_1'),
    () => c.webhooks.revoke('whk_1'),
    () => c.slashCommands.list('wsp_1'),
    () =>
      c.slashCommands.create('wsp_1', {
        command: '/x',
        callback_url: 'https://x',
        bot_user_id: 'usr_b',
      }),
    () => c.slashCommands.revoke('cmd_1'),
    () => c.slashCommands.rotateSecret('cmd_1'),
    () => c.slashCommands.invoke('chn_1', '/x', 'hi'),
    () => c.auditLog.list('wsp_1'),
    () => c.apps.list('wsp_1'),
    () => c.apps.install('wsp_1', { app_slug: 'x', bot_user_id: 'usr_b' }),
    () => c.apps.revoke('app_1'),
    () => c.eventSubscriptions.create('wsp_1', { event_types: [], callback_url: 'https://x' }),
    () => c.eventSubscriptions.list('wsp_1'),
    () => c.eventSubscriptions.revoke('esub_1'),
    () => c.eventSubscriptions.rotateSecret('esub_1'),
    () => c.eventSubscriptions.deliveries('esub_1', { limit: 5 }),
    () => c.channels.getNotificationPreference('chn_1'),
    () => c.channels.updateNotificationPreference('chn_1', 'muted'),
    () => c.messages.ensureRoute('msg_1'),
    () => c.routes.resolve('T0000000000000000', 'C0000000000000000'),
    () => c.invites.list('wsp_1'),
    () => c.invites.revoke('wsp_1', 'inv_1'),
    () => c.invites.preview('tok_1'),
    () => c.invites.signup('tok_1', { display_name: 'N', handle: 'n' }),
    () => c.invites.joinDomains('wsp_1'),
    () => c.invites.setJoinDomains('wsp_1', ['example.com']),
    () => c.invites.joinable(),
    () => c.invites.joinByDomain('wsp_1'),
    () => c.auth.sessions(),
    () => c.auth.setStatus({ emoji: '🌴', text: 'Away' }),
    () => c.auth.revokeSession('ses_1'),
    () => c.auth.emailNotifications(),
    () => c.auth.updateEmailNotifications({ enabled: false }),
    () => c.workspaces.deactivateMember('wsp_1', 'usr_2'),
    () => c.channels.markUnread('chn_1', 3),
    () => c.dms.markUnread('dm_1', 3),
  ];
  for (const call of each) await call();
  const hit = (method: string, path: string) =>
    calls.some((r) => {
      const pattern = new RegExp(`^${path.replace(/:[a-z_]+/g, '[^/]+')}$`);
      return r.method === method && pattern.test(r.url.pathname);
    });
  // Upstream features this server answers 501 for get no method that could only fail, and
  // single sign-on is a browser's redirect dance, not an API call, nor is an incoming
  // webhook's secret URL, which outside tools post to without any client.
  const browserOnly = new Set(['oidcStart', 'oidcCallback', 'postToIncomingWebhook']);
  const missing = Object.entries(OPERATIONS)
    .filter(
      ([id, op]) =>
        !(id in UNSUPPORTED_FEATURES) && !browserOnly.has(id) && !hit(op.method, op.path),
    )
    .map(([id, op]) => `${id} (${op.method} ${op.path})`);
  assert.deepEqual(missing, [], `operations without an SDK method: ${missing.join(', ')}`);
});

test('headers: JSON, bearer, dev user, CSRF only for cookie writes', async () => {
  const bearer = client({ token: 'sst_x', userId: 'usr_9' });
  await bearer.c.channels.sendMessage('chn_1', { body: 'hi' });
  await bearer.c.workspaces.list();
  const [post, get] = bearer.calls;
  assert.equal(post!.url.href, 'http://chat.test/api/channels/chn_1/messages');
  assert.equal(post!.headers.accept, 'application/json');
  assert.equal(post!.headers['content-type'], 'application/json');
  assert.equal(post!.headers.authorization, 'Bearer sst_x');
  assert.equal(post!.headers['x-clickclack-user'], 'usr_9');
  assert.equal(post!.headers['x-clickclack-csrf'], undefined);
  assert.equal(post!.body, '{"body":"hi"}');
  assert.equal(get!.headers['content-type'], undefined);

  const cookie = client();
  await cookie.c.channels.join('chn_1');
  await cookie.c.workspaces.list();
  assert.equal(cookie.calls[0]!.headers['x-clickclack-csrf'], '1');
  assert.equal(cookie.calls[0]!.headers.authorization, undefined);
  assert.equal(cookie.calls[1]!.headers['x-clickclack-csrf'], undefined);
});

test('paths are escaped and queries sorted without undefined values', async () => {
  const { c, calls } = client();
  await c.messages.removeReaction('msg_1', 'a/b c');
  await c.threads.get('msg_1', { limit: 5, after_seq: undefined, around_seq: 0, latest: false });
  assert.equal(calls[0]!.url.pathname, '/api/messages/msg_1/reactions/a%2Fb%20c');
  assert.equal(calls[1]!.url.search, '?around_seq=0&latest=false&limit=5');
  assert.equal(queryString({ b: '2', a: 1, c: undefined }), '?a=1&b=2');
  assert.equal(queryString({}), '');
});

test('errors carry status, server text, code and the status line', async () => {
  const f = fakeFetch(() => ({ status: 403, body: { error: 'forbidden', code: 'forbidden' } }));
  const { c } = client({}, f);
  const err = await c.me().catch((e: unknown) => e);
  assert.ok(err instanceof ClickClackError);
  assert.equal(err.status, 403);
  assert.equal(err.message, 'forbidden');
  assert.equal(err.code, 'forbidden');
  assert.equal(err.statusLine, '403 Forbidden: forbidden');

  const bare = client(
    {},
    fakeFetch(() => ({ status: 404 })),
  );
  const e2 = await bare.c.me().catch((e: unknown) => e);
  assert.ok(e2 instanceof ClickClackError);
  assert.equal(e2.statusLine, '404 Not Found');
  assert.equal(e2.message, '404 Not Found');
});

test('findByNonce: undefined only when the server says nonces are supported', async () => {
  const supported = fakeFetch(() => ({
    status: 404,
    body: { error: 'message not found' },
    headers: { 'x-clickclack-message-nonce': 'supported' },
  }));
  assert.equal(await client({}, supported).c.messages.findByNonce('wsp_1', 'n'), undefined);
  assert.equal(supported.calls[0]!.url.search, '?nonce=n&workspace_id=wsp_1');
  const old = fakeFetch(() => ({ status: 404, body: { error: 'not found' } }));
  await assert.rejects(client({}, old).c.messages.findByNonce('wsp_1', 'n'), ClickClackError);
});

test('consumeMagicLink stores the session token; 204 answers are undefined', async () => {
  const { c, calls } = client();
  await c.auth.consumeMagicLink('mgt_1');
  await c.me();
  assert.equal(calls[1]!.headers.authorization, 'Bearer sst_new');
  const empty = client(
    {},
    fakeFetch(() => ({ status: 204 })),
  );
  assert.equal(await empty.c.http.request('DELETE', '/x'), undefined);
});

test('publishEphemeral maps camelCase input to the snake_case body', async () => {
  const { c, calls } = client({ token: 't' });
  await c.events.publishEphemeral({
    workspaceId: 'wsp_1',
    channelId: 'chn_1',
    type: 'typing.started',
  });
  assert.deepEqual(JSON.parse(calls[0]!.body!), {
    workspace_id: 'wsp_1',
    channel_id: 'chn_1',
    type: 'typing.started',
  });
});

test('events.subscribe and ClickClackBot: bearer subprotocol, parsed events, one socket', async () => {
  type Listener = (ev: { data?: unknown; code?: number; reason?: string }) => void;
  const sockets: FakeSocket[] = [];
  class FakeSocket {
    readyState = 0;
    listeners: Record<string, Listener[]> = {};
    constructor(
      readonly url: string,
      readonly protocols?: string | string[],
    ) {
      sockets.push(this);
    }
    addEventListener(type: string, fn: Listener) {
      (this.listeners[type] ??= []).push(fn);
    }
    close() {
      this.readyState = 3;
      for (const fn of this.listeners.close ?? []) fn({ code: 1000, reason: '' });
    }
    emit(data: unknown) {
      for (const fn of this.listeners.message ?? []) fn({ data: JSON.stringify(data) });
    }
  }
  const seen: string[] = [];
  const bot = new ClickClackBot({
    baseUrl: 'https://chat.test',
    token: 'ccb_x',
    fetch: fakeFetch().fetch,
    webSocket: FakeSocket as unknown as WebSocketConstructor,
    workspaceId: 'wsp_1',
    afterCursor: 'cur_5',
    onEvent: (ev, cl) => void seen.push(`${ev.type}@${cl.baseUrl}`),
  });
  const ws = bot.start();
  assert.equal(bot.start(), ws, 'a connecting socket is reused');
  assert.equal(
    sockets[0]!.url,
    'wss://chat.test/api/realtime/ws?workspace_id=wsp_1&after_cursor=cur_5',
  );
  assert.deepEqual(sockets[0]!.protocols, ['clickclack.bearer.ccb_x']);
  sockets[0]!.emit({ id: 'evt_1', cursor: 'cur_6', type: 'message.created' });
  assert.deepEqual(seen, ['message.created@https://chat.test']);
  bot.stop();
  bot.start();
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1]!.url, sockets[0]!.url, 'the constructor cursor is reused');
});

test('retries: transient errors on idempotent requests, 429 on anything, Retry-After', async () => {
  const script = (statuses: number[], headers: Record<string, string> = {}) => {
    let i = 0;
    return fakeFetch(() => {
      const status = statuses[i++] ?? 200;
      return status === 200 ? undefined : { status, body: { error: 'busy' }, headers };
    });
  };
  const make = (f: ReturnType<typeof fakeFetch>) =>
    new ClickClackClient({
      baseUrl: 'http://chat.test',
      fetch: f.fetch,
      retry: { baseDelayMs: 1 },
    });
  const get = script([503, 502]);
  await make(get).workspaces.list();
  assert.equal(get.calls.length, 3);
  const post = script([503]);
  await assert.rejects(make(post).channels.sendMessage('chn_1', { body: 'x' }), /busy/);
  assert.equal(post.calls.length, 1, 'a plain create is never sent twice');
  const withNonce = script([503]);
  await make(withNonce).channels.sendMessage('chn_1', { body: 'x', nonce: 'n1' });
  assert.equal(withNonce.calls.length, 2, 'a create with a nonce is idempotent');
  const limited = script([429], { 'retry-after': '0' });
  await make(limited).channels.sendMessage('chn_1', { body: 'x' });
  assert.equal(limited.calls.length, 2);
  const tooLong = script([429], { 'retry-after': '3600' });
  const err = await make(tooLong)
    .workspaces.list()
    .catch((e: unknown) => e);
  assert.ok(err instanceof ClickClackError && err.status === 429, 'a long wait is not slept');
  const gone = script([503, 503, 503, 503]);
  await assert.rejects(make(gone).workspaces.list(), ClickClackError);
  assert.equal(gone.calls.length, 3, 'two retries by default');
  const off = script([503]);
  const noRetry = new ClickClackClient({ baseUrl: 'http://x', fetch: off.fetch, retry: false });
  await assert.rejects(noRetry.workspaces.list(), ClickClackError);
  assert.equal(off.calls.length, 1);
});
