import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClaimSetupCodeResponse, CreateBotResponse } from '@clickclack/protocol';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let token: string;
const as = () => ({ env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } });

before(async () => {
  srv = await startServer();
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  token = await sessionFor(srv, 'ada@example.com');
});
after(() => srv.cleanup());

test('bots list/create and tokens list/create/revoke', async () => {
  const created = JSON.parse(
    await cliOk(
      [
        'bots',
        'create',
        'Build Bot',
        '--handle',
        'build',
        '--scopes',
        'bot:read,messages:write',
        '--json',
      ],
      as(),
    ),
  ) as Required<CreateBotResponse>;
  const botId = created.bot.id;
  const first = created.bot_token.token!;
  assert.match(first, /^ccb_/);
  assert.equal(
    (await http<{ user: { id: string } }>(srv.url, 'GET', '/api/me', { token: first })).body.user
      .id,
    botId,
  );
  assert.equal(await cliOk(['bots', 'list'], as()), `${botId}\tbuild\tBuild Bot\t1`);
  const second = await cliOk(['bots', 'tokens', 'create', botId, '--name', 'ci', '--plain'], as());
  assert.match(second, /^ccb_/);
  const rows = (await cliOk(['bots', 'tokens', 'list', botId], as())).split('\n');
  assert.equal(rows.length, 2);
  const ciId = rows.find((r) => r.split('\t')[1] === 'ci')!.split('\t')[0]!;
  assert.equal(await cliOk(['bots', 'tokens', 'revoke', ciId], as()), `revoked ${ciId}`);
  assert.equal((await http(srv.url, 'GET', '/api/me', { token: second })).status, 401);
  assert.match(await cliOk(['bots', 'tokens', 'list', botId], as()), /\trevoked$/m);
  const usage = await runCli(['bots'], as());
  assert.notEqual(usage.code, 0);
  assert.match(usage.stderr, /usage: clickclack bots/);
  const asBot = await runCli(['bots', 'list', '--token', first], as());
  assert.equal(asBot.code, 1);
  assert.match(asBot.stderr, /403/);
});

test('bots setup-code, then bots claim trades the code for a token without signing in', async () => {
  const created = JSON.parse(
    await cliOk(['bots', 'create', 'Field Agent', '--handle', 'field', '--json'], as()),
  ) as Required<CreateBotResponse>;
  const botId = created.bot.id;
  const code = await cliOk(
    [
      'bots',
      'setup-code',
      botId,
      '--name',
      'laptop',
      '--scopes',
      'bot:read',
      '--defaults',
      '{"channel":"general"}',
      '--plain',
    ],
    as(),
  );
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const human = await cliOk(['bots', 'setup-code', botId], as());
  assert.match(human, /^setup code [0-9A-Z-]{14} for usr_\S+ \(expires \S+\)$/);
  const bad = await runCli(['bots', 'setup-code', botId, '--defaults', '[1]'], as());
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--defaults must be a JSON object/);

  // The agent: nothing but the server and the code.
  const claimed = JSON.parse(
    await cliOk(['bots', 'claim', code.toLowerCase(), '--server', srv.url, '--json']),
  ) as ClaimSetupCodeResponse;
  assert.match(claimed.token, /^ccb_/);
  assert.equal(claimed.bot.id, botId);
  assert.deepEqual(claimed.defaults, { channel: 'general' });
  const me = await http<{ user: { id: string } }>(srv.url, 'GET', '/api/me', {
    token: claimed.token,
  });
  assert.equal(me.body.user.id, botId);

  const again = await runCli(['bots', 'claim', code, '--server', srv.url]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /setup code not found/);
  const next = human.split(' ')[2]!;
  const line = await cliOk(['bots', 'claim', next, '--server', srv.url]);
  assert.match(line, /^claimed Field Agent in \S.* ccb_\S+$/);
  const plain = await runCli(['bots', 'claim', next, '--server', srv.url, '--plain']);
  assert.equal(plain.code, 1);
});

test('bots delete retires a bot only with --yes; its token stops working', async () => {
  const created = JSON.parse(
    await cliOk(['bots', 'create', 'Old Bot', '--handle', 'old-bot', '--json'], as()),
  ) as Required<CreateBotResponse>;
  const botId = created.bot.id;
  const unconfirmed = await runCli(['bots', 'delete', botId], as());
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, new RegExp(`refusing to delete bot ${botId} without --yes`));
  assert.equal(
    (await http(srv.url, 'GET', '/api/me', { token: created.bot_token.token })).status,
    200,
  );
  assert.equal(
    await cliOk(['bots', 'delete', botId, '--yes'], as()),
    `deleted bot ${botId} (Old Bot, @old-bot)`,
  );
  assert.equal(
    (await http(srv.url, 'GET', '/api/me', { token: created.bot_token.token })).status,
    401,
  );
  assert.ok(!(await cliOk(['bots', 'list'], as())).includes(botId));
  const again = await runCli(['bots', 'delete', botId, '--yes'], as());
  assert.equal(again.code, 1);
  assert.match(again.stderr, /bot not found/);
});
