import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClaimSetupCodeResponse } from '@clickclack/protocol';
import { createHash } from 'node:crypto';
import { api, sqlOf, startTestServer, team, type TestServer } from './helpers.js';

type U = { token: string; userId: string };
type SetupCode = {
  id: string;
  code: string;
  bot_user_id: string;
  workspace_id: string;
  name: string;
  scopes: string[];
  defaults: Record<string, unknown>;
  created_at: string;
  expires_at: string;
  claimed_at: string | null;
};

let srv: TestServer;
let owner: U, member: U;
let wid: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['sc-member@x.io', 'Member']]);
  ({ owner, workspaceId: wid } = t);
  member = t.members[0]!;
});
after(() => srv.close());

async function mkBot(s: TestServer, ws: string, by: U, body: Record<string, unknown>) {
  const res = await api<{ bot: { id: string }; bot_token: { token: string } }>(
    s,
    'POST',
    `/api/workspaces/${ws}/bots`,
    { token: by.token, body },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.bot.id, token: res.body.bot_token.token };
}

const issue = (botId: string, by: string, body: Record<string, unknown> = {}, s = srv, ws = wid) =>
  api<{ setup_code: SetupCode }>(s, 'POST', `/api/workspaces/${ws}/bots/${botId}/setup-codes`, {
    token: by,
    body,
  });

const claim = (code: string, s = srv) =>
  api<ClaimSetupCodeResponse>(s, 'POST', '/api/bot-setup-codes/claim', { body: { code } });

const GONE = { error: 'setup code not found', code: 'not_found' };

