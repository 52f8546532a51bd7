// Every example of the seed's CLI reference (docs/cli.md "Examples from the reference"),
// run as printed: through /bin/sh, with a `clickclack` on PATH that is the built binary,
// in a fresh directory (so `./data`, `./clickclack.json` and `<reply.md` are relative to
// it) and a fresh HOME (so the stored config is the documented ~/.config/clickclack).
//
// Substituted, and only these:
// - `--addr :8080` becomes `--addr :0`, and so `http://localhost:8080` becomes
//   `http://localhost:<port>`: a fixed port collides with other tests and other servers.
// - The placeholders `wsp_...`, `usr_peter`, `mgt_...`, `sst_...` and `msg_...` become the
//   real ids and tokens that earlier examples printed.
// - `[--workspace wsp_...]` is written as `--workspace <id>`: the brackets mark an optional
//   flag, they are not shell syntax.
// The order is a deployment's (migrate and bootstrap before serve, sign-in before the
// client examples), not the page's: each example needs what an earlier one printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN, cleanEnv, http } from './helpers.js';

/** The examples exactly as docs/cli.md (and the seed's reference) print them. */
const EX = {
  serve: `clickclack serve \\
  --addr :8080 \\
  --data ./data \\
  --db sqlite://./data/clickclack.db \\
  --config ./clickclack.json \\
  --dev-bootstrap=true`,
  migrate: 'clickclack migrate --data ./data --db sqlite://./data/clickclack.db',
  bootstrap: 'clickclack admin bootstrap --name "Peter" --email steipete@gmail.com',
  userCreate:
    'clickclack admin user create --name "Ari" --email ari@example.com [--workspace wsp_...]',
  inviteCreate: 'clickclack admin invite create --workspace wsp_...',
  serviceBot: `clickclack admin bot create \\
  --workspace wsp_... \\
  --name "OpenClaw Service" \\
  --handle openclaw \\
  --scopes bot:write \\
  --plain`,
  ownedBot: `clickclack admin bot create \\
  --workspace wsp_... \\
  --owner usr_peter \\
  --name "Peter's OpenClaw" \\
  --handle peter-openclaw \\
  --scopes bot:write`,
  magicLink: 'clickclack admin magic-link create --email steipete@gmail.com --name "Peter"',
  prune: `clickclack admin events prune \\
  --workspace wsp_... \\
  --older-than-days 30 \\
  --keep-latest 10000`,
  backup: 'clickclack backup --data ./data --out ./data/backup.db',
  exportFile: 'clickclack export --data ./data --out ./data/export.json',
  exportStdout: 'clickclack export --out -                # stdout',
  login: `clickclack --server http://localhost:8080 login \\
  --magic-token mgt_... \\
  --plain`,
  whoami: 'clickclack --server http://localhost:8080 --token sst_... whoami',
  workspaces: 'clickclack --server http://localhost:8080 --token sst_... workspaces list',
  channels:
    'clickclack --server http://localhost:8080 --token sst_... channels list --workspace clickclack',
  messages:
    'clickclack --server http://localhost:8080 --token sst_... messages list --channel general --json',
  threadOpen:
    'clickclack --server http://localhost:8080 --token sst_... threads open msg_... --json',
  send: 'clickclack --server http://localhost:8080 --token sst_... send --channel general "hello"',
  sendStdin:
    "printf 'long body\\n' | clickclack --server http://localhost:8080 --token sst_... send --channel general --stdin",
  reply:
    'clickclack --server http://localhost:8080 --token sst_... threads reply msg_... --stdin <reply.md',
};

let dir: string;
let home: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;
let serverLog = '';
/** What earlier examples printed, for the placeholders of later ones. */
const got = { url: '', port: '', peter: '', wsp: '', sst: '', hello: '', long: '', reply: '' };

/** `text` with each placeholder replaced; a placeholder the example lacks is a test bug. */
function fill(text: string, subs: Record<string, string>): string {
  let out = text;
  for (const [from, to] of Object.entries(subs)) {
    assert.ok(out.includes(from), `example has no ${from}: ${text}`);
    out = out.split(from).join(to);
  }
  return out;
}

/** A client example against this server, with the session `login` printed if it takes one. */
const client = (text: string, extra: Record<string, string> = {}) =>
  fill(text, {
    'http://localhost:8080': got.url,
    ...(text.includes('sst_...') ? { 'sst_...': got.sst } : {}),
    ...extra,
  });

interface ShResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sh(script: string): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

