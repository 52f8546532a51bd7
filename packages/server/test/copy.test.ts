// `clickclack copy`: a SQLite database filled through the real HTTP server, copied by the
// built CLI into fresh PostgreSQL databases, then served from PostgreSQL by `clickclack serve`.
import assert from 'node:assert/strict';
import type { ChannelResponse, DmResponse, Event, Message } from '@clickclack/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEV_USER } from '../src/cli/server/serve.js';
import { ensureBootstrap } from '../src/services/account/users.js';
import { openStore } from '../src/store/open.js';
import { opsDeps } from '../src/services/ops-deps.js';
import {
  TEST_PG_URL,
  api,
  createPgTestDatabase,
  dropPgTestDatabase,
  startTestServer,
  team,
  type Team,
  type TestServer,
} from './helpers.js';
import { runCli, startServer } from './processes.js';

const SKIP = TEST_PG_URL
  ? false
  : 'CLICKCLACK_TEST_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test): copy tests skipped';

/** `clickclack …` run to its end (a kill included), without the developer's CLICKCLACK_*. */
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

/** `clickclack serve` on the copied database. */
const serve = (db: string, uploads: string) =>
  startServer({ args: ['--db', db, '--uploads', uploads] });

/** Row counts of every copied table in the SQLite source. */
function sqliteCounts(path: string, tables: string[]): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(
      tables.map((t) => [
        t,
        (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n,
      ]),
    );
  } finally {
    db.close();
  }
}

async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function pgCounts(url: string, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t] = Number((await pgQuery<{ n: string }>(url, `SELECT count(*) AS n FROM "${t}"`))[0]!.n);
  return out;
}

