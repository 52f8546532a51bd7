// PostgreSQL-only checks (the rest of the suite runs on PostgreSQL too when
// CLICKCLACK_TEST_PG_URL is set): migrations, the CLI on a postgres:// URL, and event cursors
// that stay gap-free for a tailing reader while several nodes write at once.
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  MessageResponse,
  WorkspaceListResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../src/app.js';
import { createPgPool } from '../src/store/dialects/postgres.js';
import { migratePostgres, migrationsDir } from '../src/store/migrate.js';
import { openStore } from '../src/store/open.js';
import type { Repos, Store } from '../src/store/store.js';
import {
  api,
  createPgTestDatabase,
  dropPgTestDatabase,
  signIn,
  startTestServer,
  TEST_PG_URL,
  type TestServer,
} from './helpers.js';
import { runCli, startServer } from './processes.js';

const SKIP = TEST_PG_URL
  ? false
  : 'CLICKCLACK_TEST_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test): PostgreSQL tests skipped';
if (SKIP) console.log(`# ${SKIP}`);

const DIST = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const pgFiles = () =>
  readdirSync(migrationsDir('postgres'))
    .filter((f) => f.endsWith('.sql'))
    .sort();

const hasTool = (name: string) => spawnSync(name, ['--version']).status === 0;

/** A fresh, empty database for one test; dropped afterwards. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-pg-'));
  const url = await createPgTestDatabase(dir);
  return {
    url,
    drop: async () => {
      await dropPgTestDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function query<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const pool = createPgPool(url, 1);
  try {
    return (await pool.query(text, params)).rows as T[];
  } finally {
    await pool.end();
  }
}

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

/** Polls `probe` until it answers something other than false (log reads lag running writes). */
async function waitFor<T>(probe: () => Promise<T | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== false) return got;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgreSQL migrations', { skip: SKIP }, () => {
  test('every file is recorded in schema_migrations once; re-running and racing apply nothing twice', async () => {
    const db = await freshDatabase();
    try {
      // Two nodes starting at once on an empty database.
      const [a, b] = await Promise.all([
        openStore(db.url, { migrate: true }),
        openStore(db.url, { migrate: true }),
      ]);
      await Promise.all([a.close(), b.close()]);
      const rows = await query<{ name: string; applied_at: string }>(
        db.url,
        'SELECT name, applied_at FROM schema_migrations ORDER BY name',
      );
      assert.deepEqual(
        rows.map((r) => r.name),
        pgFiles(),
      );
      assert.ok(rows.every((r) => !Number.isNaN(Date.parse(r.applied_at))));
      const pool = createPgPool(db.url, 1);
      try {
        assert.deepEqual(await migratePostgres(pool), []);
      } finally {
        await pool.end();
      }
      // The PostgreSQL migrations mirror the SQLite ones file for file.
      assert.deepEqual(
        pgFiles(),
        readdirSync(migrationsDir('sqlite'))
          .filter((f) => f.endsWith('.sql'))
          .sort(),
      );
    } finally {
      await db.drop();
    }
  });

  test('an unreachable server is a clear error, without the password', async () => {
    await assert.rejects(
      openStore('postgres://someone:hunter2@127.0.0.1:1/nothing', { migrate: true }),
      (err: Error) => {
        assert.match(
          err.message,
          /^PostgreSQL postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nothing/,
        );
        assert.ok(!err.message.includes('hunter2'));
        return true;
      },
    );
  });
});