/** Runs one example; it must exit 0. Returns its stdout. */
async function ok(script: string): Promise<string> {
  const r = await sh(script);
  assert.equal(r.code, 0, `${script}\nexited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const db = <T>(sql: string, ...args: unknown[]): T[] => {
  const conn = new Database(join(dir, 'data', 'clickclack.db'), { readonly: true });
  try {
    return conn.prepare(sql).all(...args) as T[];
  } finally {
    conn.close();
  }
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cc-seed-'));
  home = join(dir, 'home');
  const bin = join(dir, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  writeFileSync(join(bin, 'clickclack'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, 'clickclack'), 0o755);
  // The config file says no dev bootstrap; the example's explicit flag must win over it.
  writeFileSync(join(dir, 'clickclack.json'), '{"dev_bootstrap": false}\n');
  writeFileSync(join(dir, 'reply.md'), 'a **markdown** reply\n');
  env = cleanEnv({ HOME: home, PATH: `${bin}:${process.env.PATH ?? ''}` });
  // Unset, so the client stores its session where the page says: ~/.config/clickclack.
  delete env.XDG_CONFIG_HOME;
});

after(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('docs/cli.md shows every example verbatim, and no other', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const section = doc.split('\n## Examples from the reference\n')[1]?.split('\n## ')[0] ?? '';
  let code = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
  for (const text of Object.values(EX)) {
    assert.ok(code.includes(text), `missing: ${text}`);
    code = code.replace(text, '');
  }
  assert.equal(code.trim(), '', 'an example this test does not run');
});

test('migrate, admin bootstrap, serve', async () => {
  assert.equal(await ok(EX.migrate), '');
  assert.ok(existsSync(join(dir, 'data', 'clickclack.db')));
  assert.equal(await ok(EX.migrate), '', 'idempotent');

  got.peter = (await ok(EX.bootstrap)).trim();
  assert.match(got.peter, /^usr_\w+$/);
  assert.equal((await ok(EX.bootstrap)).trim(), got.peter, 'idempotent');

  // Its own process group, so the shell and the server stop together.
  server = spawn('/bin/sh', ['-c', fill(EX.serve, { '--addr :8080': '--addr :0' })], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  got.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${serverLog}`)), 60000);
    server!.stderr!.on('data', (c: Buffer) => {
      serverLog += c.toString();
      const m = /ClickClack listening on (http:\/\/localhost:\d+)/.exec(serverLog);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server!.once('exit', (code) => reject(new Error(`serve exited ${code}: ${serverLog}`)));
  });
  // The database was not empty, so dev bootstrap kept the first user as the dev user.
  assert.match(serverLog, new RegExp(`dev auth user: Peter \\(${got.peter}\\)`));
  got.port = new URL(got.url).port;
  const me = await http<{ user: { id: string } }>(`http://127.0.0.1:${got.port}`, 'GET', '/api/me');
  assert.equal(me.status, 200, 'dev auth is on: the flag beats the config file');
  assert.equal(me.body.user.id, got.peter);
  for (const sub of ['uploads', 'logs']) assert.ok(existsSync(join(dir, 'data', sub)));
});

test('magic-link create, login --plain (stored), whoami, workspaces list, channels list', async () => {
  const magic = (await ok(EX.magicLink)).trim();
  assert.match(magic, /^mgt_\w+$/);
  got.sst = (await ok(client(EX.login, { 'mgt_...': magic }))).trim();
  assert.match(got.sst, /^sst_\w+$/);
  const stored = JSON.parse(
    readFileSync(join(home, '.config', 'clickclack', 'config.json'), 'utf8'),
  ) as Record<string, unknown>;
  assert.equal(JSON.stringify(stored).includes(got.sst), true, 'login stored the session');

  // --no-store: the page's advice for CI; prints a new session, leaves the stored one.
  const again = (await ok(EX.magicLink)).trim();
  const ci = (await ok(`${client(EX.login, { 'mgt_...': again })} --no-store`)).trim();
  assert.match(ci, /^sst_\w+$/);
  assert.notEqual(ci, got.sst);
  assert.deepEqual(
    JSON.parse(readFileSync(join(home, '.config', 'clickclack', 'config.json'), 'utf8')),
    stored,
  );

  assert.equal(await ok(client(EX.whoami)), `${got.peter}\tPeter\n`);
  const ws = (await ok(client(EX.workspaces))).trim().split('\t');
  assert.deepEqual(ws.slice(1), ['clickclack', 'ClickClack']);
  got.wsp = ws[0]!;
  assert.match(got.wsp, /^wsp_\w+$/);
  assert.match(await ok(client(EX.channels)), /^chn_\w+\tgeneral\tpublic$/m);
});

