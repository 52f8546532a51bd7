import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let owner: string;
let token: string;

before(async () => {
  srv = await startServer();
  owner = await cliOk([
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

/** A fresh, private config home per scenario: tests never touch the real ~/.config. */
const home = () => ({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'cc-cfg-')) });
const as = (env: Record<string, string> = {}) => ({
  env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token, ...env },
});

describe('login, config and scoping', () => {
  test('login stores a 0600 config for that server; whoami and logout use it', async () => {
    const env = home();
    const magic = await cliOk([
      'admin',
      'magic-link',
      'create',
      '--data',
      srv.dataDir,
      '--email',
      'ada@example.com',
    ]);
    const login = await cliOk(
      ['login', '--server', srv.url, '--magic-token', magic, '--workspace', 'clickclack'],
      { env },
    );
    assert.equal(login, 'logged in as Ada');
    const file = join(env.XDG_CONFIG_HOME, 'clickclack', 'config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(stored), ['server', 'token', 'workspace']);
    assert.equal(stored.server, srv.url);
    assert.match(stored.token!, /^sst_/);
    assert.equal(await cliOk(['whoami', '--server', srv.url, '--plain'], { env }), owner);
    assert.equal(await cliOk(['whoami', '--server', srv.url], { env }), `${owner}\tAda`);
    // The stored token belongs to that exact server URL: localhost is another server.
    const other = await runCli(['whoami', '--server', srv.url.replace('127.0.0.1', 'localhost')], {
      env,
    });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /401/);
    // --user without --token skips the stored token (dev auth is off here → 401).
    const user = await runCli(['whoami', '--server', srv.url, '--user', owner], { env });
    assert.equal(user.code, 1);
    assert.equal(await cliOk(['logout'], { env }), 'logged out');
    assert.equal(existsSync(file), false);
    assert.equal((await runCli(['whoami', '--server', srv.url], { env })).code, 1);
  });

  test('login output modes and --no-store', async () => {
    const env = home();
    const magic = await cliOk([
      'admin',
      'magic-link',
      'create',
      '--data',
      srv.dataDir,
      '--email',
      'ada@example.com',
    ]);
    const json = JSON.parse(
      await cliOk(['login', '--server', srv.url, '--magic-token', magic, '--json', '--no-store'], {
        env,
      }),
    );
    assert.deepEqual(Object.keys(json), ['session', 'token', 'user']);
    assert.match(json.token, /^sst_/);
    assert.equal(existsSync(join(env.XDG_CONFIG_HOME, 'clickclack', 'config.json')), false);
    const magic2 = await cliOk([
      'admin',
      'magic-link',
      'create',
      '--data',
      srv.dataDir,
      '--email',
      'ada@example.com',
    ]);
    assert.match(
      await cliOk(['--server', srv.url, 'login', '--magic-token', magic2, '--plain'], { env }),
      /^sst_\w+$/,
    );
    const missing = await runCli(['login', '--server', srv.url], { env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--magic-token is required/);
    const used = await runCli(['login', '--server', srv.url, '--magic-token', magic], { env });
    assert.equal(used.code, 1);
    assert.match(used.stderr, /400 Bad Request: magic link already used/);
  });
});

describe('reading and posting', () => {
  test('workspaces and channels list in every mode', async () => {
    const ws = await cliOk(['workspaces', 'list'], as());
    const [id, slug, name] = ws.split('\t');
    assert.match(id!, /^wsp_/);
    assert.equal(slug, 'clickclack');
    assert.equal(name, 'ClickClack');
    const json = JSON.parse(await cliOk(['workspaces', 'list', '--json'], as()));
    assert.equal(json.workspaces[0].id, id);
    const channels = await cliOk(['channels', 'list', '--workspace', 'ClickClack'], as());
    assert.match(channels, /^chn_\w+\tgeneral\tpublic$/m);
    assert.equal(await cliOk(['channels', 'list', '--plain'], as()), channels);
    const cj = JSON.parse(await cliOk(['channels', 'list', '--json'], as()));
    assert.equal(cj.workspace.id, id);
    assert.ok(cj.channels.some((c: { name: string }) => c.name === 'general'));
  });

  test('send from every body source, list, quote, and thread replies', async () => {
    const sent = await cliOk(['send', 'hello', 'from', 'args'], as());
    assert.match(sent, /^sent msg_\w+ to #general$/);
    const viaBody = await cliOk(['messages', 'send', '--body', 'from --body', '--plain'], as());
    assert.match(viaBody, /^msg_\w+$/);
    const dir = mkdtempSync(join(tmpdir(), 'cc-body-'));
    writeFileSync(join(dir, 'msg.md'), '# from a file\n');
    const viaFile = JSON.parse(
      await cliOk(['send', '--file', join(dir, 'msg.md'), '--json'], as()),
    );
    assert.equal(viaFile.message.body, '# from a file');
    assert.equal(viaFile.event.type, 'message.created');
    const viaStdin = await cliOk(['send', '--stdin', '--plain', '--reply-to', viaBody], {
      ...as(),
      input: 'piped in',
    });
    const list = await cliOk(['messages', 'list', '--limit', '4'], as());
    const lines = list.split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(
      lines.map((l) => l.split('\t')[3]),
      ['hello from args', 'from --body', '# from a file', 'piped in'],
    );
    assert.equal(lines[3]!.split('\t')[1], viaStdin);
    assert.equal(lines[3]!.split('\t')[2], 'Ada');
    const seq = Number(lines[2]!.split('\t')[0]);
    const after = await cliOk(['messages', 'list', '--after-seq', String(seq)], as());
    assert.equal(after.split('\n').length, 1);
    const listed = JSON.parse(await cliOk(['messages', 'list', '--json', '--limit', '1'], as()));
    assert.equal(listed.messages[0].quoted_message_id, viaBody);

    const reply = await cliOk(['threads', 'reply', viaBody, 'first reply'], as());
    assert.match(reply, new RegExp(`^replied msg_\\w+ to ${viaBody}$`));
    const r2 = JSON.parse(
      await cliOk(['reply', viaBody, '--body', 'second reply', '--json'], as()),
    );
    assert.equal(r2.thread_state.reply_count, 2);
    assert.deepEqual(
      r2.events.map((e: { type: string }) => e.type),
      ['thread.reply_created', 'thread.state_updated'],
    );
    const thread = (await cliOk(['thread', 'open', viaBody], as())).split('\n');
    assert.equal(thread[0], `${viaBody}\tfrom --body`);
    assert.deepEqual(
      thread.slice(1).map((l) => l.split('\t').slice(1).join('\t')),
      ['Ada\tfirst reply', 'Ada\tsecond reply'],
    );
    const latest = JSON.parse(
      await cliOk(['threads', 'open', viaBody, '--latest', '--limit', '1', '--json'], as()),
    );
    assert.deepEqual(
      latest.replies.map((r: { body: string }) => r.body),
      ['second reply'],
    );
  });

  test('channels by name, #name and id, across workspaces', async () => {
    const other = await http<{ workspace: { id: string } }>(srv.url, 'POST', '/api/workspaces', {
      token,
      body: { name: 'Side Project' },
    });
    const ch = await http<{ channel: { id: string } }>(
      srv.url,
      'POST',
      `/api/workspaces/${other.body.workspace.id}/channels`,
      {
        token,
        body: { name: 'ideas' },
      },
    );
    assert.match(
      await cliOk(['send', '--channel', '#ideas', '--workspace', 'side-project', 'by name'], as()),
      /to #ideas$/,
    );
    assert.match(
      await cliOk(['send', '--channel', ch.body.channel.id, 'by id'], as()),
      /to #ideas$/,
    );
    const missing = await runCli(['send', '--channel', 'ideas', 'x'], as());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /channel "ideas" not found/);
    const envChannel = await cliOk(
      ['send', 'via env', '--plain'],
      as({ CLICKCLACK_CHANNEL: ch.body.channel.id }),
    );
    assert.match(envChannel, /^msg_/);
  });

  test('status in every mode', async () => {
    const lines = (await cliOk(['status'], as())).split('\n');
    assert.equal(lines[0], `server\t${srv.url}`);
    assert.equal(lines[1], `user\t${owner}`);
    assert.match(lines[2]!, /^workspace\twsp_/);
    assert.match(lines[3]!, /^channel\tchn_/);
    assert.equal(await cliOk(['status', '--plain'], as()), '');
    const json = JSON.parse(await cliOk(['status', '--json'], as()));
    assert.deepEqual(Object.keys(json), ['channel', 'server', 'user', 'workspace']);
    assert.equal(json.channel.name, 'general');
  });
});

describe('errors', () => {
  test('one line on stderr and a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['send'], 1, /message body is required/],
      [['send', '--channel', 'nope', 'x'], 1, /channel "nope" not found/],
      [['whoami', '--token', 'sst_bad'], 1, /401 Unauthorized/],
      [
        ['workspaces', 'list', '--workspace', 'x', '--server', 'http://127.0.0.1:9'],
        1,
        /fetch failed|ECONNREFUSED/,
      ],
      [['messages', 'list', '--workspace', 'missing'], 1, /workspace "missing" not found/],
      [['frobnicate'], 1, /unknown command "frobnicate"/],
      [['send', '--bogus-flag', 'x'], 2, /unknown option/],
      [['messages', 'list', '--limit', 'many'], 2, /--limit must be an integer/],
      [['--json'], 1, /client command is required/],
    ];
    for (const [args, code, err] of cases) {
      const r = await runCli(args, as());
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, err, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
  });
});