describe('the CLI on postgres://', { skip: SKIP }, () => {
  let db: { url: string; drop: () => Promise<void> };
  let dataDir: string;
  before(async () => {
    assert.ok(existsSync(DIST), 'build first (npm run build): the CLI runs from dist/');
    db = await freshDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'cc-pg-cli-'));
  });
  after(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('clickclack migrate --db postgres://… applies the migrations, then nothing', async () => {
    const first = await run(['migrate', '--data', dataDir, '--db', db.url]);
    assert.equal(first.code, 0, first.stderr);
    const names = await query<{ name: string }>(
      db.url,
      'SELECT name FROM schema_migrations ORDER BY name',
    );
    assert.deepEqual(
      names.map((r) => r.name),
      pgFiles(),
    );
    // CLICKCLACK_DB selects the same database.
    const again = await run(['migrate', '--data', dataDir], { CLICKCLACK_DB: db.url });
    assert.equal(again.code, 0, again.stderr);
    const count = await query<{ n: number }>(db.url, 'SELECT count(*) AS n FROM schema_migrations');
    assert.equal(count[0]!.n, pgFiles().length);
  });

  test('clickclack serve --db postgres://… answers /readyz and serves the API', async () => {
    const srv = await startServer({ dataDir, args: ['--db', db.url] });
    try {
      const ready = await fetch(`${srv.url}/readyz`);
      assert.equal(ready.status, 200);
      const me = await fetch(`${srv.url}/api/workspaces`);
      assert.equal(me.status, 401);
    } finally {
      await srv.stop();
    }
  });

  test('backup --db postgres://… writes a pg_dump custom-format archive pg_restore reads', async (t) => {
    if (!hasTool('pg_dump') || !hasTool('pg_restore')) {
      t.skip('pg_dump/pg_restore are not installed');
      return;
    }
    await run([
      'admin',
      'bootstrap',
      '--db',
      db.url,
      '--name',
      'Dumped',
      '--email',
      'd@example.com',
    ]);
    const file = join(dataDir, 'backup.dump');
    const res = await run(['backup', '--db', db.url, '--out', file]);
    assert.equal(res.code, 0, res.stderr);
    // "PGDMP" is the custom format's magic; pg_restore lists its table of contents.
    assert.equal(readFileSync(file).subarray(0, 5).toString(), 'PGDMP');
    const list = spawnSync('pg_restore', ['--list', file], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /TABLE public messages/);
    assert.match(list.stdout, /TABLE DATA public users/);
    // Restored into a fresh database, the data is there.
    const copy = await freshDatabase();
    try {
      const restore = spawnSync('pg_restore', ['--no-owner', `--dbname=${copy.url}`, file], {
        encoding: 'utf8',
      });
      assert.equal(restore.status, 0, restore.stderr);
      const users = await query<{ name: string }>(
        copy.url,
        'SELECT display_name AS name FROM users',
      );
      assert.deepEqual(
        users.map((u) => u.name),
        ['Dumped'],
      );
    } finally {
      await copy.drop();
    }
    // The destination must be new; a failed dump leaves nothing behind.
    const again = await run(['backup', '--db', db.url, '--out', file]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  test("backup on PostgreSQL: a clear error without pg_dump, and pg_dump's own error without the password", async () => {
    const missing = join(dataDir, 'missing.dump');
    const none = await run(['backup', '--db', db.url, '--out', missing], {
      CLICKCLACK_PG_DUMP: join(dataDir, 'no-such-pg_dump'),
    });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /pg_dump is not installed/);
    assert.ok(!existsSync(missing));
    if (!hasTool('pg_dump')) return;
    const url = new URL(db.url);
    url.username = 'no_such_role';
    url.password = 'hunter2';
    const failed = await run(['backup', '--db', url.toString(), '--out', missing]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /pg_dump of postgres:\/\/no_such_role:\*\*\*@.* failed/);
    assert.match(failed.stderr, /no_such_role/, "pg_dump's stderr is shown");
    assert.ok(!failed.stderr.includes('hunter2'));
    assert.ok(!existsSync(missing));
    assert.deepEqual(
      readdirSync(dataDir).filter((f) => f.startsWith('.clickclack-backup')),
      [],
      'no temporary file left',
    );
  });

  test('export --db postgres://… writes every table as JSON, secrets redacted', async () => {
    const magic = await run([
      'admin',
      'magic-link',
      'create',
      '--db',
      db.url,
      '--email',
      'd@example.com',
    ]);
    assert.equal(magic.code, 0, magic.stderr);
    const file = join(dataDir, 'export.json');
    const res = await run(['export', '--db', db.url, '--out', file]);
    assert.equal(res.code, 0, res.stderr);
    const text = readFileSync(file, 'utf8');
    const dump = JSON.parse(text) as Record<string, Record<string, unknown>[]>;
    const tables = Object.keys(dump);
    assert.deepEqual(tables, [...tables].sort());
    for (const t of ['users', 'workspaces', 'channels', 'messages', 'events', 'bot_tokens'])
      assert.ok(t in dump, `missing ${t}`);
    assert.ok(!('schema_migrations' in dump));
    assert.ok(!('event_dispatch_state' in dump));
    assert.deepEqual(
      dump.users!.map((u) => u.display_name),
      ['Dumped'],
    );
    assert.equal(dump.channels![0]!.name, 'general');
    const user = dump.users![0]!;
    assert.deepEqual(Object.keys(user), Object.keys(user).sort());
    assert.ok(dump.auth_magic_links!.length > 0);
    for (const row of dump.auth_magic_links!) assert.equal(row.token_hash, '[redacted]');
    assert.ok(!text.includes(magic.stdout.trim()), 'no raw token');
    assert.ok(!/"[0-9a-f]{64}"/.test(text), 'no hashes');
    // To stdout, the same document.
    const out = await run(['export', '--db', db.url]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(Object.keys(JSON.parse(out.stdout) as object), tables);
  });
});

/** Another node on the test server's database: its own store (pool) and HTTP server. */
async function startNode(
  srv: TestServer,
  store: Store,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildApp({
    store,
    devBootstrap: false,
    realtime: { pollMs: 50 },
    uploads: { dir: join(srv.dataDir, 'uploads') },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    close: () => app.close(),
  };
}

describe('event cursors across nodes', { skip: SKIP }, () => {
  let srv: TestServer;
  const stores: Store[] = [];
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    for (const s of stores) await s.close();
    await srv.close();
  });

  /**
   * Drains events after `from` until `done()` and a final empty poll once the log holds
   * nothing newer, exactly the way a tailing node does: always reading after the last
   * cursor it saw. (A read stops below transactions still running, even unrelated ones.)
   */
  async function tail(store: Store, from: string, done: () => boolean): Promise<string[]> {
    const seen: string[] = [];
    let last = from;
    const newest = async () =>
      (await query<{ c: string | null }>(srv.dbUrl, 'SELECT max(cursor) AS c FROM events'))[0]?.c ??
      '';
    for (;;) {
      const finished = done();
      const rows = await store.read.events.allAfter(last, 1000);
      for (const r of rows) seen.push(r.cursor);
      if (rows.length > 0) last = rows[rows.length - 1]!.cursor;
      else if (finished && last >= (await newest())) return seen;
    }
  }

  test('many concurrent writers on three stores: a reader after its cursor never skips one', async () => {
    for (let i = 0; i < 3; i++)
      stores.push(await openStore(srv.dbUrl, { migrate: false, poolSize: 8 }));
    const reader = await openStore(srv.dbUrl, { migrate: false, poolSize: 2 });
    stores.push(reader);
    const ws = (await srv.store.read.workspaces.listForUser(srv.devUser.id))[0]!;
    const start = await reader.read.events.newestCursor();
    let writing = true;
    const tailing = tail(reader, start, () => !writing);
    // Each write holds its transaction open a little after allocating its cursor, so
    // without the write lock later cursors would commit first and the reader would skip.
    const perStore = 120;
    const writes = stores.slice(0, 3).flatMap((store, n) =>
      Array.from({ length: perStore }, (_, i) =>
        store.write(async (tx) => {
          const e = await tx.events.append({
            type: 'test.ping',
            workspace_id: ws.id,
            payload: { node: n, i },
          });
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          return e.cursor;
        }),
      ),
    );
    const written = await Promise.all(writes);
    writing = false;
    const seen = await tailing;
    const committed = (
      await query<{ cursor: string }>(
        srv.dbUrl,
        'SELECT cursor FROM events WHERE cursor > $1 ORDER BY cursor',
        [start],
      )
    ).map((r) => r.cursor);
    assert.equal(new Set(written).size, written.length, 'cursors are unique');
    assert.equal(committed.length, 3 * perStore);
    assert.deepEqual(seen, committed, 'the tailing reader saw every cursor, in order');
  });

  test('messages posted through three HTTP nodes reach a tailing reader without gaps', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const wid = (
      await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
        token: owner.token,
      })
    ).body.workspaces[0]!.id;
    const general = (
      await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
        token: owner.token,
      })
    ).body.channels.find((c) => c.name === 'general')!.id;
    // Two more nodes: their own store (pool) and HTTP server on the same database.
    const nodes: { url: string; close: () => Promise<void> }[] = [
      { url: srv.url, close: async () => undefined },
    ];
    for (let i = 0; i < 2; i++) {
      const store = await openStore(srv.dbUrl, { migrate: false, poolSize: 5 });
      stores.push(store);
      nodes.push(await startNode(srv, store));
    }
    try {
      const reader = stores[3]!;
      const start = await reader.read.events.newestCursor();
      let writing = true;
      const tailing = tail(reader, start, () => !writing);
      const posts = nodes.flatMap((node, n) =>
        Array.from({ length: 40 }, async (_, i) => {
          const res = await fetch(`${node.url}/api/channels/${general}/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ body: `node ${n} message ${i}` }),
          });
          assert.equal(res.status, 201);
          return ((await res.json()) as { message: { channel_seq: number } }).message.channel_seq;
        }),
      );
      const seqs = await Promise.all(posts);
      writing = false;
      const seen = await tailing;
      const committed = (
        await query<{ cursor: string }>(
          srv.dbUrl,
          'SELECT cursor FROM events WHERE cursor > $1 ORDER BY cursor',
          [start],
        )
      ).map((r) => r.cursor);
      assert.ok(committed.length >= posts.length);
      assert.deepEqual(seen, committed);
      // Channel seqs stay dense and unique across nodes too.
      const sorted = [...seqs].sort((x, y) => x - y);
      assert.deepEqual(
        sorted,
        Array.from({ length: sorted.length }, (_, i) => sorted[0]! + i),
      );
      // The same channel read through another node shows every message.
      const page = await fetch(`${nodes[2]!.url}/api/channels/${general}/messages?limit=200`, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      assert.equal(page.status, 200);
    } finally {
      for (const n of nodes) await n.close();
    }
  });

  test('the write path of one node is a real transaction per write (a failure rolls back only itself)', async () => {
    const store = stores[0]!;
    const ws = (await store.read.workspaces.listForUser(srv.devUser.id))[0]!;
    const before = await store.read.events.newestCursor();
    const results = await Promise.allSettled([
      store.write((tx) => tx.events.append({ type: 'test.ok', workspace_id: ws.id, payload: {} })),
      store.write(async (tx) => {
        await tx.events.append({ type: 'test.bad', workspace_id: ws.id, payload: {} });
        throw new Error('refused');
      }),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    const after = await waitFor(async () => {
      const rows = await store.read.events.allAfter(before, 10);
      return rows.length > 0 && rows;
    });
    assert.deepEqual(
      after.map((e) => e.type),
      ['test.ok'],
    );
  });
});

describe('writers side by side on one database (no database-wide lock)', { skip: SKIP }, () => {
  let srv: TestServer;
  const opened: { close(): Promise<void> }[] = [];
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    for (const o of opened.reverse()) await o.close();
    await srv.close();
  });
  const store = async () => {
    const s = await openStore(srv.dbUrl, { migrate: false, poolSize: 4 });
    opened.push(s);
    return s;
  };
  /** Another HTTP node, as a TestServer for `api`. */
  const node = async (): Promise<TestServer> => {
    const n = await startNode(srv, await store());
    opened.push(n);
    return { ...srv, url: n.url };
  };
  const workspaceId = async () =>
    (await srv.store.read.workspaces.listForUser(srv.devUser.id))[0]!.id;

  test('a reader stops below a transaction still running, so it never passes its cursor; then it reads both, once, in order', async () => {
    const [a, b, reader] = [await store(), await store(), await store()];
    const ws = await workspaceId();
    const start = await reader.read.events.newestCursor();
    const mine = async (after: string) =>
      (await reader.read.events.allAfter(after, 1000)).filter((e) => e.type.startsWith('order.'));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let appended!: (cursor: string) => void;
    const firstCursor = new Promise<string>((r) => (appended = r));
    // Node A appends, then holds its transaction open; node B appends and commits meanwhile.
    const slow = a.write(async (tx) => {
      const e = await tx.events.append({ type: 'order.slow', workspace_id: ws, payload: {} });
      appended(e.cursor);
      await held;
      return e.cursor;
    });
    const first = await firstCursor;
    let second: string;
    try {
      second = (
        await b.write((tx) =>
          tx.events.append({ type: 'order.fast', workspace_id: ws, payload: {} }),
        )
      ).cursor;
      assert.ok(second > first, 'the later transaction sorts later');
      // B's event is committed, but A's may still commit below it: no read may reach past A's.
      assert.deepEqual(await mine(start), []);
      assert.ok((await reader.read.events.newestCursor()) < first, 'a tailer would start below A');
      const devUser = srv.devUser.id;
      assert.deepEqual(
        (await reader.read.events.visibleAfter(ws, devUser, start, 100)).filter((e) =>
          e.type.startsWith('order.'),
        ),
        [],
        'the pull endpoint and socket replay read the same bound',
      );
      assert.ok((await reader.read.events.visibleTail(ws, devUser)) < first);
    } finally {
      release();
    }
    assert.equal(await slow, first);
    const both = await waitFor(async () => {
      const rows = await mine(start);
      return rows.length === 2 && rows;
    });
    assert.deepEqual(
      both.map((e) => [e.type, e.cursor]),
      [
        ['order.slow', first],
        ['order.fast', second],
      ],
    );
  });

  test('cursors from before the change (ULID-based) stay valid: every later event comes after them', async () => {
    const ws = await workspaceId();
    const s = await store();
    const old = 'cur_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const e = await s.write((tx) =>
      tx.events.append({ type: 'order.after_upgrade', workspace_id: ws, payload: {} }),
    );
    assert.match(e.cursor, /^cur_[0-9a-z]{26}$/);
    assert.ok(e.cursor > old);
    const rows = await waitFor(async () => {
      const r = (await s.read.events.allAfter(old, 1000)).filter((x) => x.id === e.id);
      return r.length > 0 && r;
    });
    assert.equal(rows.length, 1);
  });

  test('a cursor base restored behind the cluster is realigned on start, so new cursors sort above stored ones', async () => {
    const ws = await workspaceId();
    const s = await store();
    const before = await s.write((tx) =>
      tx.events.append({ type: 'order.before_restore', workspace_id: ws, payload: {} }),
    );
    // As if restored into a fresh cluster: stored cursors far ahead of its transaction ids.
    await query(
      srv.dbUrl,
      `UPDATE events SET cursor = 'cur_x7' || substr(cursor, 7) WHERE id = $1`,
      [before.id],
    );
    const ahead = 'cur_x7' + before.cursor.slice(6);
    const reopened = await openStore(srv.dbUrl, { migrate: true, poolSize: 2 });
    opened.push(reopened);
    const after = await reopened.write((tx) =>
      tx.events.append({ type: 'order.after_restore', workspace_id: ws, payload: {} }),
    );
    assert.ok(after.cursor > ahead, `${after.cursor} sorts above ${ahead}`);
    const seen = await waitFor(async () => {
      const r = (await reopened.read.events.allAfter(ahead, 1000)).filter((x) => x.id === after.id);
      return r.length > 0 && r;
    });
    assert.equal(seen.length, 1);
    await query(srv.dbUrl, 'DELETE FROM events WHERE id = $1', [before.id]);
  });

  test('two writes deadlocking across nodes both commit: the one PostgreSQL aborts runs again', async () => {
    const ws = await workspaceId();
    const [a, b] = [await store(), await store()];
    const c1 = (await srv.store.read.channels.byName(ws, 'general'))!.id;
    const other = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${ws}/channels`, {
      token: (await signIn(srv, 'local@clickclack.chat')).token,
      body: { name: 'deadlock' },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const c2 = other.body.channel.id;
    const seqOf = async (id: string) => (await srv.store.read.channels.byId(id))!.last_seq;
    const [s1, s2] = [await seqOf(c1), await seqOf(c2)];
    // Each takes one channel's row lock, waits until the other holds its own, then asks for
    // the other's: a deadlock, which PostgreSQL breaks by aborting one of them.
    let aHolds!: () => void;
    let bHolds!: () => void;
    const aHeld = new Promise<void>((r) => (aHolds = r));
    const bHeld = new Promise<void>((r) => (bHolds = r));
    const results = await Promise.allSettled([
      a.write(async (tx) => {
        await tx.channels.nextSeq(c1);
        aHolds();
        await bHeld;
        return tx.channels.nextSeq(c2);
      }),
      b.write(async (tx) => {
        await tx.channels.nextSeq(c2);
        bHolds();
        await aHeld;
        return tx.channels.nextSeq(c1);
      }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled'],
      JSON.stringify(results),
    );
    // The aborted run left nothing behind: each counter moved by exactly two.
    assert.deepEqual([await seqOf(c1), await seqOf(c2)], [s1 + 2, s2 + 2]);
  });

  test('concurrent thread replies through three nodes: thread seqs unique and gapless, reply count exact', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const general = (await srv.store.read.channels.byName(ws, 'general'))!.id;
    const root = await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
      token: owner.token,
      body: { body: 'thread root' },
    });
    assert.equal(root.status, 201);
    const nodes = [srv, await node(), await node()];
    const replies = await Promise.all(
      nodes.flatMap((n, i) =>
        Array.from({ length: 10 }, (_, j) =>
          api<{ message: { thread_seq: number } }>(
            n,
            'POST',
            `/api/messages/${root.body.message.id}/thread/replies`,
            { token: owner.token, body: { body: `reply ${i}.${j}` } },
          ),
        ),
      ),
    );
    assert.deepEqual(
      [...new Set(replies.map((r) => r.status))],
      [201],
      JSON.stringify(replies.find((r) => r.status !== 201)?.body),
    );
    const seqs = replies.map((r) => r.body.message.thread_seq).sort((x, y) => x - y);
    assert.deepEqual(
      seqs,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const thread = await api<{ thread_state: { reply_count: number } }>(
      srv,
      'GET',
      `/api/messages/${root.body.message.id}/thread`,
      { token: owner.token },
    );
    assert.equal(thread.body.thread_state.reply_count, 30);
  });

  test('a last-used flush skips a session row another transaction holds instead of waiting for it', async () => {
    await signIn(srv, 'local@clickclack.chat');
    const [row] = await query<{ id: string }>(srv.dbUrl, 'SELECT id FROM sessions LIMIT 1');
    const id = row!.id;
    const holder = createPgPool(srv.dbUrl, 1);
    const client = await holder.connect();
    const s = await store();
    const seen = async () =>
      (
        await query<{ last_seen_at: string | null }>(
          srv.dbUrl,
          'SELECT last_seen_at FROM sessions WHERE id = $1',
          [id],
        )
      )[0]!.last_seen_at;
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM sessions WHERE id = $1 FOR UPDATE', [id]);
      // Answers while the row is held (a wait would hang here until the test times out).
      await s.write((tx) => tx.auth.touchSessions([id], '2001-01-01T00:00:00.000Z'));
      await client.query('ROLLBACK');
    } finally {
      client.release();
      await holder.end();
    }
    assert.notEqual(await seen(), '2001-01-01T00:00:00.000Z', 'the held row was skipped');
    await s.write((tx) => tx.auth.touchSessions([id], '2002-02-02T00:00:00.000Z'));
    assert.equal(await seen(), '2002-02-02T00:00:00.000Z', 'a free row is touched');
  });

  test('batches of posts into one channel through three nodes at once: channel seqs unique and gapless', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const general = (await srv.store.read.channels.byName(ws, 'general'))!.id;
    const start = (await srv.store.read.channels.byId(general))!.last_seq;
    const nodes = [srv, await node(), await node()];
    // Each node gathers its posts into one batch that carries the channel's counter in
    // memory: the batches of the three nodes must take their seqs one after another.
    const posts = await Promise.all(
      nodes.flatMap((n, i) =>
        Array.from({ length: 15 }, (_, j) =>
          api<{ message: { channel_seq: number } }>(
            n,
            'POST',
            `/api/channels/${general}/messages`,
            {
              token: owner.token,
              body: { body: `batched ${i}.${j}` },
            },
          ),
        ),
      ),
    );
    assert.deepEqual(
      [...new Set(posts.map((r) => r.status))],
      [201],
      JSON.stringify(posts.find((r) => r.status !== 201)?.body),
    );
    assert.deepEqual(
      posts.map((r) => r.body.message.channel_seq).sort((x, y) => x - y),
      Array.from({ length: 45 }, (_, i) => start + i + 1),
    );
    assert.equal((await srv.store.read.channels.byId(general))!.last_seq, start + 45);
  });

  test(
    "a batch holds a channel's counter only from its flush: another node's batch posts meanwhile, and the waiting batch's seqs are renumbered",
    { timeout: 30_000 },
    async () => {
      const ws = await workspaceId();
      const general = (await srv.store.read.channels.byName(ws, 'general'))!.id;
      const start = (await srv.store.read.channels.byId(general))!.last_seq;
      const [a, b] = [await store(), await store()];
      const post = (tx: Repos, seq: number, body: string) =>
        tx.events.append({
          type: 'message.created',
          workspace_id: ws,
          channel_id: general,
          seq,
          payload: { body },
        });
      // A takes its seq, then waits for B's whole batch to commit. Were the counter row locked
      // when A took its seq, B could not take one until A committed: neither would finish.
      let aTook!: () => void;
      const aHasSeq = new Promise<void>((r) => (aTook = r));
      const bCommitted = aHasSeq.then(() =>
        b.write(async (tx) => post(tx, await tx.channels.nextSeq(general), 'b'), { batched: true }),
      );
      const aEvent = await a.write(
        async (tx) => {
          const seq = await tx.channels.nextSeq(general);
          aTook();
          await bCommitted;
          return post(tx, seq, 'a');
        },
        { batched: true },
      );
      const bEvent = await bCommitted;
      assert.deepEqual([bEvent.seq, aEvent.seq], [start + 1, start + 2]);
      const stored = await query<{ id: string; seq: number }>(
        srv.dbUrl,
        'SELECT id, seq FROM events WHERE id = ANY($1) ORDER BY seq',
        [[bEvent.id, aEvent.id]],
      );
      assert.deepEqual(stored, [
        { id: bEvent.id, seq: start + 1 },
        { id: aEvent.id, seq: start + 2 },
      ]);
      assert.equal((await srv.store.read.channels.byId(general))!.last_seq, start + 2);
    },
  );

  test("batches of posts into several channels through three nodes, each in its own order: no post fails, seqs gapless per channel and equal to their events' seqs", async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const ids = [(await srv.store.read.channels.byName(ws, 'general'))!.id];
    for (const name of ['spread-1', 'spread-2']) {
      const made = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${ws}/channels`, {
        token: owner.token,
        body: { name },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      ids.push(made.body.channel.id);
    }
    const starts = await Promise.all(
      ids.map(async (id) => (await srv.store.read.channels.byId(id))!.last_seq),
    );
    const nodes = [srv, await node(), await node()];
    const posts = await Promise.all(
      nodes.flatMap((n, i) =>
        Array.from({ length: 18 }, (_, j) => {
          // Node i walks the channels forwards, backwards or from the middle.
          const channel = ids[(i === 1 ? 17 - j : j + i) % ids.length]!;
          return api<{ message: { id: string; channel_id: string; channel_seq: number } }>(
            n,
            'POST',
            `/api/channels/${channel}/messages`,
            { token: owner.token, body: { body: `spread ${i}.${j}` } },
          );
        }),
      ),
    );
    assert.deepEqual(
      [...new Set(posts.map((r) => r.status))],
      [201],
      JSON.stringify(posts.find((r) => r.status !== 201)?.body),
    );
    ids.forEach((id, k) => {
      const seqs = posts
        .map((r) => r.body.message)
        .filter((m) => m.channel_id === id)
        .map((m) => m.channel_seq)
        .sort((x, y) => x - y);
      assert.deepEqual(
        seqs,
        Array.from({ length: 18 }, (_, i) => starts[k]! + i + 1),
      );
    });
    const events = await query<{ message_id: string; seq: number }>(
      srv.dbUrl,
      "SELECT payload_json::json->>'message_id' AS message_id, seq FROM events WHERE type = 'message.created' AND payload_json::json->>'message_id' = ANY($1)",
      [posts.map((r) => r.body.message.id)],
    );
    const seqOf = new Map(posts.map((r) => [r.body.message.id, r.body.message.channel_seq]));
    assert.equal(events.length, posts.length);
    for (const e of events) assert.equal(e.seq, seqOf.get(e.message_id));
  });

  test('two nodes claiming one bot setup code at once: exactly one gets a token', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const bot = await api<{ bot: { id: string } }>(srv, 'POST', `/api/workspaces/${ws}/bots`, {
      token: owner.token,
      body: { display_name: 'Racer', handle: 'racer-bot' },
    });
    assert.equal(bot.status, 201, JSON.stringify(bot.body));
    const nodes = [srv, await node(), await node()];
    for (let round = 0; round < 3; round++) {
      const sc = await api<{ setup_code: { code: string } }>(
        srv,
        'POST',
        `/api/workspaces/${ws}/bots/${bot.body.bot.id}/setup-codes`,
        { token: owner.token, body: {} },
      );
      assert.equal(sc.status, 201);
      const claims = await Promise.all(
        nodes.map((n) =>
          api<{ token?: string }>(n, 'POST', '/api/bot-setup-codes/claim', {
            body: { code: sc.body.setup_code.code },
          }),
        ),
      );
      assert.deepEqual(
        claims.map((c) => c.status).sort(),
        [200, 404, 404],
        JSON.stringify(claims.map((c) => c.body)),
      );
    }
  });

  test('retries of one bot creation racing through three nodes make one bot (the setup nonce)', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const nodes = [srv, await node(), await node()];
    const body = { display_name: 'Node racer', setup_nonce: 'node-racer-nonce-0001' };
    const all = await Promise.all(
      [...nodes, ...nodes].map((n) =>
        api<{ bot: { id: string } }>(n, 'POST', `/api/workspaces/${ws}/bots`, {
          token: owner.token,
          body,
        }),
      ),
    );
    assert.ok(
      all.every((r) => r.status === 200 || r.status === 201),
      JSON.stringify(all.map((r) => [r.status, r.body])),
    );
    assert.equal(new Set(all.map((r) => r.body.bot.id)).size, 1);
    const bots = await query<{ n: number }>(
      srv.dbUrl,
      "SELECT count(*)::int AS n FROM users WHERE kind = 'bot' AND display_name = 'Node racer'",
    );
    assert.equal(bots[0]!.n, 1);
  });

  test('posting through two nodes while a third deletes the workspace: every post is a 201 or a 404, none outlives it', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const created = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
      token: owner.token,
      body: { name: 'Doomed Race' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ws = created.body.workspace.id;
    const channel = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${ws}/channels`, {
      token: owner.token,
      body: { name: 'race' },
    });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    const general = channel.body.channel.id;
    const nodes = [await node(), await node()];
    let deleted = false;
    const statuses: number[] = [];
    const posting = nodes.map(async (n, i) => {
      for (let j = 0; !deleted || j < 3; j++) {
        const res = await api(n, 'POST', `/api/channels/${general}/messages`, {
          token: owner.token,
          body: { body: `racing ${i}.${j}` },
        });
        statuses.push(res.status);
        if (res.status === 404) return;
      }
    });
    await waitFor(async () => statuses.length >= 6);
    const del = await api(srv, 'DELETE', `/api/workspaces/${ws}`, { token: owner.token });
    deleted = true;
    assert.equal(del.status, 204, JSON.stringify(del.body));
    await Promise.all(posting);
    assert.deepEqual([...new Set(statuses)].sort(), [201, 404], JSON.stringify(statuses));
    const left = await query<{ n: number }>(
      srv.dbUrl,
      'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1',
      [general],
    );
    assert.equal(left[0]!.n, 0);
  });

  test('signing up through one invite link on three nodes at once: no more people than its uses, no handle twice', async () => {
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await workspaceId();
    const nodes = [srv, await node(), await node()];
    const link = await api<{ token: string }>(srv, 'POST', `/api/workspaces/${ws}/invites`, {
      token: owner.token,
      body: { max_uses: 2 },
    });
    assert.equal(link.status, 201);
    const signups = await Promise.all(
      [...nodes, ...nodes].map((n, i) =>
        api<{ user: { id: string } }>(n, 'POST', `/api/invites/${link.body.token}/signup`, {
          body: { display_name: `Racer ${i}`, handle: `racer-${i}` },
        }),
      ),
    );
    assert.deepEqual(
      signups.map((r) => r.status).sort(),
      [201, 201, 409, 409, 409, 409],
      JSON.stringify(signups.map((r) => r.body)),
    );
    const unlimited = await api<{ token: string }>(srv, 'POST', `/api/workspaces/${ws}/invites`, {
      token: owner.token,
      body: { max_uses: 0 },
    });
    const same = await Promise.all(
      nodes.map((n) =>
        api(n, 'POST', `/api/invites/${unlimited.body.token}/signup`, {
          body: { display_name: 'Twin', handle: 'twin' },
        }),
      ),
    );
    assert.deepEqual(
      same.map((r) => r.status).sort(),
      [201, 409, 409],
      JSON.stringify(same.map((r) => r.body)),
    );
  });
});

