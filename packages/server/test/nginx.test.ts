// Two `clickclack serve` nodes on one PostgreSQL database behind a real nginx (the Debian
// package), configured from docs/nginx-multinode.conf: round robin, WebSocket proxying,
// X-Forwarded-* headers, upload body size. Driven through nginx only, by the built CLI
// and by the SDK; nginx's access log ($upstream_addr) and each node's own access log
// (`--access-log stderr`) show that both nodes served, and killing one shows the other
// carries on alone.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ClickClackClient, type Event } from '@clickclack/sdk';
import WebSocket from 'ws';
import { createPgTestDatabase, dropPgTestDatabase, TEST_PG_URL, until } from './helpers.js';
import { cliOk, startServer, type RunningServer } from './processes.js';

const TEMPLATE = fileURLToPath(new URL('../../../docs/nginx-multinode.conf', import.meta.url));

function findNginx(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
    if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}
const NGINX = findNginx();

const SKIP = !TEST_PG_URL
  ? 'CLICKCLACK_TEST_PG_URL is not set: the nginx test needs PostgreSQL, skipped'
  : !NGINX
    ? 'no nginx binary (apt-get install nginx): the nginx test is skipped'
    : false;
if (SKIP) console.log(`# ${SKIP}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const cli = (args: string[], env: Record<string, string> = {}) => cliOk(args, { env });

interface Node extends RunningServer {
  /** host:port, as nginx's upstream and access log name it. */
  addr: string;
}

/** A node on the shared database, writing its access log (a line per request) to stderr. */
async function startNode(db: string, uploads: string, extra: string[] = []): Promise<Node> {
  // No --dev-bootstrap (but in the test about it): requests authenticate with a token.
  const srv = await startServer({
    args: ['--db', db, '--uploads', uploads, '--access-log', 'stderr', ...extra],
  });
  return { ...srv, addr: srv.url.replace(/^http:\/\//, '') };
}

/** Requests a node's access log says it served, of one route pattern or of any. */
const served = (node: Node, route?: string): number =>
  node
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as { method: string; route: string })
    .filter((l) => route === undefined || `${l.method} ${l.route}` === route).length;

/**
 * docs/nginx-multinode.conf, made runnable by an unprivileged nginx in `dir`: the listen
 * port, the two nodes, and every path nginx writes under `dir`.
 */
function nginxConf(dir: string, port: number, nodes: string[]): string {
  let conf = readFileSync(TEMPLATE, 'utf8');
  const sub = (re: RegExp, to: string) => {
    assert.match(conf, re, `template line ${re}`);
    conf = conf.replace(re, to);
  };
  sub(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`);
  // Test only: every response names the node that served it.
  sub(
    /^(\s*)proxy_pass http:\/\/clickclack;$/m,
    '$&\n$1add_header X-Test-Upstream $upstream_addr always;',
  );
  sub(/^\s*access_log .*;$/m, `    access_log ${dir}/access.log clickclack;`);
  const servers = /^(\s*)server 10\.0\.0\.11:8080( .*);\n\s*server 10\.0\.0\.12:8080 .*;$/m;
  sub(servers, nodes.map((n) => `$1server ${n}$2;`).join('\n'));
  sub(
    /^worker_processes auto;$/m,
    `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log info;`,
  );
  sub(
    /^http \{$/m,
    [
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `    ${t}_temp_path ${dir}/${t}_temp;`,
      ),
    ].join('\n'),
  );
  return conf;
}

interface Nginx {
  url: string;
  accessLog(): string[];
  stop(): Promise<void>;
}

