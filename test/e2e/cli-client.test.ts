// Client CLI: login/logout, the stored config and how it is scoped to one server URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session, User } from '@clickclack/protocol';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  cliOk,
  configHome,
  magicToken,
  runCli,
  startServer,
  type RunningServer,
} from './helpers.js';

let srv: RunningServer;
let dev: RunningServer;
let owner: string;

before(async () => {
  [srv, dev] = await Promise.all([startServer(), startServer({ devBootstrap: true })]);
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
});
after(() => Promise.all([srv.cleanup(), dev.cleanup()]));

const cfgFile = (env: { XDG_CONFIG_HOME: string }) =>
  join(env.XDG_CONFIG_HOME, 'clickclack', 'config.json');
const readCfg = (env: { XDG_CONFIG_HOME: string }) =>
  JSON.parse(readFileSync(cfgFile(env), 'utf8')) as Record<string, string>;
const login = async (env: Record<string, string>, ...args: string[]) =>
  cliOk(['login', '--magic-token', await magicToken(srv, 'ada@example.com'), ...args], { env });

describe('login and logout', () => {
  test('login stores server, token, workspace and channel, 0600 in a 0700 dir', async () => {
    const env = configHome();
    const out = await login(
      env,
      '--server',
      srv.url,
      '--workspace',
      'clickclack',
      '--channel',
      '#general',
    );
    assert.equal(out, 'logged in as Ada');
    const file = cfgFile(env);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(env.XDG_CONFIG_HOME, 'clickclack')).mode & 0o777, 0o700);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n') && text.includes('\n  "server": '), '2-space indent, newline');
    const stored = readCfg(env);
    assert.deepEqual(Object.keys(stored), ['server', 'token', 'workspace', 'channel']);
    assert.equal(stored.server, srv.url);
    assert.match(stored.token!, /^sst_/);
    assert.equal(stored.channel, '#general');
    // The stored server is the default; the stored token authenticates.
    assert.equal(await cliOk(['whoami'], { env }), `${owner}\tAda`);
    const status = (await cliOk(['status'], { env })).split('\n');
    assert.equal(status[0], `server\t${srv.url}`);
    assert.match(status[3]!, /^channel\tchn_/);
  });

  test('login output modes, --no-store, --store=false and a re-used link', async () => {
    const env = configHome();
    const json = await login(env, '--server', srv.url, '--json', '--no-store');
    assert.ok(json.endsWith('}') && json.startsWith('{\n  "session": {'));
    const parsed = JSON.parse(json) as { session: Session; token: string; user: User };
    assert.deepEqual(Object.keys(parsed), ['session', 'token', 'user']);
    assert.match(parsed.token, /^sst_/);
    assert.equal(parsed.user.id, owner);
    assert.equal(parsed.session.user_id, owner);
    assert.deepEqual(Object.keys(parsed.session), [
      'id',
      'token',
      'user_id',
      'created_at',
      'expires_at',
    ]);
    assert.equal(parsed.session.token, parsed.token);
    assert.equal(existsSync(cfgFile(env)), false, '--no-store writes nothing');
    await login(env, '--server', srv.url, '--store=false');
    assert.equal(existsSync(cfgFile(env)), false, '--store=false writes nothing');
    // Flags before the command work as well as after it.
    const magic = await magicToken(srv, 'ada@example.com');
    const plain = await cliOk(['--server', srv.url, '--plain', 'login', '--magic-token', magic], {
      env,
    });
    assert.match(plain, /^sst_\w+$/);
    assert.equal(readCfg(env).token, plain);
    const used = await runCli(['login', '--server', srv.url, '--magic-token', magic], { env });
    assert.equal(used.code, 1);
    assert.match(used.stderr, /^clickclack: 400 Bad Request: .+\n$/);
    const missing = await runCli(['login', '--server', srv.url, '--magic-token', '  '], { env });
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'clickclack: --magic-token is required\n');
  });

  test('logout deletes the config in every output mode and never needs a server', async () => {
    for (const [flag, out] of [
      [[], 'logged out'],
      [['--plain'], 'logged_out'],
      [['--json'], '{\n  "logged_out": true\n}'],
    ] as const) {
      const env = configHome();
      await login(env, '--server', srv.url);
      assert.equal(
        await cliOk(['logout', ...flag, '--server', 'http://127.0.0.1:9'], { env }),
        out,
      );
      assert.equal(existsSync(cfgFile(env)), false);
      const after = await runCli(['whoami', '--server', srv.url], { env });
      assert.equal(after.code, 1);
      assert.match(after.stderr, /401 Unauthorized/);
    }
    assert.equal(await cliOk(['logout'], { env: configHome() }), 'logged out', 'no config is fine');
  });

  test('a symlinked config is written through; an existing mode is kept', async () => {
    const env = configHome();
    const real = join(env.XDG_CONFIG_HOME, 'dotfiles', 'cc.json');
    mkdirSync(join(env.XDG_CONFIG_HOME, 'dotfiles'));
    mkdirSync(join(env.XDG_CONFIG_HOME, 'clickclack'), { mode: 0o700 });
    writeFileSync(real, '{}\n');
    chmodSync(real, 0o640);
    symlinkSync(real, cfgFile(env));
    await login(env, '--server', srv.url);
    assert.ok(lstatSync(cfgFile(env)).isSymbolicLink(), 'the link itself is kept');
    assert.match((JSON.parse(readFileSync(real, 'utf8')) as { token: string }).token, /^sst_/);
    assert.equal(statSync(real).mode & 0o777, 0o640);
    const dir = configHome();
    mkdirSync(cfgFile(dir), { recursive: true });
    const magic = await magicToken(srv, 'ada@example.com');
    const r = await runCli(['login', '--server', srv.url, '--magic-token', magic], { env: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a regular file/);
    // Checked before the single-use link was spent: it still works.
    await cliOk(['login', '--server', srv.url, '--magic-token', magic], { env: configHome() });
  });
});