describe('text PostgreSQL cannot store', { skip: SKIP }, () => {
  test('a NUL character in a body, a path or a profile is a clean 400, never a 500', async () => {
    const srv = await startTestServer();
    try {
      const owner = await signIn(srv, 'local@clickclack.chat');
      const wid = (
        await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
          token: owner.token,
        })
      ).body.workspaces[0]!.id;
      const cid = (
        await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
          token: owner.token,
        })
      ).body.channels[0]!.id;
      const nul = encodeURIComponent('x\u0000y');
      for (const res of [
        await api(srv, 'POST', `/api/channels/${cid}/messages`, {
          token: owner.token,
          body: { body: 'a\u0000b' },
        }),
        await api(srv, 'GET', `/api/channels/${nul}/messages`, { token: owner.token }),
        await api(srv, 'GET', `/api/workspaces/${nul}/channels`, { token: owner.token }),
        await api(srv, 'PATCH', '/api/me', {
          token: owner.token,
          body: { display_name: 'x\u0000y' },
        }),
      ]) {
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(String(res.body.error), /NUL/);
      }
      // The server is fine afterwards.
      const ok = await api(srv, 'POST', `/api/channels/${cid}/messages`, {
        token: owner.token,
        body: { body: 'still here' },
      });
      assert.equal(ok.status, 201);
    } finally {
      await srv.close();
    }
  });
});