async function startNginx(dir: string, nodes: string[]): Promise<Nginx> {
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, nodes));
  // Unprivileged: as root (CI containers), run the master itself as nobody, so nothing
  // in the test needs or gets root; otherwise as the current user.
  const asNobody = process.getuid?.() === 0;
  const ids = asNobody ? { uid: 65534, gid: 65534 } : {};
  if (asNobody) chownSync(dir, 65534, 65534);
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
  const syntax = spawnSync(NGINX!, [...args, '-t'], { encoding: 'utf8', ...ids });
  assert.equal(syntax.status, 0, `nginx -t: ${syntax.stderr}`);
  const child = spawn(NGINX!, [...args, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...ids,
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    try {
      await fetch(`${url}/readyz`);
      break;
    } catch {
      if (i > 100) throw new Error(`nginx does not answer on ${url}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    accessLog: () => {
      const file = join(dir, 'access.log');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('two nodes behind a real nginx', { skip: SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-nginx-'));
  const uploads = join(dir, 'uploads');
  let db = '';
  let nodes: Node[] = [];
  let nginx: Nginx | undefined;
  let token: string;
  let workspaceId: string;
  let channelId: string;
  let env: Record<string, string>;

  before(async () => {
    db = await createPgTestDatabase(dir);
    await cli(['migrate', '--db', db]);
    await cli(['admin', 'bootstrap', '--db', db, '--name', 'Owner', '--email', 'o@example.com']);
    nodes = await Promise.all([0, 1].map(() => startNode(db, uploads)));
    nginx = await startNginx(
      mkdtempSync(join(tmpdir(), 'cc-nginx-run-')),
      nodes.map((n) => n.addr),
    );
    const magic = await cli([
      'admin',
      'magic-link',
      'create',
      '--db',
      db,
      '--email',
      'o@example.com',
    ]);
    const res = await fetch(`${nginx.url}/api/auth/magic/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: magic }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    token = ((await res.json()) as { token: string }).token;
    env = { CLICKCLACK_SERVER: nginx.url, CLICKCLACK_TOKEN: token };
    const client = new ClickClackClient({ baseUrl: nginx.url, token });
    workspaceId = (await client.workspaces.list())[0]!.id;
    channelId = (await client.channels.list(workspaceId)).find((c) => c.name === 'general')!.id;
  });
  after(async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.cleanup()));
    if (db) await dropPgTestDatabase(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the CLI through nginx: send, messages list --json, upload on one node and download from the other', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 6; i++)
      sent.push(
        await cli(
          ['send', '--workspace', workspaceId, '--channel', 'general', '--plain', `via nginx ${i}`],
          env,
        ),
      );
    assert.ok(
      sent.every((id) => id.startsWith('msg_')),
      sent.join(','),
    );
    const listed = JSON.parse(
      await cli(
        [
          'messages',
          'list',
          '--workspace',
          workspaceId,
          '--channel',
          'general',
          '--json',
          '--limit',
          '50',
        ],
        env,
      ),
    ) as { messages: { id: string; body: string }[] };
    assert.deepEqual(
      listed.messages
        .filter((m) => m.body.startsWith('via nginx'))
        .map((m) => m.id)
        .sort(),
      [...sent].sort(),
    );

    // A file a little over nginx's default 1 MiB body limit: client_max_body_size applies.
    const file = join(dir, 'notes.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    writeFileSync(file, bytes);
    const up = JSON.parse(
      await cli(['upload', file, '--workspace', workspaceId, '--json'], env),
    ) as { upload: { id: string; byte_size: number } };
    assert.equal(up.upload.byte_size, bytes.length);
    // Two downloads in a row: round robin sends them to different nodes, and whichever
    // node stored the file, the shared uploads directory serves it from both.
    const before = nodes.map((n) => served(n, 'GET /api/uploads/:upload_id'));
    for (let i = 0; i < 2; i++) {
      const down = await fetch(`${nginx!.url}/api/uploads/${up.upload.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(down.status, 200);
      assert.ok(Buffer.from(await down.arrayBuffer()).equals(bytes), 'the same bytes');
    }
    // A node writes its access line once the answer has gone out: wait for both lines.
    const downloads = () =>
      nodes.map((n, i) => served(n, 'GET /api/uploads/:upload_id') - before[i]!);
    await until('both download lines', () => downloads().reduce((a, b) => a + b) >= 2, 5000);
    assert.deepEqual(downloads(), [1, 1], 'one download served by each node');
  });

  test('an SDK realtime client through nginx gets every message posted through nginx exactly once, also when one node dies', async () => {
    const client = new ClickClackClient({ baseUrl: nginx!.url, token });
    const statuses: string[] = [];
    const wsUpstreams: string[] = [];
    /** `ws`, noting which node nginx upgraded each connection to. */
    class TracedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        this.on('upgrade', (res) => wsUpstreams.push(String(res.headers['x-test-upstream'])));
      }
    }
    const stream = client.realtime({
      workspaceId,
      webSocket: TracedWebSocket as never,
      minBackoffMs: 50,
      maxBackoffMs: 500,
      onStatus: (s) => statuses.push(s),
    });
    const got: Event[] = [];
    const reading = (async () => {
      for await (const ev of stream) if (ev.type === 'message.created') got.push(ev);
    })();
    await until('the socket to open', () => statuses.includes('open'), 10000);
    const created = () => got.map((e) => String((e.payload as { message_id: string }).message_id));

    const posted: string[] = [];
    const post = async (body: string) =>
      posted.push((await client.channels.sendMessage(channelId, { body })).id);
    for (let i = 0; i < 20; i++) await post(`sdk ${i}`);
    await until('20 messages', () => created().length >= 20, 10000);

    // One node dies; nginx skips it, the socket that was on it reconnects through nginx to
    // the survivor and resumes from its cursor.
    // The node holding the socket (nginx names it in the 101 response) is the one to kill.
    assert.equal(wsUpstreams.length, 1);
    const victim = nodes.find((n) => n.addr === wsUpstreams[0])!;
    assert.ok(victim, `the socket went through nginx to a node: ${wsUpstreams[0]}`);
    const survivor = nodes.find((n) => n !== victim)!;
    await victim.kill();
    const survivorBefore = served(survivor);
    for (let i = 0; i < 20; i++) await post(`after the kill ${i}`);
    for (let i = 0; i < 4; i++)
      posted.push(
        await cli(
          [
            'send',
            '--workspace',
            workspaceId,
            '--channel',
            'general',
            '--plain',
            `cli after the kill ${i}`,
          ],
          env,
        ),
      );
    await until('every message', () => created().length >= posted.length, 10000);
    await new Promise((r) => setTimeout(r, 300));
    stream.close();
    await reading;
    assert.equal(created().length, posted.length, 'no duplicates');
    assert.deepEqual([...created()].sort(), [...posted].sort(), 'exactly the posted messages');
    const cursors = got.map((e) => e.cursor);
    assert.deepEqual(cursors, [...cursors].sort(), 'in cursor order');
    await until(
      'the survivor to log everything after',
      () => served(survivor) - survivorBefore >= 24,
      5000,
    );
    assert.ok(statuses.includes('reconnecting'), 'the socket moved to the survivor');
    // $upstream_addr lists every node nginx tried: the dead one may come first (refused).
    assert.deepEqual(
      wsUpstreams.slice(1).map((u) => u.split(', ').at(-1)),
      [survivor.addr],
      'and resumed there through nginx',
    );
  });

  test("nginx's access log: both nodes served, WebSocket upgrades included", () => {
    const lines = nginx!.accessLog();
    for (const node of nodes) {
      const mine = lines.filter((l) => l.includes(`upstream=${node.addr}`));
      assert.ok(mine.length > 3, `nginx sent requests to ${node.addr}: ${mine.length}`);
      assert.ok(served(node) > 3, `${node.addr} logged what it served`);
    }
    assert.ok(
      lines.some((l) => l.includes('GET /api/realtime/ws') && / 101 /.test(l)),
      'a WebSocket upgrade went through',
    );
  });

  test('a --dev-bootstrap node behind nginx does not take a remote client for a local one', async () => {
    // The two nodes above run without dev bootstrap: no token, no access through nginx.
    assert.equal((await fetch(`${nginx!.url}/api/me`)).status, 401);
    const dev = await startNode(db, uploads, ['--dev-bootstrap=true']);
    const devNginx = await startNginx(mkdtempSync(join(tmpdir(), 'cc-nginx-dev-')), [
      dev.addr,
      dev.addr,
    ]);
    try {
      // Straight from loopback, dev auth answers (so the refusals below mean something).
      assert.equal((await fetch(`http://${dev.addr}/api/me`)).status, 200);
      // Through nginx, X-Forwarded-For names the client: a remote one is not local...
      const remote = await fetch(`${devNginx.url}/api/me`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(remote.status, 401);
      // ...and neither is a request for the public host name a browser would send.
      // (node:http, since fetch does not let a caller set Host.)
      const publicHost = await new Promise<number>((resolve, reject) =>
        httpGet(`${devNginx.url}/api/me`, { headers: { host: 'chat.example.com' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      assert.equal(publicHost, 401);
      const ws = new WebSocket(
        `${devNginx.url.replace('http', 'ws')}/api/realtime/ws?workspace_id=${workspaceId}`,
        { headers: { 'x-forwarded-for': '203.0.113.9' } },
      );
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => undefined);
      });
      ws.terminate();
      assert.equal(status, 401, 'nor is a remote WebSocket upgrade');
    } finally {
      await devNginx.stop();
      await dev.cleanup();
    }
  });
});
