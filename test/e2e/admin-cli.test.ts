import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BotToken, User } from '@clickclack/protocol';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let owner: string;
let wid: string;
const data = () => ['--data', srv.dataDir];
const query = <T>(sql: string, ...args: unknown[]): T => {
  const db = new Database(join(srv.dataDir, 'clickclack.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T;
  } finally {
    db.close();
  }
};

before(async () => {
  srv = await startServer();
  owner = await cliOk([
    'admin',
    'bootstrap',
    ...data(),
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  wid = query<{ id: string }[]>("SELECT id FROM workspaces WHERE slug = 'clickclack'")[0]!.id;
});
after(() => srv.cleanup());

test('bootstrap and migrate are idempotent', async () => {
  assert.match(owner, /^usr_\w+$/);
  assert.equal(await cliOk(['admin', 'bootstrap', ...data(), '--name', 'Someone Else']), owner);
  assert.equal(await cliOk(['migrate', ...data()]), '');
  assert.equal(await cliOk(['migrate', ...data()]), '');
  const names = query<{ name: string }[]>('SELECT name FROM schema_migrations ORDER BY name').map(
    (r) => r.name,
  );
  assert.ok(names.includes('0001_core.sql'));
  assert.equal(new Set(names).size, names.length);
  const general = query<{ name: string }[]>(
    'SELECT name FROM channels WHERE workspace_id = ?',
    wid,
  );
  assert.deepEqual(
    general.map((c) => c.name),
    ['general'],
  );
});

test('user create, with and without a workspace', async () => {
  const loner = await cliOk(['admin', 'user', 'create', ...data(), '--name', 'Loner']);
  const member = await cliOk([
    'admin',
    'user',
    'create',
    ...data(),
    '--name',
    'Bob',
    '--email',
    'bob@example.com',
    '--workspace',
    wid,
  ]);
  assert.match(loner, /^usr_/);
  const roles = query<{ user_id: string; role: string }[]>(
    'SELECT user_id, role FROM workspace_members WHERE workspace_id = ?',
    wid,
  );
  assert.ok(roles.some((r) => r.user_id === member && r.role === 'member'));
  assert.ok(!roles.some((r) => r.user_id === loner));
  const dup = await runCli(['admin', 'user', 'create', ...data(), '--email', 'bob@example.com']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  const badWs = await runCli(['admin', 'user', 'create', ...data(), '--workspace', 'wsp_nope']);
  assert.equal(badWs.code, 1);
});

test('invite create mints a token that a signed-in user accepts over HTTP', async () => {
  const tok = await cliOk(['admin', 'invite', 'create', ...data(), '--workspace', wid]);
  assert.match(tok, /^tok_\w+$/);
  assert.equal(
    query<unknown[]>('SELECT 1 FROM invites WHERE token_hash = ?', tok).length,
    0,
    'raw token is not stored',
  );
  const session = await sessionFor(srv, 'newbie@example.com', 'Newbie');
  const before = await http<{ workspaces: unknown[] }>(srv.url, 'GET', '/api/workspaces', {
    token: session,
  });
  assert.equal(before.body.workspaces.length, 0);
  const accepted = await http<{ workspace: { id: string; role: string } }>(
    srv.url,
    'POST',
    `/api/invites/${tok}/accept`,
    { token: session },
  );
  assert.equal(accepted.status, 200);
  assert.equal(accepted.body.workspace.id, wid);
  const missing = await runCli(['admin', 'invite', 'create', ...data()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--workspace is required/);
});

test('bot create: outputs, hashed token, scopes, workspace binding and errors', async () => {
  const json = JSON.parse(
    await cliOk([
      'admin',
      'bot',
      'create',
      ...data(),
      '--workspace',
      wid,
      '--created-by',
      owner,
      '--name',
      'CI Bot',
      '--handle',
      '@CI-Bot',
      '--scopes',
      'bot:read',
    ]),
  ) as { bot: User; bot_token: BotToken; token: string };
  assert.deepEqual(Object.keys(json), ['bot', 'bot_token', 'token']);
  assert.equal(json.bot.kind, 'bot');
  assert.equal(json.bot.handle, 'ci-bot');
  assert.match(json.token, /^ccb_\w+$/);
  assert.equal(json.bot_token.token, json.token);
  assert.ok(!json.bot_token.scopes.includes('messages:write'));
  const stored = query<{ token_hash: string }[]>(
    'SELECT token_hash FROM bot_tokens WHERE id = ?',
    json.bot_token.id,
  )[0]!;
  assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
  assert.equal(
    query<unknown[]>("SELECT 1 FROM bot_tokens WHERE token_hash LIKE 'ccb_%'").length,
    0,
  );

  const me = await http<{ user: { id: string; kind: string } }>(srv.url, 'GET', '/api/me', {
    token: json.token,
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.kind, 'bot');
  const general = query<{ id: string }[]>(
    "SELECT id FROM channels WHERE workspace_id = ? AND name = 'general'",
    wid,
  )[0]!.id;
  const readOnly = await http(srv.url, 'POST', `/api/channels/${general}/messages`, {
    token: json.token,
    body: { body: 'hi' },
  });
  assert.equal(readOnly.status, 403);
  assert.match(String((readOnly.body as { error: string }).error), /missing scope messages:write/);

  const writer = await cliOk([
    'admin',
    'bot',
    'create',
    ...data(),
    '--workspace',
    wid,
    '--created-by',
    owner,
    '--name',
    'Writer',
    '--plain',
  ]);
  assert.match(writer, /^ccb_\w+$/);
  const posted = await http(srv.url, 'POST', `/api/channels/${general}/messages`, {
    token: writer,
    body: { body: 'from a bot' },
  });
  assert.equal(posted.status, 201);
  const session = await sessionFor(srv, 'ada@example.com');
  const other = await http<{ workspace: { id: string } }>(srv.url, 'POST', '/api/workspaces', {
    token: session,
    body: { name: 'Elsewhere' },
  });
  assert.equal(
    (await http(srv.url, 'GET', `/api/workspaces/${other.body.workspace.id}`, { token: writer }))
      .status,
    403,
  );
  const list = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token: writer,
  });
  assert.deepEqual(
    list.body.workspaces.map((w) => w.id),
    [wid],
  );
  assert.equal(
    (await http(srv.url, 'POST', '/api/workspaces', { token: writer, body: { name: 'Bot land' } }))
      .status,
    403,
  );

  const bob = query<{ id: string }[]>("SELECT id FROM users WHERE display_name = 'Bob'")[0]!.id;
  const owned = await cliOk([
    'admin',
    'bot',
    'create',
    ...data(),
    '--workspace',
    wid,
    '--created-by',
    bob,
    '--owner',
    bob,
    '--name',
    "Bob's bot",
    '--plain',
  ]);
  assert.match(owned, /^ccb_/);
  const cases: [string[], RegExp][] = [
    [
      ['--workspace', wid, '--created-by', bob, '--name', 'Service'],
      /workspace manager permission required/,
    ],
    [
      ['--workspace', wid, '--created-by', owner, '--owner', bob, '--name', 'Not yours'],
      /only the bot owner/,
    ],
    [
      ['--workspace', wid, '--created-by', owner, '--name', 'Dup', '--handle', 'ci-bot'],
      /handle is already taken/,
    ],
    [
      ['--workspace', wid, '--created-by', owner, '--name', 'Bad', '--scopes', 'root:all'],
      /unknown bot scope: root:all/,
    ],
    // Without --created-by the creator is the workspace's owner, so it must exist.
    [['--workspace', 'wsp_nope', '--name', 'Lost'], /workspace "wsp_nope" not found/],
  ];
  for (const [args, err] of cases) {
    const r = await runCli(['admin', 'bot', 'create', ...data(), ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, err);
  }
});

test('bot create validates flags before touching the database', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cc-nodb-')), 'data');
  for (const [args, err] of [
    [[], /--workspace is required/],
    [['--workspace', 'wsp_x'], /--name is required/],
  ] as [string[], RegExp][]) {
    const r = await runCli(['admin', 'bot', 'create', '--data', dir, ...args]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, err);
  }
  assert.equal(existsSync(dir), false);
});

test('magic-link create and events prune', async () => {
  const magic = await cliOk([
    'admin',
    'magic-link',
    'create',
    ...data(),
    '--email',
    'Pat@Example.com',
    '--name',
    'Pat',
  ]);
  assert.match(magic, /^mgt_\w+$/);
  const noEmail = await runCli(['admin', 'magic-link', 'create', ...data()]);
  assert.equal(noEmail.code, 1);
  assert.match(noEmail.stderr, /email is required/);

  const count = () =>
    query<{ n: number }[]>('SELECT count(*) AS n FROM events WHERE workspace_id = ?', wid)[0]!.n;
  assert.ok(count() >= 2);
  assert.equal(
    await cliOk([
      'admin',
      'events',
      'prune',
      ...data(),
      '--workspace',
      wid,
      '--before',
      '2000-01-01T00:00:00Z',
    ]),
    'pruned 0 events',
  );
  const total = count();
  assert.equal(
    await cliOk(['admin', 'events', 'prune', ...data(), '--workspace', wid, '--keep-latest', '1']),
    `pruned ${total - 1} events`,
  );
  assert.equal(count(), 1);
  assert.equal(
    await cliOk([
      'admin',
      'events',
      'prune',
      ...data(),
      '--workspace',
      wid,
      '--older-than-days',
      '0',
      '--keep-latest',
      '5',
    ]),
    'pruned 0 events',
  );
  for (const [args, err] of [
    [[], /--workspace is required/],
    [['--workspace', wid], /provide --older-than-days, --before, or --keep-latest/],
    [['--workspace', wid, '--older-than-days', '-1'], /must be non-negative/],
    [
      ['--workspace', wid, '--older-than-days', '3', '--before', '2020-01-01T00:00:00Z'],
      /mutually exclusive/,
    ],
    [['--workspace', wid, '--before', 'yesterday'], /--before must be RFC3339/],
  ] as [string[], RegExp][]) {
    const r = await runCli(['admin', 'events', 'prune', ...data(), ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, err);
  }
  for (const [args, err] of [
    [['admin'], /admin requires a subcommand/],
    [['admin', 'frob'], /unknown admin subcommand "frob"/],
  ] as [string[], RegExp][]) {
    const r = await runCli(args);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, err);
  }
});

test('member add: adds an existing user once, under the adder’s rank, and changes no membership', async () => {
  const add = (...args: string[]) =>
    runCli(['admin', 'member', 'add', ...data(), '--workspace', wid, ...args]);
  const carol = await cliOk(['admin', 'user', 'create', ...data(), '--email', 'carol@example.com']);
  const dan = await cliOk(['admin', 'user', 'create', ...data(), '--email', 'dan@example.com']);
  const added = await add(
    '--created-by',
    owner,
    '--email',
    'Carol@Example.com',
    '--role',
    'moderator',
  );
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, `workspace=${wid} user=${carol} role=moderator status=added\n`);
  const again = await add('--created-by', owner, '--user', carol);
  assert.equal(
    again.stdout,
    `workspace=${wid} user=${carol} role=moderator status=already_member\n`,
  );
  // A moderator adds members, not moderators.
  const tooHigh = await add('--created-by', carol, '--user', dan, '--role', 'moderator');
  assert.equal(tooHigh.code, 1);
  assert.match(tooHigh.stderr, /role is too high for this moderator/);
  const byMod = await add('--created-by', carol, '--user', dan);
  assert.equal(byMod.stdout, `workspace=${wid} user=${dan} role=member status=added\n`);
  const ada = await sessionFor(srv, 'ada@example.com', 'Ada');
  const block = (blocked: boolean) =>
    http(srv.url, 'PATCH', `/api/workspaces/${wid}/moderation/members/${carol}`, {
      token: ada,
      body: { blocked },
    });
  assert.equal((await block(true)).status, 200);
  const erin = await cliOk(['admin', 'user', 'create', ...data(), '--email', 'erin@example.com']);
  const whileBlocked = await add('--created-by', carol, '--user', erin);
  assert.equal(whileBlocked.code, 1);
  assert.match(whileBlocked.stderr, /moderation restriction: member is blocked/);
  assert.equal((await block(false)).status, 200);
  const byMember = await add('--created-by', dan, '--email', 'ada@example.com');
  assert.equal(byMember.code, 1);
  assert.match(byMember.stderr, /workspace manager permission required/);
  for (const [args, error] of [
    [['--created-by', owner], /give exactly one of --email or --user/],
    [['--created-by', owner, '--user', dan, '--role', 'owner'], /invalid --role "owner"/],
    [['--created-by', owner, '--email', 'nobody@example.com'], /user nobody@example.com not found/],
  ] as const) {
    const r = await add(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, error);
  }
  const roles = query<{ user_id: string; role: string }[]>(
    'SELECT user_id, role FROM workspace_members WHERE workspace_id = ? AND user_id IN (?, ?) ORDER BY role',
    wid,
    carol,
    dan,
  );
  assert.deepEqual(roles, [
    { user_id: dan, role: 'member' },
    { user_id: carol, role: 'moderator' },
  ]);
  // The running server sees the new member at once.
  const session = await sessionFor(srv, 'dan@example.com', 'Dan');
  const listed = await http<{ workspaces: { id: string; role: string }[] }>(
    srv.url,
    'GET',
    '/api/workspaces',
    { token: session },
  );
  assert.deepEqual(
    listed.body.workspaces.map((w) => [w.id, w.role]),
    [[wid, 'member']],
  );
});
