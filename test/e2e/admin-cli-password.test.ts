import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cleanEnv, cliOk, http, runCli, startServer, type RunningServer } from './helpers.js';

// `admin user set-password` works on the data directory; `serve --password-auth` then signs
// the user in over HTTP. The server is started after the first password is set and keeps
// running while later commands change it (they share the SQLite file).
const dataDir = mkdtempSync(join(tmpdir(), 'cc-e2e-pw-'));
const data = ['--data', dataDir];
let srv: RunningServer;
let ada: string;

const setPassword = (who: string[], input: string) =>
  runCli(['admin', 'user', 'set-password', ...data, ...who], { input });

const login = (identifier: string, password: string) =>
  http<{ token: string; user: { id: string } }>(srv.url, 'POST', '/api/auth/password/login', {
    body: { identifier, password },
  });

before(async () => {
  ada = await cliOk(['admin', 'bootstrap', ...data, '--name', 'Ada', '--email', 'ada@example.com']);
  const set = await setPassword(['--email', 'ada@example.com'], 'first secret pw\r\n');
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, `password set for ${ada}\n`);
  srv = await startServer({ dataDir, args: ['--password-auth'] });
});
after(() => srv.cleanup());

test('a password set from stdin signs in over HTTP (one trailing CRLF removed)', async () => {
  const res = await login('ada@example.com', 'first secret pw');
  assert.equal(res.status, 200);
  assert.equal(res.body.user.id, ada);
  const me = await http<{ user: { password_enrolled: boolean } }>(srv.url, 'GET', '/api/me', {
    token: res.body.token,
  });
  assert.equal(me.body.user.password_enrolled, true);
  assert.equal((await login('ada@example.com', 'first secret pw\r')).status, 401);
});

test('--user sets it again; only one trailing LF goes, other whitespace stays', async () => {
  const set = await setPassword(['--user', ada], '  spaced out  \n\n');
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, `password set for ${ada}\n`);
  assert.equal((await login('ada@example.com', 'first secret pw')).status, 401);
  assert.equal((await login('ada@example.com', '  spaced out  \n')).status, 200);
});

test('--clear removes it: sign-in is refused, the session stays', async () => {
  const session = (await login('ada@example.com', '  spaced out  \n')).body.token;
  const cleared = await runCli([
    'admin',
    'user',
    'set-password',
    ...data,
    '--user',
    ada,
    '--clear',
  ]);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.equal(cleared.stdout, `password cleared for ${ada}\n`);
  assert.equal((await login('ada@example.com', '  spaced out  \n')).status, 401);
  const me = await http<{ user: { password_enrolled: boolean } }>(srv.url, 'GET', '/api/me', {
    token: session,
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.password_enrolled, false);
});

test('errors go to stderr with a non-zero exit and change nothing', async () => {
  const cases: [string[], string, RegExp][] = [
    [['--email', 'ghost@example.com'], 'a fine password', /user ghost@example.com not found/],
    [['--user', 'usr_nope'], 'a fine password', /user usr_nope not found/],
    [['--email', 'ada@example.com'], '\n', /password is empty/],
    [['--email', 'ada@example.com'], '', /password is empty/],
    [['--email', 'ada@example.com'], 'short\n', /at least 8 characters/],
    [[], 'a fine password', /exactly one of --email or --user/],
    [['--email', 'ada@example.com', '--user', ada], 'a fine password', /exactly one/],
  ];
  for (const [who, input, message] of cases) {
    const r = await setPassword(who, input);
    assert.notEqual(r.code, 0, `${who.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
  }
  const me = await login('ada@example.com', 'short');
  assert.equal(me.status, 401);
});

// Drives the command on a pseudo-terminal (Python's pty: Node has none built in): answers
// both prompts, then prints everything the terminal showed and the exit status.
const PTY_DRIVER = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
def wait_for(token):
    global out
    end = time.time() + 30
    while token not in out and time.time() < end:
        try: out += os.read(fd, 1024)
        except OSError: return
for answer in (b'typed secret\\x7fT\\r', b'typed secreT\\r'):
    wait_for(b'password: ')
    out = out.replace(b'password: ', b'<prompt>', 1)
    os.write(fd, answer)
while True:
    try:
        chunk = os.read(fd, 1024)
        if not chunk: break
        out += chunk
    except OSError: break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode() + '\\nexit=' + str(os.waitstatus_to_exitcode(status)))
`;
const hasPython = spawnSync('python3', ['--version']).status === 0;

test(
  'on a terminal: a double prompt that echoes nothing sets the password typed',
  { skip: !hasPython && 'python3 (for a pseudo-terminal) is not installed' },
  async () => {
    const args = ['admin', 'user', 'set-password', ...data, '--email', 'ada@example.com'];
    const r = spawnSync('python3', ['-c', PTY_DRIVER, process.execPath, BIN, ...args], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`password set for ${ada}\\s*\\nexit=0$`));
    // Neither answer was echoed; the backspace was applied, not shown.
    assert.ok(!r.stdout.includes('typed'), r.stdout);
    assert.equal((await login('ada@example.com', 'typed secreT')).status, 200);
  },
);