describe('server scoping of stored values', () => {
  test('the stored token is only sent to the server URL it was stored for', async () => {
    const env = configHome();
    await login(env, '--server', srv.url);
    // Same server spelled with a trailing slash or another case: still ours.
    assert.equal(await cliOk(['whoami', '--plain', '--server', `${srv.url}/`], { env }), owner);
    assert.equal(
      await cliOk(['whoami', '--plain', '--server', srv.url.replace('http', 'HTTP')], { env }),
      owner,
    );
    // localhost is another server by name: the token stays home (and this server is
    // not in dev mode, so the request is anonymous: 401).
    const other = srv.url.replace('127.0.0.1', 'localhost');
    for (const r of [
      await runCli(['whoami', '--server', other], { env }),
      await runCli(['whoami'], { env: { ...env, CLICKCLACK_SERVER: other } }),
    ]) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^clickclack: 401 Unauthorized: authentication required\n$/);
    }
  });

  test('flag > env > stored token, and --user without --token skips the stored one', async () => {
    const env = configHome();
    await login(env, '--server', srv.url);
    const token = readCfg(env).token!;
    const bad = await runCli(['whoami'], { env: { ...env, CLICKCLACK_TOKEN: 'sst_nope' } });
    assert.match(bad.stderr, /401 Unauthorized: session is invalid or expired/);
    assert.equal(
      await cliOk(['whoami', '--plain', '--token', token], {
        env: { ...env, CLICKCLACK_TOKEN: 'sst_nope' },
      }),
      owner,
    );
    const asUser = await runCli(['whoami', '--user', owner], { env });
    assert.equal(asUser.code, 1, 'dev auth is off here and the stored token was skipped');
    assert.equal(
      (await runCli(['whoami'], { env: { ...env, CLICKCLACK_USER_ID: owner } })).code,
      1,
    );
  });

  test('stored workspace and channel apply to the same server only; flags win', async () => {
    const env = configHome();
    const magic = await magicToken(dev, 'local@clickclack.chat');
    await cliOk(['login', '--server', dev.url, '--magic-token', magic, '--channel', 'nope'], {
      env,
    });
    const r = await runCli(['status'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'clickclack: channel "nope" not found\n');
    assert.match(await cliOk(['status', '--channel', 'general'], { env }), /channel\tchn_/);
    assert.match(
      await cliOk(['status'], { env: { ...env, CLICKCLACK_CHANNEL: 'general' } }),
      /channel\tchn_/,
    );
    // Another server URL: neither the stored channel nor the token apply.
    const other = dev.url.replace('127.0.0.1', 'localhost');
    assert.match(await cliOk(['status', '--server', other], { env }), /channel\tchn_/);
  });

  test('dev bootstrap: --user and --user-id act as a user; the last one given wins', async () => {
    const env = configHome();
    const captain = (await cliOk(['whoami', '--server', dev.url], { env })).split('\t');
    assert.equal(captain[1], 'Local Captain', 'the dev fallback is the first user');
    const bob = await cliOk(['admin', 'user', 'create', '--data', dev.dataDir, '--name', 'Bob']);
    assert.equal(
      await cliOk(['whoami', '--server', dev.url, '--user', bob], { env }),
      `${bob}\tBob`,
    );
    assert.equal(
      await cliOk(
        ['whoami', '--plain', '--server', dev.url, '--user', captain[0]!, '--user-id', bob],
        { env },
      ),
      bob,
    );
    assert.equal(
      await cliOk(
        ['--user-id', bob, 'whoami', '--plain', '--server', dev.url, '--user', captain[0]!],
        { env },
      ),
      captain[0],
    );
    assert.equal(
      await cliOk(['whoami', '--plain', '--server', dev.url], {
        env: { ...env, CLICKCLACK_USER_ID: bob },
      }),
      bob,
    );
  });

  test('a relative XDG_CONFIG_HOME is refused when writing', async () => {
    const r = await runCli(
      ['login', '--server', srv.url, '--magic-token', await magicToken(srv, 'ada@example.com')],
      { env: { XDG_CONFIG_HOME: 'relative/dir' } },
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /XDG_CONFIG_HOME must be an absolute path/);
  });
});