describe('clickclack copy (SQLite → PostgreSQL)', { skip: SKIP }, () => {
  let src: TestServer;
  let t: Team;
  let sourcePath: string;
  let secret: string;
  let rootId: string;
  let dmId: string;
  let botToken: string;
  let uploadId: string;
  let oldCursor: string;
  let eventsAfter: string[];
  let tables: string[];
  const pgDirs: string[] = [];
  const newTarget = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-copy-target-'));
    pgDirs.push(dir);
    return createPgTestDatabase(dir);
  };

  before(async () => {
    src = await startTestServer({ sqlite: true });
    t = await team(src, [
      ['alice@copy.io', 'Alice'],
      ['bob@copy.io', 'Bob'],
    ]);
    const [alice, bob] = t.members as [Team['owner'], Team['owner']];
    const wid = t.workspaceId;
    const post = async (token: string, channel: string, body: string) =>
      (
        await api<{ message: Message; event: Event }>(
          src,
          'POST',
          `/api/channels/${channel}/messages`,
          {
            token,
            body: { body },
          },
        )
      ).body;
    secret = (
      await api<ChannelResponse>(src, 'POST', `/api/workspaces/${wid}/channels`, {
        token: t.owner.token,
        body: { name: 'secret-plans', kind: 'private' },
      })
    ).body.channel.id;
    for (let i = 0; i < 25; i++) await post(alice.token, t.generalId, `general chatter ${i}`);
    await post(t.owner.token, secret, 'the quarterly zeppelin budget');
    const root = await post(alice.token, t.generalId, 'thread root about deployments');
    rootId = root.message.id;
    for (const [who, body] of [
      [bob, 'first reply'],
      [alice, 'second reply'],
      [bob, 'third reply'],
    ] as const)
      await api(src, 'POST', `/api/messages/${rootId}/thread/replies`, {
        token: who.token,
        body: { body },
      });
    await api(src, 'POST', `/api/messages/${rootId}/reactions`, {
      token: bob.token,
      body: { emoji: '👍' },
    });
    await api(src, 'POST', `/api/messages/${rootId}/reactions`, {
      token: alice.token,
      body: { emoji: ':tada:' },
    });
    await api(src, 'POST', `/api/channels/${t.generalId}/pins`, {
      token: alice.token,
      body: { message_id: rootId },
    });
    const dm = await api<DmResponse>(src, 'POST', '/api/dms', {
      token: alice.token,
      body: { workspace_id: wid, member_ids: [bob.userId] },
    });
    dmId = dm.body.conversation.id;
    await api(src, 'POST', `/api/dms/${dmId}/messages`, {
      token: alice.token,
      body: { body: 'psst, a direct hello' },
    });
    const bot = await api<{ bot_token: { token: string } }>(
      src,
      'POST',
      `/api/workspaces/${wid}/bots`,
      {
        token: t.owner.token,
        body: {
          display_name: 'Deployer',
          handle: 'deployer',
          scopes: ['bot:read', 'messages:write'],
        },
      },
    );
    botToken = bot.body.bot_token.token;
    const form = new FormData();
    form.append(
      'file',
      new Blob([Buffer.from('hello upload\n')], { type: 'text/plain' }),
      'note.txt',
    );
    const up = await fetch(`${src.url}/api/uploads?workspace_id=${wid}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}` },
      body: form,
    });
    uploadId = ((await up.json()) as { upload: { id: string } }).upload.id;
    // A client's realtime cursor, then more events after it.
    oldCursor = (
      await api<{ tail_cursor: string }>(
        src,
        'GET',
        `/api/realtime/events?workspace_id=${wid}&limit=1`,
        { token: t.owner.token },
      )
    ).body.tail_cursor;
    for (let i = 0; i < 5; i++) await post(bob.token, t.generalId, `after the cursor ${i}`);
    await post(t.owner.token, secret, 'private after the cursor');
    eventsAfter = (
      await api<{ events: Event[] }>(
        src,
        'GET',
        `/api/realtime/events?workspace_id=${wid}&after_cursor=${oldCursor}&limit=500`,
        { token: t.owner.token },
      )
    ).body.events.map((e) => e.cursor);
    assert.ok(eventsAfter.length >= 6);
    await src.stop();
    sourcePath = join(src.dataDir, 'clickclack.db');
    const db = new Database(sourcePath, { readonly: true });
    tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%' AND name <> 'schema_migrations' ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    db.close();
  });

  after(async () => {
    for (const dir of pgDirs) {
      await dropPgTestDatabase(dir);
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(src.dataDir, { recursive: true, force: true });
  });

  test('copies everything; serve on PostgreSQL sees the same data, search and cursors', async () => {
    const target = await newTarget();
    const run = await cli(['copy', '--from', `sqlite://${sourcePath}`, '--to', target]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /copy complete: \d+ tables, row counts verified/);
    // Not a TTY: one line per table, no `\r` bar.
    assert.match(run.stderr, /^messages: \d+\/\d+ rows copied$/m);
    assert.ok(!run.stderr.includes('\r'));
    assert.deepEqual(await pgCounts(target, tables), sqliteCounts(sourcePath, tables));
    // Values are identical (timestamps, seqs, cursors).
    const srcDb = new Database(sourcePath, { readonly: true });
    const srcMsgs = srcDb
      .prepare('SELECT id, body, channel_seq, thread_seq, created_at FROM messages ORDER BY id')
      .all();
    const srcEvents = srcDb
      .prepare('SELECT id, cursor, seq, created_at FROM events ORDER BY id')
      .all();
    srcDb.close();
    const pgMsgs = await pgQuery(
      target,
      'SELECT id, body, channel_seq, thread_seq, created_at FROM messages ORDER BY id',
    );
    const pgEvents = await pgQuery(
      target,
      'SELECT id, cursor, seq, created_at FROM events ORDER BY id',
    );
    const norm = (rows: Record<string, unknown>[]) =>
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'string' && /^\d+$/.test(v) && k.endsWith('seq') ? Number(v) : v,
          ]),
        ),
      );
    assert.deepEqual(norm(pgMsgs), norm(srcMsgs as Record<string, unknown>[]));
    assert.deepEqual(norm(pgEvents), norm(srcEvents as Record<string, unknown>[]));

    const node = await serve(target, join(src.dataDir, 'uploads'));
    try {
      const get = async <T>(path: string, token: string) => {
        const res = await fetch(node.url + path, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200, `${path}: ${res.status}`);
        return (await res.json()) as T;
      };
      const [alice, bob] = t.members as [Team['owner'], Team['owner']];
      // Sessions were copied: the same tokens still sign in.
      const general = await get<{ messages: Message[] }>(
        `/api/channels/${t.generalId}/messages?limit=100`,
        alice.token,
      );
      assert.ok(general.messages.some((m) => m.body === 'general chatter 7'));
      const thread = await get<{
        replies: { body: string; thread_seq: number }[];
        thread_state: { reply_count: number };
      }>(`/api/messages/${rootId}/thread`, bob.token);
      assert.deepEqual(
        thread.replies.map((r) => [r.thread_seq, r.body]),
        [
          [1, 'first reply'],
          [2, 'second reply'],
          [3, 'third reply'],
        ],
      );
      assert.equal(thread.thread_state.reply_count, 3);
      const rx = await get<{ reactions: { emoji: string; user_ids: string[] }[] }>(
        `/api/messages/${rootId}/reactions`,
        alice.token,
      );
      assert.deepEqual(rx.reactions.map((r) => r.emoji).sort(), [':tada:', '👍'].sort());
      const pins = await get<{ messages: Message[] }>(
        `/api/channels/${t.generalId}/pins`,
        bob.token,
      );
      assert.deepEqual(
        pins.messages.map((m) => m.id),
        [rootId],
      );
      const dm = await get<{ messages: Message[] }>(`/api/dms/${dmId}/messages`, bob.token);
      assert.ok(dm.messages.some((m) => m.body === 'psst, a direct hello'));
      // The private channel stays private.
      const secretRes = await fetch(`${node.url}/api/channels/${secret}/messages`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      assert.ok(secretRes.status === 403 || secretRes.status === 404);
      // The bot token (only its hash was copied) authenticates.
      const me = await get<{ user: { display_name: string } }>('/api/me', botToken);
      assert.equal(me.user.display_name, 'Deployer');
      // The upload's metadata was copied; its bytes come from the shared uploads directory.
      const file = await fetch(`${node.url}/api/uploads/${uploadId}`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      assert.equal(file.status, 200);
      assert.equal(await file.text(), 'hello upload\n');
      // PostgreSQL full-text search finds copied messages (stemmed).
      const found = await get<{ results: { id: string }[] }>(
        `/api/search?workspace_id=${t.workspaceId}&q=deployment`,
        alice.token,
      );
      assert.ok(found.results.some((r) => r.id === rootId));
      const zeppelin = await get<{ results: unknown[] }>(
        `/api/search?workspace_id=${t.workspaceId}&q=zeppelin`,
        bob.token,
      );
      assert.equal(zeppelin.results.length, 0, 'private channel hidden from non-members');
      // A client resuming from its old cursor gets exactly the events after it.
      const events = await get<{ events: Event[] }>(
        `/api/realtime/events?workspace_id=${t.workspaceId}&after_cursor=${oldCursor}&limit=500`,
        t.owner.token,
      );
      assert.deepEqual(
        events.events.map((e) => e.cursor),
        eventsAfter,
      );
      // New writes on PostgreSQL get cursors after every copied one.
      const sent = await fetch(`${node.url}/api/channels/${t.generalId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'first message on postgres' }),
      });
      assert.equal(sent.status, 201);
      const posted = (await sent.json()) as { event: Event; message: Message };
      assert.ok(posted.event.cursor > eventsAfter[eventsAfter.length - 1]!);
      const maxSeq = Math.max(...general.messages.map((m) => m.channel_seq ?? 0));
      assert.equal(posted.message.channel_seq, maxSeq + 1);
    } finally {
      await node.cleanup();
    }

    // Copying again into the (now written) target: already complete, nothing done.
    const again = await cli(['copy', '--from', sourcePath, '--to', target]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already complete; nothing to do/);
  });

  test('refuses a target that holds unrelated data', async () => {
    const target = await newTarget();
    const store = await openStore(target, { migrate: true });
    await ensureBootstrap(opsDeps(store), DEV_USER);
    await store.close();
    const before = await pgCounts(target, tables);
    const run = await cli(['copy', '--from', sourcePath, '--to', target]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /is not empty \(rows in .*users/);
    assert.deepEqual(await pgCounts(target, tables), before, 'nothing written');
  });

  test('an interrupted copy resumes where it stopped and finishes with equal counts', async () => {
    const target = await newTarget();
    const killed = await cli(['copy', '--from', sourcePath, '--to', target, '--batch-size', '3'], {
      CLICKCLACK_COPY_TEST_KILL_AFTER_BATCHES: '12',
    });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const partial = await pgCounts(target, tables);
    const full = sqliteCounts(sourcePath, tables);
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    assert.ok(sum(partial) > 0 && sum(partial) < sum(full), 'stopped part way');
    const progress = await pgQuery<{ done: string }>(
      target,
      "SELECT done FROM copy_progress WHERE table_name = '*'",
    );
    assert.equal(Number(progress[0]!.done), 0);
    // Killed again later in the run, then resumed to the end.
    const killedAgain = await cli(
      ['copy', '--from', sourcePath, '--to', target, '--batch-size', '3'],
      { CLICKCLACK_COPY_TEST_KILL_AFTER_BATCHES: '7' },
    );
    assert.equal(killedAgain.signal, 'SIGKILL', killedAgain.stderr);
    assert.match(killedAgain.stderr, /resuming the interrupted copy/);
    const resumed = await cli(['copy', '--from', sourcePath, '--to', target, '--batch-size', '3']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming the interrupted copy/);
    assert.match(resumed.stderr, /copy complete/);
    assert.deepEqual(await pgCounts(target, tables), full);
    const done = await cli(['copy', '--from', sourcePath, '--to', target]);
    assert.equal(done.code, 0);
    assert.match(done.stderr, /already complete/);
    // Another source into the same target: refused, not mixed.
    const otherDir = mkdtempSync(join(tmpdir(), 'cc-copy-other-'));
    try {
      const other = `sqlite://${join(otherDir, 'other.db')}`;
      assert.equal((await cli(['migrate', '--db', other])).code, 0);
      const mixed = await cli(['copy', '--from', other, '--to', target]);
      assert.notEqual(mixed.code, 0);
      assert.match(mixed.stderr, /holds a copy from .*refusing to mix them/);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
