import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ErrorBody, MagicConsumeResponse } from '@clickclack/protocol';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';
import { BIN, cleanEnv, cliOk, configHome, runCli, startServer } from './processes.js';
import { signInParts, startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

type Login = MagicConsumeResponse & Partial<ErrorBody>;

const PUBLIC_URL = 'https://chat.example.test';

const request = (srv: TestServer, email: string) =>
  api(srv, 'POST', '/api/auth/magic/request', { body: { email } });
const consume = (srv: TestServer, body: Record<string, string>) =>
  api<Login>(srv, 'POST', '/api/auth/magic/consume', { body });

describe('sign-in by email (real SMTP receiver)', () => {
  let smtp: SmtpReceiver;
  let srv: TestServer;
  before(async () => {
    smtp = await startSmtpReceiver();
    srv = await startTestServer({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
  });
  after(async () => {
    await srv.close();
    await smtp.close();
  });

  test('without SMTP the request is a clear 501', async () => {
    const plain = await startTestServer();
    try {
      const res = await request(plain, 'ada@example.com');
      assert.equal(res.status, 501);
      assert.match(String(res.body.error), /not configured.*--smtp-url/);
    } finally {
      await plain.close();
    }
  });

  test('a known address gets a link and a code; the link signs that user in', async () => {
    const ada = await signIn(srv, 'ada@example.com', 'Ada');
    const res = await request(srv, 'ADA@example.com ');
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { ok: true });
    const mail = await smtp.waitFor('ada@example.com');
    assert.match(mail.headers.get('from') ?? '', /noreply@clickclack\.test/);
    assert.ok(smtp.logins.includes('mailer:s3cret pass'), 'the SMTP URL credentials were used');
    const { link, token, code } = signInParts(mail);
    assert.ok(link.startsWith(`${PUBLIC_URL}/app/?token=mgt_`), link);
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.ok(mail.subject.includes(code));
    const login = await consume(srv, { token });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.id, ada.userId);
    const me = await api(srv, 'GET', '/api/me', { token: login.body.token });
    assert.equal(me.status, 200);
    // The link is used up, and so is its code.
    assert.equal((await consume(srv, { token })).status, 400);
    assert.equal((await consume(srv, { email: 'ada@example.com', code })).status, 400);
  });

  test('an unknown address gets the same answer and joins with the code', async () => {
    const res = await request(srv, 'newcomer@example.com');
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { ok: true });
    const { code } = signInParts(await smtp.waitFor('newcomer@example.com'));
    assert.equal(await srv.store.read.users.byEmail('newcomer@example.com'), undefined);
    // Typed loosely: lower case, no dashes.
    const login = await consume(srv, {
      email: 'Newcomer@example.com',
      code: code.toLowerCase().replace(/-/g, ''),
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user.display_name, 'newcomer@example.com');
    const methods = await api(srv, 'GET', '/api/auth/methods');
    assert.equal(methods.body.email, true);
  });

  test('five wrong codes burn the mailed code; a code is only good with its address', async () => {
    await request(srv, 'grace@example.com');
    const { code, token } = signInParts(await smtp.waitFor('grace@example.com'));
    const other = await consume(srv, { email: 'ada@example.com', code });
    assert.equal(other.status, 400);
    assert.equal(other.body.error as unknown, 'sign-in code is invalid or expired');
    for (let i = 0; i < 5; i++) {
      const wrong = await consume(srv, { email: 'grace@example.com', code: 'AAAA-AAAA-AAAA' });
      assert.equal(wrong.status, 400);
    }
    assert.equal((await consume(srv, { email: 'grace@example.com', code })).status, 400);
    // The link itself still works: guessing codes does not lock the owner of the mailbox out.
    assert.equal((await consume(srv, { token })).status, 200);
  });

  test('a body with neither token nor email and code is a 400', async () => {
    const res = await consume(srv, { email: 'ada@example.com' });
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /token, or email and code/);
  });

  test('requests are limited per address', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await request(srv, 'limited@example.com')).status, 202);
    const res = await request(srv, 'limited@example.com');
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });

  test('clickclack login --email: the code typed on stdin, the session stored', async () => {
    const env = cleanEnv({ ...configHome() });
    const child = spawn(
      process.execPath,
      [BIN, 'login', '--email', 'cli@example.com', '--server', srv.url, '--json'],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    const { code } = signInParts(await smtp.waitFor('cli@example.com', undefined, 20_000));
    child.stdin.end(`${code}\n`);
    assert.equal(await exited, 0, stderr);
    const out = JSON.parse(stdout) as Login;
    assert.match(out.token, /^sst_/);
    // The stored session works for the next command.
    const who = await cliOk(['whoami', '--server', srv.url, '--plain'], {
      env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME! },
    });
    assert.equal(who, out.user.id);
    // The CLI names itself, so the session list tells its session apart; and revokes one.
    const list = JSON.parse(
      await cliOk(['sessions', 'list', '--server', srv.url, '--json'], {
        env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME! },
      }),
    ) as { sessions: { id: string; user_agent: string; current: boolean }[] };
    assert.deepEqual(
      list.sessions.map((s) => [s.id, s.user_agent, s.current]),
      [[out.session.id, 'clickclack-cli', true]],
    );
    const revoked = await cliOk(
      ['sessions', 'revoke', out.session.id, '--server', srv.url, '--plain'],
      { env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME! } },
    );
    assert.equal(revoked, out.session.id);
    assert.equal((await api(srv, 'GET', '/api/me', { token: out.token })).status, 401);
  });

  test('clickclack login --email with nothing on stdin: mailed, then a clear error', async () => {
    const r = await runCli(['login', '--email', 'quiet@example.com', '--server', srv.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no sign-in code given \(type it, pipe it on stdin, or pass --code\)/);
    await smtp.waitFor('quiet@example.com');
  });

  test('clickclack login --email --code, and a pasted link', async () => {
    await request(srv, 'script@example.com');
    const { code } = signInParts(await smtp.waitFor('script@example.com'));
    const home = configHome();
    const json = await cliOk(
      ['login', '--email', 'script@example.com', '--code', code, '--server', srv.url, '--json'],
      { env: home },
    );
    assert.match((JSON.parse(json) as Login).token, /^sst_/);
    const before = smtp.messages.length;
    // A pasted link works as well as a code (stdin, no terminal).
    const piped = spawn(
      process.execPath,
      [BIN, 'login', '--email', 'linker@example.com', '--server', srv.url, '--plain'],
      { env: cleanEnv(configHome()), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    piped.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const done = new Promise<number>((resolve) => piped.on('close', (c) => resolve(c ?? -1)));
    const { link } = signInParts(await smtp.waitFor('linker@example.com'));
    piped.stdin.end(`${link}\n`);
    assert.equal(await done, 0);
    assert.match(out.trim(), /^sst_/);
    assert.equal(smtp.messages.length, before + 1, '--code sent no email');
  });
});

describe('sign-in email requests are limited per source', () => {
  test('the 21st request from one client in 15 minutes is refused', async () => {
    const smtp = await startSmtpReceiver();
    const srv = await startTestServer({ smtpUrl: smtp.url, publicUrl: PUBLIC_URL });
    try {
      for (let i = 0; i < 20; i++)
        assert.equal((await request(srv, `p${i}@example.com`)).status, 202);
      assert.equal((await request(srv, 'p20@example.com')).status, 429);
    } finally {
      await srv.close();
      await smtp.close();
    }
  });
});

describe('serve with email configured (a subprocess)', () => {
  test('CLICKCLACK_SMTP_URL, --mail-from and --public-url reach the mail', async () => {
    const smtp = await startSmtpReceiver();
    const server = await startServer({
      env: { CLICKCLACK_SMTP_URL: smtp.url },
      args: ['--mail-from', 'Team Chat <chat@example.org>', '--public-url', PUBLIC_URL],
    });
    try {
      const res = await fetch(`${server.url}/api/auth/magic/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'sub@example.com' }),
      });
      assert.equal(res.status, 202);
      const mail = await smtp.waitFor('sub@example.com');
      assert.equal(mail.from, 'chat@example.org');
      assert.ok(signInParts(mail).link.startsWith(`${PUBLIC_URL}/app/?token=mgt_`));
    } finally {
      await server.cleanup();
      await smtp.close();
    }
  });
});