test('a manager issues a code; only token managers may; the code is stored hashed', async () => {
  const bot = await mkBot(srv, wid, owner, { display_name: 'Agent', handle: 'sc-agent' });
  const res = await issue(bot.id, owner.token, {
    name: 'laptop agent',
    scopes: ['bot:read', 'messages:write'],
    defaults: { channel: 'general', nested: { n: 1 } },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const sc = res.body.setup_code;
  assert.match(sc.code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.match(sc.id, /^bsc_[0-9a-z]{26}$/);
  assert.equal(sc.bot_user_id, bot.id);
  assert.equal(sc.workspace_id, wid);
  assert.equal(sc.name, 'laptop agent');
  assert.ok(sc.scopes.includes('messages:write') && sc.scopes.includes('realtime:read'));
  assert.ok(!sc.scopes.includes('channels:write'));
  assert.deepEqual(sc.defaults, { channel: 'general', nested: { n: 1 } });
  assert.equal(sc.claimed_at, null);
  const ttl = Date.parse(sc.expires_at) - Date.parse(sc.created_at);
  assert.equal(ttl, 24 * 3600 * 1000);

  // A member who may not mint this service bot's tokens may not issue codes either.
  const denied = await issue(bot.id, member.token);
  assert.equal(denied.status, 403);
  assert.equal(
    (denied.body as unknown as { error: string }).error,
    'workspace manager permission required',
  );
  assert.equal((await issue(bot.id, bot.token)).status, 403);
  assert.equal((await issue(owner.userId, owner.token)).status, 404);
  const badScope = await issue(bot.id, owner.token, { scopes: ['root:everything'] });
  assert.equal(badScope.status, 400);
  const big = await issue(bot.id, owner.token, { defaults: { blob: 'x'.repeat(4100) } });
  assert.equal(big.status, 400);
  assert.match(String((big.body as unknown as { error: string }).error), /defaults is too large/);
  const notObject = await issue(bot.id, owner.token, { defaults: ['general'] });
  assert.equal(notObject.status, 400);

  const db = sqlOf(srv);
  try {
    const row = await db.get<Record<string, unknown>>(
      'SELECT * FROM bot_setup_codes WHERE id = ?',
      sc.id,
    );
    assert.ok(row);
    const plain = sc.code.replace(/-/g, '');
    assert.equal(row.code_hash, createHash('sha256').update(plain).digest('hex'));
    for (const v of Object.values(row)) {
      assert.ok(!String(v).includes(plain) && !String(v).includes(sc.code), `stored: ${v}`);
    }
  } finally {
    await db.close();
  }
  const audit = await api<{ audit_log_entries: { action: string; target_id: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/audit-log`,
    { token: owner.token },
  );
  assert.ok(
    audit.body.audit_log_entries.some(
      (e) => e.action === 'bot_setup_code.created' && e.target_id === sc.id,
    ),
  );
});

test('claiming returns a working token with the code scopes, once', async () => {
  const bot = await mkBot(srv, wid, owner, { display_name: 'Claimer', handle: 'sc-claimer' });
  const { setup_code: sc } = (
    await issue(bot.id, owner.token, {
      name: 'ci runner',
      scopes: ['bot:read'],
      defaults: { channel: 'ops' },
    })
  ).body;
  // Typed loosely: lower case, no dashes, padded.
  const res = await claim(`  ${sc.code.replace(/-/g, '').toLowerCase()} `);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(res.body.token, /^ccb_/);
  assert.equal(res.body.bot.id, bot.id);
  assert.equal(res.body.bot.kind, 'bot');
  assert.equal(res.body.workspace.id, wid);
  assert.deepEqual(res.body.defaults, { channel: 'ops' });

  const me = await api<{ user: { id: string } }>(srv, 'GET', '/api/me', {
    token: res.body.token,
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, bot.id);
  // bot:read: it may read but not post.
  const post = await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: res.body.token,
    body: { name: 'nope' },
  });
  assert.equal(post.status, 403);
  const tokens = await api<{ bot_tokens: { name: string; scopes: string[] }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bots/${bot.id}/tokens`,
    { token: owner.token },
  );
  const minted = tokens.body.bot_tokens.find((t) => t.name === 'ci runner');
  assert.deepEqual(minted?.scopes, sc.scopes);

  const again = await claim(sc.code);
  assert.equal(again.status, 404);
  assert.deepEqual(again.body, GONE);

  const audit = await api<{
    audit_log_entries: { action: string; target_id: string; actor_user_id: string }[];
  }>(srv, 'GET', `/api/workspaces/${wid}/audit-log`, { token: owner.token });
  const claimed = audit.body.audit_log_entries.filter(
    (e) => e.action === 'bot_setup_code.claimed' && e.target_id === sc.id,
  );
  assert.equal(claimed.length, 1);
  assert.equal(claimed[0]!.actor_user_id, bot.id);
});

test('two claims of one code at once: one token, one 404', async () => {
  const bot = await mkBot(srv, wid, owner, { display_name: 'Racer', handle: 'sc-racer' });
  const { code } = (await issue(bot.id, owner.token, { name: 'race' })).body.setup_code;
  const results = await Promise.all([claim(code), claim(code)]);
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 404]);
  const tokens = await api<{ bot_tokens: { name: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/bots/${bot.id}/tokens`,
    { token: owner.token },
  );
  assert.equal(tokens.body.bot_tokens.filter((t) => t.name === 'race').length, 1);
});

test('unknown, malformed, expired and retired-bot codes are all the same 404', async () => {
  for (const code of ['ZZZZ-ZZZZ-ZZZZ', 'not a code', '']) {
    const res = await claim(code);
    assert.equal(res.status, 404, code);
    assert.deepEqual(res.body, GONE);
  }
  const bot = await mkBot(srv, wid, member, {
    display_name: 'Mine',
    handle: 'sc-mine',
    owner_user_id: member.userId,
  });
  // A user-owned bot: its owner issues codes, a workspace manager may not.
  assert.equal((await issue(bot.id, owner.token)).status, 403);
  const expiring = (await issue(bot.id, member.token)).body.setup_code;
  const doomed = (await issue(bot.id, member.token)).body.setup_code;

  const db = sqlOf(srv);
  try {
    await db.run(
      'UPDATE bot_setup_codes SET expires_at = ? WHERE id = ?',
      new Date(Date.now() - 1000).toISOString(),
      expiring.id,
    );
  } finally {
    await db.close();
  }
  assert.deepEqual((await claim(expiring.code)).body, GONE);

  const del = await api(srv, 'DELETE', `/api/bots/${bot.id}`, { token: member.token });
  assert.equal(del.status, 200);
  const retired = await claim(doomed.code);
  assert.equal(retired.status, 404);
  assert.deepEqual(retired.body, GONE);
});

test('claims are limited to 10 a minute per client IP', async () => {
  // A server of its own: this one's budget is spent on purpose.
  const other = await startTestServer();
  try {
    const t = await team(other, []);
    const bot = await mkBot(other, t.workspaceId, t.owner, { display_name: 'Limited' });
    const good = (await issue(bot.id, t.owner.token, {}, other, t.workspaceId)).body.setup_code;
    for (let i = 0; i < 10; i++) assert.equal((await claim('AAAA-AAAA-AAAA', other)).status, 404);
    const limited = await claim(good.code, other);
    assert.equal(limited.status, 429);
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    assert.match(String((limited.body as unknown as { error: string }).error), /too many/);
  } finally {
    await other.close();
  }
});
