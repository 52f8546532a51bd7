// Client CLI failures: one line on stderr, nothing on stdout, and the right exit status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { cliOk, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let token: string;
let DEAD: string;

/** A loopback URL nothing listens on: a port that was just free. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
}

before(async () => {
  DEAD = await deadUrl();
  srv = await startServer();
  await cliOk(['admin', 'bootstrap', '--data', srv.dataDir, '--email', 'ada@example.com']);
  token = await sessionFor(srv, 'ada@example.com');
});
after(() => srv.cleanup());

const as = () => ({ env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } });

type Case = [args: string[], code: number, stderr: string | RegExp];

async function check(cases: Case[], opts: Parameters<typeof runCli>[1] = as()): Promise<void> {
  for (const [args, code, err] of cases) {
    const r = await runCli(args, opts);
    const what = `clickclack ${args.join(' ')}: ${r.stderr}`;
    assert.equal(r.code, code, what);
    assert.equal(r.stdout, '', what);
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${what}`);
    if (typeof err === 'string') assert.equal(r.stderr, `clickclack: ${err}\n`, what);
    else assert.match(r.stderr, err, what);
  }
}

test('runtime errors exit 1 with the reason', async () => {
  await check([
    [['send', '--channel', 'nope', 'x'], 1, 'channel "nope" not found'],
    [['messages', 'list', '--workspace', 'missing'], 1, 'workspace "missing" not found'],
    [['whoami', '--token', 'sst_bad'], 1, '401 Unauthorized: session is invalid or expired'],
    [['threads', 'open', 'msg_nope'], 1, '404 Not Found: message not found'],
    [['reply', 'msg_nope', 'x'], 1, /^clickclack: 404 Not Found: /],
    [['send', '--file', '/nonexistent/body.txt'], 1, /^clickclack: read \/nonexistent\/body.txt: /],
  ]);
  await check([[['whoami', '--server', DEAD], 1, /^clickclack: fetch failed: .*ECONNREFUSED/]]);
});

test('a missing body fails before any request is made', async () => {
  const env = { env: { CLICKCLACK_SERVER: DEAD } };
  await check(
    [
      [['send'], 1, 'message body is required'],
      [['send', '--body', '  '], 1, 'message body is required'],
      [['messages', 'send', '--channel', 'x'], 1, 'message body is required'],
      [['threads', 'reply', 'msg_1'], 1, 'message body is required'],
      [['reply', 'msg_1'], 1, 'message body is required'],
      [['send', '--stdin'], 1, 'message body is required'],
      [['send', '--file', '/dev/null'], 1, 'message body is required'],
    ],
    env,
  );
});

test('unknown commands and usage lines exit 1', async () => {
  await check([
    [['frobnicate'], 1, 'unknown command "frobnicate"'],
    [['--server', srv.url, 'serve'], 1, 'unknown command "serve"'],
    [['--json'], 1, 'client command is required'],
    [['workspaces'], 1, 'usage: clickclack workspaces list'],
    [['workspaces', 'show'], 1, 'usage: clickclack workspaces list'],
    [['channels'], 1, /^clickclack: usage: clickclack channels <list/],
    [['messages'], 1, /^clickclack: usage: clickclack messages <send\|list/],
    [['messages', 'frob'], 1, 'unknown messages command "frob"'],
    [['threads'], 1, 'usage: clickclack threads <open|reply> <message-id> [body]'],
    [['thread', 'open'], 1, 'usage: clickclack threads <open|reply> <message-id> [body]'],
    [['threads', 'close', 'msg_1'], 1, 'unknown threads command "close"'],
    [['reply'], 1, 'usage: clickclack reply <message-id> [body]'],
    [['whoami', 'extra'], 1, /too many arguments/],
  ]);
});

test('flag errors exit 2', async () => {
  await check([
    [['send', '--bogus-flag', 'x'], 2, "unknown option '--bogus-flag'"],
    [['--bogus-flag', 'whoami'], 2, "unknown option '--bogus-flag'"],
    [['messages', 'list', '--limit', 'many'], 2, /--limit must be an integer/],
    [['threads', 'open', 'msg_1', '--after-seq', '1.5'], 2, /--after-seq must be an integer/],
    [['messages', 'list', '--limit'], 2, /argument missing/],
    [['whoami', '--json=maybe'], 2, 'invalid boolean value "maybe" for --json'],
  ]);
});

test('help is a success', async () => {
  for (const args of [['--help'], ['help'], ['send', '--help'], ['help', 'threads'], ['-h']]) {
    const r = await runCli(args, as());
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^Usage: clickclack/, args.join(' '));
  }
});

test('Go-style boolean flag values', async () => {
  const human = await cliOk(['whoami'], as());
  assert.equal(await cliOk(['whoami', '--json=false'], as()), human);
  assert.equal(await cliOk(['whoami', '--json', '--json=f'], as()), human, 'the last one wins');
  assert.match(await cliOk(['whoami', '--json=1'], as()), /^\{\n {2}"user"/);
  assert.match(
    await cliOk(['whoami', '--plain=TRUE', '--verbose=true', '--no-input'], as()),
    /^usr_/,
  );
});