test('admin user create, invite create, bot create (both forms), events prune', async () => {
  const ari = (
    await ok(fill(EX.userCreate, { '[--workspace wsp_...]': `--workspace ${got.wsp}` }))
  ).trim();
  assert.match(ari, /^usr_\w+$/);
  assert.deepEqual(
    db('SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?', got.wsp, ari),
    [{ role: 'member' }],
  );

  assert.match((await ok(fill(EX.inviteCreate, { 'wsp_...': got.wsp }))).trim(), /^tok_\w+$/);

  // Plain: the raw token and nothing else. No --created-by: the workspace's owner made it.
  const plain = await ok(fill(EX.serviceBot, { 'wsp_...': got.wsp }));
  assert.match(plain, /^ccb_\w+\n$/);
  const service = await http<{ user: { kind: string; handle: string; owner_user_id?: string } }>(
    got.url.replace('localhost', '127.0.0.1'),
    'GET',
    '/api/me',
    { token: plain.trim() },
  );
  assert.equal(service.status, 200);
  assert.equal(service.body.user.kind, 'bot');
  assert.equal(service.body.user.handle, 'openclaw');
  assert.equal(service.body.user.owner_user_id ?? null, null, 'a service bot has no owner');
  assert.deepEqual(
    db<{ created_by: string }>(
      "SELECT t.created_by FROM bot_tokens t JOIN users u ON u.id = t.bot_user_id WHERE u.handle = 'openclaw'",
    ),
    [{ created_by: got.peter }],
  );

  // JSON by default: {bot, bot_token, token}; the owner is also the creator.
  const owned = JSON.parse(
    await ok(fill(EX.ownedBot, { 'wsp_...': got.wsp, usr_peter: got.peter })),
  ) as {
    bot: { kind: string; handle: string; display_name: string; owner_user_id: string };
    bot_token: { token: string; created_by: string; scopes: string[] };
    token: string;
  };
  assert.deepEqual(Object.keys(owned), ['bot', 'bot_token', 'token']);
  assert.equal(owned.bot.owner_user_id, got.peter);
  assert.equal(owned.bot.display_name, "Peter's OpenClaw");
  assert.equal(owned.bot.handle, 'peter-openclaw');
  assert.equal(owned.bot_token.created_by, got.peter);
  assert.equal(owned.bot_token.token, owned.token);
  assert.match(owned.token, /^ccb_\w+$/);

  assert.match(await ok(fill(EX.prune, { 'wsp_...': got.wsp })), /^pruned \d+ events\n$/);
});

test('send, send --stdin, messages list, threads open, threads reply --stdin, --reply-to', async () => {
  got.hello = (await ok(client(EX.send))).trim().replace(/^sent (msg_\w+) to #general$/, '$1');
  assert.match(got.hello, /^msg_\w+$/);
  got.long = (await ok(client(EX.sendStdin))).trim().replace(/^sent (msg_\w+) to #general$/, '$1');
  assert.match(got.long, /^msg_\w+$/);

  const list = JSON.parse(await ok(client(EX.messages))) as {
    messages: { id: string; body: string }[];
  };
  const bodies = new Map(list.messages.map((m) => [m.id, m.body.trim()]));
  assert.equal(bodies.get(got.hello), 'hello');
  assert.equal(bodies.get(got.long), 'long body');

  const replied = (await ok(client(EX.reply, { 'msg_...': got.hello }))).trim();
  assert.match(replied, new RegExp(`^replied msg_\\w+ to ${got.hello}$`));
  got.reply = replied.split(' ')[1]!;

  const thread = JSON.parse(await ok(client(EX.threadOpen, { 'msg_...': got.hello }))) as {
    root: { id: string };
    replies: { id: string; body: string }[];
    thread_state: { reply_count: number };
  };
  assert.equal(thread.root.id, got.hello);
  assert.equal(thread.thread_state.reply_count, 1);
  assert.deepEqual(
    thread.replies.map((r) => [r.id, r.body.trim()]),
    [[got.reply, 'a **markdown** reply']],
  );

  // --reply-to, as the page's prose describes it, on both commands.
  const quoting = JSON.parse(
    await ok(`${client(EX.send)} --reply-to ${got.long} --json`.replace('"hello"', '"agreed"')),
  ) as { message: { quoted_message_id?: string } };
  assert.equal(quoting.message.quoted_message_id, got.long);
  const inThread = JSON.parse(
    await ok(
      `${client('clickclack --server http://localhost:8080 --token sst_... threads reply msg_... "+1"', { 'msg_...': got.hello })} --reply-to ${got.reply} --json`,
    ),
  ) as { message: { quoted_message_id?: string } };
  assert.equal(inThread.message.quoted_message_id, got.reply);
});

test('backup, export to a file and to stdout, logout', async () => {
  assert.equal(await ok(EX.backup), '');
  const copy = new Database(join(dir, 'data', 'backup.db'), { readonly: true });
  try {
    assert.deepEqual(copy.prepare('PRAGMA integrity_check').all(), [{ integrity_check: 'ok' }]);
    const row = copy.prepare('SELECT body FROM messages WHERE id = ?').get(got.hello) as {
      body: string;
    };
    assert.equal(row.body.trim(), 'hello');
  } finally {
    copy.close();
  }

  assert.equal(await ok(EX.exportFile), '');
  const file = JSON.parse(readFileSync(join(dir, 'data', 'export.json'), 'utf8')) as Record<
    string,
    { id: string; email?: string }[]
  >;
  assert.ok(file.users!.some((u) => u.id === got.peter && u.email === 'steipete@gmail.com'));
  assert.ok(file.messages!.some((m) => m.id === got.reply));
  const stdout = JSON.parse(await ok(EX.exportStdout)) as typeof file;
  assert.deepEqual(
    stdout.messages!.map((m) => m.id),
    file.messages!.map((m) => m.id),
  );

  const config = join(home, '.config', 'clickclack', 'config.json');
  assert.ok(existsSync(config));
  assert.equal(await ok('clickclack logout'), 'logged out\n');
  assert.ok(!existsSync(config), 'logout removed the stored config');
});
