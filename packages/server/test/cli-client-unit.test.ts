import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, Option } from 'commander';
import { normalizeArgs } from '../src/cli/client/args.js';
import { configPath, sameServer } from '../src/cli/client-config.js';

function program(): Command {
  const p = new Command('clickclack')
    .option('--server <url>')
    .option('--user <id>')
    .option('--user-id <id>')
    .option('--json')
    .option('--no-input');
  p.command('send').option('--body <text>').option('--stdin');
  p.command('login').option('--store').option('--no-store');
  p.command('open').option('--latest').addOption(new Option('--no-latest').hideHelp());
  return p;
}

const norm = (...args: string[]) => normalizeArgs(program(), args);

test('boolean flags take Go-style =values; the last one wins', () => {
  assert.deepEqual(norm('whoami', '--json=true'), ['whoami', '--json']);
  assert.deepEqual(norm('whoami', '--json', '--json=false'), ['whoami']);
  assert.deepEqual(norm('--json=0', 'whoami', '--json=T'), ['whoami', '--json']);
  assert.deepEqual(norm('open', 'm', '--latest=false'), ['open', 'm', '--no-latest']);
  assert.deepEqual(norm('login', '--store=false'), ['login', '--no-store']);
  assert.deepEqual(norm('login', '--no-store', '--store=1'), ['login', '--store']);
  assert.deepEqual(norm('login', '--no-store=false'), ['login', '--store']);
  assert.deepEqual(norm('x', '--no-input=true', '--no-input=false'), ['x']);
  assert.throws(() => norm('x', '--json=yes'), /invalid boolean value "yes" for --json/);
});

test('values become one token; --user-id is --user; -- ends flags', () => {
  assert.deepEqual(norm('send', '--body', '--json'), ['send', '--body=--json']);
  assert.deepEqual(norm('--server', 'http://x', 'send', '--body=a b'), [
    '--server=http://x',
    'send',
    '--body=a b',
  ]);
  assert.deepEqual(norm('--user-id', 'usr_1', 'whoami', '--user-id=usr_2'), [
    '--user=usr_1',
    'whoami',
    '--user=usr_2',
  ]);
  assert.deepEqual(norm('send', '--', '--json=true', '--user-id', 'x'), [
    'send',
    '--',
    '--json=true',
    '--user-id',
    'x',
  ]);
  assert.deepEqual(norm('send', '--body'), ['send', '--body']);
  assert.deepEqual(norm('send', '--unknown=1', 'hi'), ['send', '--unknown=1', 'hi']);
});

test('a stored server matches only the same scheme, host:port and path', () => {
  assert.ok(sameServer('http://127.0.0.1:8080', 'http://127.0.0.1:8080/'));
  assert.ok(sameServer('HTTP://LocalHost:8080', 'http://localhost:8080'));
  assert.ok(sameServer('https://chat.example/team/', 'https://chat.example/team'));
  assert.ok(!sameServer('http://localhost:8080', 'http://127.0.0.1:8080'));
  assert.ok(!sameServer('http://localhost', 'http://localhost:80'), 'explicit default port');
  assert.ok(!sameServer('http://x', 'https://x'));
  assert.ok(!sameServer('https://chat.example/a', 'https://chat.example/b'));
  assert.ok(!sameServer('', ''));
  assert.ok(sameServer('not a url', 'not a url/'));
});

test('the config lives in XDG_CONFIG_HOME, else the OS user config directory', () => {
  const at = (env: NodeJS.ProcessEnv, os: NodeJS.Platform) => configPath(env, os);
  assert.equal(at({ XDG_CONFIG_HOME: '/x', HOME: '/h' }, 'darwin'), '/x/clickclack/config.json');
  assert.equal(at({ HOME: '/h' }, 'linux'), '/h/.config/clickclack/config.json');
  assert.equal(
    at({ HOME: '/h' }, 'darwin'),
    '/h/Library/Application Support/clickclack/config.json',
  );
  assert.throws(() => at({ XDG_CONFIG_HOME: 'rel' }, 'linux'), /must be an absolute path/);
});
