// `clickclack import slack|mattermost`: the built CLI run as a subprocess on the database of
// a running test server (SQLite, or PostgreSQL with CLICKCLACK_TEST_PG_URL), then the
// imported history read back through the REST API as the imported people, who claim their
// accounts by signing in with their email. Fixtures in fixtures/import are written from the
// published formats, messy records included.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Channel, Message } from '@clickclack/protocol';
import type { ImportSummary } from '../src/services/import/index.js';
import { api, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';
import { BIN, cleanEnv, configHome, runCli, type CliResult } from './processes.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));
const SLACK_DIR = `${FIXTURES}slack`;
const SLACK_ZIP = `${FIXTURES}slack.zip`;
const MM_ZIP = `${FIXTURES}mattermost/export.zip`;
const MM_JSONL = `${FIXTURES}mattermost/export.jsonl`;

type Summary = ImportSummary;
const importCli = (srv: TestServer, args: string[], env: Record<string, string> = {}) =>
  runCli(['import', ...args, '--db', srv.dbUrl, '--data', srv.dataDir, '--json'], { env });

function summaryOf(r: CliResult): Summary {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Summary;
}

async function channelsOf(srv: TestServer, token: string, ws: string) {
  const res = await api<{ channels: Channel[] }>(srv, 'GET', `/api/workspaces/${ws}/channels`, {
    token,
  });
  assert.equal(res.status, 200);
  return res.body.channels;
}

async function history(srv: TestServer, token: string, channelId: string) {
  const res = await api<{ messages: Message[] }>(
    srv,
    'GET',
    `/api/channels/${channelId}/messages?limit=100`,
    { token },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.messages;
}

async function pinsOf(srv: TestServer, token: string, channelId: string) {
  const res = await api<{ messages: Message[] }>(srv, 'GET', `/api/channels/${channelId}/pins`, {
    token,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.messages.map((m) => m.id);
}

async function search(srv: TestServer, token: string, ws: string, q: string) {
  const res = await api<{ results: { id: string; body: string }[] }>(
    srv,
    'GET',
    `/api/search?workspace_id=${ws}&q=${encodeURIComponent(q)}`,
    { token },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.results;
}

describe('clickclack import slack', () => {
  let srv: TestServer;
  let first: Summary;
  let ws: string;
  let alice: { token: string; userId: string };
  let carol: { token: string; userId: string };

  before(async () => {
    srv = await startTestServer();
    first = summaryOf(await importCli(srv, ['slack', SLACK_ZIP, '--workspace', 'acme']));
    ws = first.workspaces[0]!.id;
    alice = await signIn(srv, 'alice@acme.test');
    carol = await signIn(srv, 'carol@acme.test');
  });
  after(() => srv.close());

  test('the summary counts what was created and lists each bad record with its file and place', () => {
    assert.deepEqual(
      first.workspaces.map((w) => [w.name, w.created]),
      [['acme', true]],
    );
    assert.deepEqual(first.created, {
      users: 5,
      users_matched: 0,
      bots: 2,
      channels: 3,
      dms: 2,
      messages: 11,
      replies: 2,
      reactions: 6,
      files: 1,
      pins: 1,
    });
    assert.equal(first.system_messages_skipped, 2);
    assert.equal(first.orphan_replies, 1);
    const skipped = first.skipped.map((s) => `${s.where} ${s.reason}`);
    for (const want of [
      'acme-export/users.json[6] user without an id',
      'acme-export/channels.json[1] member U0NOBODY of #random',
      'acme-export/dms.json[1] direct conversation D0BROKEN',
      'acme-export/general/2023-01-02.json[5] message without a valid ts',
      'acme-export/general/2023-01-03.json unreadable day file',
      'acme-export/general/2023-01-02.json[4] author U0GHOST',
      'acme-export/general/2023-01-01.json[0] reaction 👍 by U0UNKNOWN',
    ])
      assert.ok(
        skipped.some((s) => s.startsWith(want)),
        `${want} in ${skipped.join('\n')}`,
      );
  });

  test('people claim their imported accounts by email; roles, kinds and members carried over', async () => {
    const me = await api<{ user: { handle: string; email: string } }>(srv, 'GET', '/api/me', {
      token: alice.token,
    });
    assert.equal(me.body.user.handle, 'alice');
    assert.equal(me.body.user.email, 'alice@acme.test');
    const db = sqlOf(srv);
    try {
      const roles = await db.all<{ handle: string; kind: string; role: string }>(
        `SELECT u.handle, u.kind, m.role FROM workspace_members m JOIN users u ON u.id = m.user_id
          WHERE m.workspace_id = ? AND u.handle <> '' ORDER BY u.handle`,
        ws,
      );
      assert.deepEqual(
        roles.map((r) => `${r.handle}:${r.kind}:${r.role}`),
        [
          'alice:human:owner',
          'bob:human:moderator',
          'carol:human:member',
          'deploybot:bot:bot',
          'gus:human:guest',
        ],
      );
      // Created without a credential: no identity, no password until they sign in.
      const creds = await db.get<{ n: number }>(
        `SELECT count(*) AS n FROM identities i JOIN users u ON u.id = i.user_id WHERE u.email = 'bob@acme.test'`,
      );
      assert.equal(Number(creds!.n), 0);
    } finally {
      await db.close();
    }
    const channels = await channelsOf(srv, alice.token, ws);
    const byName = new Map(channels.map((c) => [c.name, c]));
    assert.equal(byName.get('general')!.topic, 'Company-wide');
    assert.equal(byName.get('general')!.purpose, 'Announcements and chatter');
    assert.equal(byName.get('secret-plans')!.kind, 'private');
    assert.ok(byName.get('random')!.archived_at);
    // carol was not in the private channel
    assert.ok(!(await channelsOf(srv, carol.token, ws)).some((c) => c.name === 'secret-plans'));
  });

  test('channel history: time order whatever the file order, authors, times, Markdown', async () => {
    const general = (await channelsOf(srv, alice.token, ws)).find((c) => c.name === 'general')!;
    const msgs = await history(srv, alice.token, general.id);
    assert.deepEqual(
      msgs.map((m) => m.body.slice(0, 30)),
      [
        'an earlier message, listed out',
        'Thread root: welcome to the **',
        'orphan reply whose root was de',
        'Second day, @alice did you see',
        'build **passed** :white_check_',
        '_(file not in the export: budg',
      ],
    );
    const times = msgs.map((m) => m.created_at);
    assert.deepEqual([...times].sort(), times);
    assert.equal(msgs[0]!.created_at, '2023-01-01T10:46:40.000Z');
    assert.equal(msgs[0]!.author_id, alice.userId);
    assert.equal(
      msgs[1]!.body,
      'Thread root: welcome to the **new** home, see [the docs](https://example.com/docs) & ~~old~~ _notes_',
    );
    assert.equal(msgs[3]!.body, 'Second day, @alice did you see #random?');
    // Slack's `pinned_to` naming this channel: pinned here too.
    assert.deepEqual(await pinsOf(srv, alice.token, general.id), [msgs[3]!.id]);
    const seqs = msgs.map((m) => m.channel_seq);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6]);
    // A file the export holds is attached; one it only names becomes a note.
    const files = msgs[5]!;
    assert.equal(files.attachments?.[0]?.filename, 'plan.txt');
    assert.match(files.body, /file not in the export: budget\.xlsx/);
    const dl = await fetch(`${srv.url}/api/uploads/${files.attachments![0]!.id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    assert.equal(await dl.text(), 'The plan: import everything.\n');
  });

  test('threads and reactions', async () => {
    const general = (await channelsOf(srv, alice.token, ws)).find((c) => c.name === 'general')!;
    const root = (await history(srv, alice.token, general.id))[1]!;
    assert.equal(root.thread_state?.reply_count, 2);
    assert.deepEqual(
      root.reactions?.map((r) => [r.emoji, r.count]).sort(),
      [
        [':partyparrot:', 1],
        ['👍', 2],
        ['👍🏼', 1],
      ].sort(),
    );
    const thread = await api<{ replies: Message[] }>(
      srv,
      'GET',
      `/api/messages/${root.id}/thread`,
      {
        token: alice.token,
      },
    );
    assert.equal(thread.status, 200);
    assert.deepEqual(
      thread.body.replies.map((r) => r.body),
      ['first reply with `code <b>` and\n```\nlet x = 1 < 2;\n```', 'a reply on day two'],
    );
  });

  test('DMs and group DMs, visible to their members only', async () => {
    const dms = await api<{ conversations: { id: string; members: { id: string }[] }[] }>(
      srv,
      'GET',
      `/api/dms?workspace_id=${ws}`,
      { token: carol.token },
    );
    assert.equal(dms.status, 200, JSON.stringify(dms.body));
    const list = dms.body.conversations;
    assert.deepEqual(list.map((d) => d.members.length).sort(), [2, 3]);
    const one = list.find((d) => d.members.length === 2)!;
    const page = await api<{ messages: Message[] }>(srv, 'GET', `/api/dms/${one.id}/messages`, {
      token: carol.token,
    });
    assert.deepEqual(
      page.body.messages.map((m) => m.body),
      ['hi carol, private hello', 'hi alice :wave:'],
    );
    assert.deepEqual(
      page.body.messages[1]!.reactions?.map((r) => r.emoji),
      ['❤️'],
    );
    const bob = await signIn(srv, 'bob@acme.test');
    const other = await api(srv, 'GET', `/api/dms/${one.id}/messages`, { token: bob.token });
    assert.equal(other.status, 404);
  });

  test('search finds imported history at once, within what the searcher may read', async () => {
    assert.equal((await search(srv, alice.token, ws, 'quokka')).length, 1);
    assert.equal((await search(srv, alice.token, ws, 'zeppelin')).length, 1);
    assert.equal((await search(srv, carol.token, ws, 'zeppelin')).length, 0);
  });

  test('one event per conversation, none per message', async () => {
    const res = await api<{ events: { type: string }[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${ws}&limit=500`,
      { token: alice.token },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const types = res.body.events.map((e) => e.type);
    assert.ok(!types.includes('message.created') && !types.includes('thread.reply_created'));
    assert.ok(!types.includes('reaction.added'));
    assert.ok(types.filter((t) => t === 'channel.created').length >= 2);
    assert.ok(types.length <= 12, types.join(','));
  });

  test('a re-run adds nothing; a dry run writes nothing', async () => {
    const again = summaryOf(await importCli(srv, ['slack', SLACK_DIR, '--workspace', 'acme']));
    assert.deepEqual(Object.values(again.created), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(again.already_imported >= 13);
    const dry = summaryOf(
      await importCli(srv, ['slack', SLACK_DIR, '--workspace', 'other', '--dry-run']),
    );
    assert.equal(dry.dry_run, true);
    assert.equal(dry.created.messages, 11);
    // The same people: known from the first run, so nobody would be created again.
    assert.equal(dry.created.users, 0);
    const list = await api<{ workspaces: { slug: string }[] }>(srv, 'GET', '/api/workspaces', {
      token: alice.token,
    });
    assert.ok(!list.body.workspaces.some((w) => w.slug === 'other'));
  });

  test('a progress bar on a terminal, one line elsewhere', async () => {
    const args = ['import', 'slack', SLACK_DIR, '--workspace', 'acme', '--dry-run'];
    const plain = await runCli([...args, '--db', srv.dbUrl]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!plain.stderr.includes('\r'));
    assert.match(plain.stderr, /day files: (\d+)\/\1 /);
    // `script` runs the binary on a pseudo-terminal: stderr is a TTY there.
    const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
    const line = [process.execPath, BIN, ...args, '--db', srv.dbUrl].map(quote).join(' ');
    const tty = spawnSync('script', ['-qec', line, '/dev/null'], {
      encoding: 'utf8',
      env: cleanEnv(configHome()),
    });
    assert.equal(tty.status, 0, tty.stdout);
    assert.match(tty.stdout, /\rday files +\[#+\] (\d+)\/\1 100%/);
  });

  test('--workspace is required for Slack; a missing export is a clear error', async () => {
    const r = await runCli(['import', 'slack', SLACK_DIR, '--db', srv.dbUrl]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--workspace is required/);
    const m = await runCli([
      'import',
      'slack',
      `${FIXTURES}nope`,
      '--workspace',
      'x',
      '--db',
      srv.dbUrl,
    ]);
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, /does not exist/);
  });
});

describe('clickclack import: an import killed half-way completes on re-run', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test('no duplicates, everything numbered in time order', async () => {
    const killed = await importCli(
      srv,
      ['slack', SLACK_DIR, '--workspace', 'acme', '--batch-size', '3'],
      {
        CLICKCLACK_IMPORT_TEST_KILL_AFTER_BATCHES: '2',
      },
    );
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const rerun = summaryOf(
      await importCli(srv, ['slack', SLACK_DIR, '--workspace', 'acme', '--batch-size', '3']),
    );
    assert.ok(rerun.already_imported > 0);
    assert.equal(rerun.created.messages + rerun.created.replies < 13, true);
    const db = sqlOf(srv);
    try {
      const rows = await db.all<{
        body: string;
        channel_seq: number | null;
        thread_seq: number | null;
        parent_message_id: string | null;
      }>(
        `SELECT m.body, m.channel_seq, m.thread_seq, m.parent_message_id FROM messages m
           JOIN workspaces w ON w.id = m.workspace_id WHERE w.slug = 'acme'`,
      );
      assert.equal(rows.length, 13);
      assert.equal(new Set(rows.map((r) => r.body)).size, 13);
      assert.ok(
        rows.every((r) =>
          r.parent_message_id === null ? r.channel_seq !== null : r.thread_seq !== null,
        ),
      );
    } finally {
      await db.close();
    }
    const alice = await signIn(srv, 'alice@acme.test');
    const ws = rerun.workspaces[0]!.id;
    const general = (await channelsOf(srv, alice.token, ws)).find((c) => c.name === 'general')!;
    const msgs = await history(srv, alice.token, general.id);
    assert.equal(msgs.length, 6);
    assert.deepEqual(
      msgs.map((m) => m.created_at),
      [...msgs.map((m) => m.created_at)].sort(),
    );
  });
});

describe('clickclack import mattermost', () => {
  let srv: TestServer;
  let first: Summary;
  let dana: { token: string; userId: string };
  let eve: { token: string; userId: string };
  let eng: string;

  before(async () => {
    srv = await startTestServer();
    // dana already has an account here: matched by email, not duplicated.
    dana = await signIn(srv, 'dana@mm.test', 'Dana Existing');
    first = summaryOf(await importCli(srv, ['mattermost', MM_ZIP]));
    eng = first.workspaces.find((w) => w.name === 'Engineering')!.id;
    eve = await signIn(srv, 'eve@mm.test');
  });
  after(() => srv.close());

  test('each team becomes a workspace; messy lines reported with their line numbers', () => {
    assert.deepEqual(first.workspaces.map((w) => w.name).sort(), ['Engineering', 'Operations']);
    assert.equal(first.created.users_matched, 1);
    assert.equal(first.created.users, 2);
    assert.equal(first.created.bots, 1);
    assert.equal(first.system_messages_skipped, 1);
    const skipped = first.skipped.map((s) => `${s.where} ${s.reason}`);
    for (const want of [
      'import.jsonl:12 user without a username',
      'import.jsonl:17 channel core does not belong to team ops',
      'import.jsonl:20 broken line',
      'import.jsonl:21 post without a valid create_at',
      'import.jsonl:13 author ghost',
      'import.jsonl:16 attachment data/files/missing.png',
      'import.jsonl:27 unknown line type',
    ])
      assert.ok(
        skipped.some((s) => s.startsWith(want)),
        `${want} in ${skipped.join('\n')}`,
      );
  });

  test('channels, history in time order, threads, reactions, attachments', async () => {
    const channels = await channelsOf(srv, dana.token, eng);
    const byName = new Map(channels.map((c) => [c.name, c]));
    assert.equal(byName.get('town-square')!.topic, 'Welcome, engineers');
    assert.equal(byName.get('core')!.kind, 'private');
    const msgs = await history(srv, dana.token, byName.get('town-square')!.id);
    assert.deepEqual(
      msgs.map((m) => m.body.split('\n')[0]),
      [
        'an earlier post listed later',
        'Welcome to **Mattermost** history, marmalade',
        'deploy finished',
      ],
    );
    assert.equal(msgs[1]!.author_id, dana.userId);
    assert.equal(msgs[1]!.created_at, new Date(1700000100000).toISOString());
    assert.equal(msgs[1]!.thread_state?.reply_count, 2);
    assert.deepEqual(
      msgs[1]!.reactions?.map((r) => r.emoji).sort(),
      [':custom_parrot:', '🎉'].sort(),
    );
    assert.deepEqual(await pinsOf(srv, dana.token, byName.get('town-square')!.id), [msgs[2]!.id]);
    const report = msgs[2]!.attachments?.[0];
    assert.equal(report?.filename, 'report.txt');
    const dl = await fetch(`${srv.url}/api/uploads/${report!.id}`, {
      headers: { authorization: `Bearer ${eve.token}` },
    });
    assert.equal(await dl.text(), 'deploy report: all green\n');
    const thread = await api<{ replies: Message[] }>(
      srv,
      'GET',
      `/api/messages/${msgs[1]!.id}/thread`,
      { token: eve.token },
    );
    assert.deepEqual(
      thread.body.replies.map((r) => r.body),
      ['glad to be here', 'second reply'],
    );
    assert.deepEqual(
      thread.body.replies[0]!.reactions?.map((r) => r.emoji),
      ['👍'],
    );
  });

  test('DMs with threads, group DMs, and search', async () => {
    const dms = await api<{ conversations: { id: string; members: unknown[] }[] }>(
      srv,
      'GET',
      `/api/dms?workspace_id=${eng}`,
      { token: eve.token },
    );
    assert.deepEqual(dms.body.conversations.map((d) => d.members.length).sort(), [2, 3]);
    const one = dms.body.conversations.find((d) => d.members.length === 2)!;
    const page = await api<{ messages: Message[] }>(srv, 'GET', `/api/dms/${one.id}/messages`, {
      token: eve.token,
    });
    assert.equal(page.body.messages[0]!.body, 'psst dana, a direct quince');
    assert.equal(page.body.messages[0]!.thread_state?.reply_count, 1);
    assert.equal((await search(srv, dana.token, eng, 'marmalade')).length, 1);
    assert.equal((await search(srv, dana.token, eng, 'quince')).length, 1);
    assert.equal((await search(srv, eve.token, eng, 'nebula')).length, 1);
  });

  test('the .jsonl alone: a re-run of the same posts adds nothing (files become notes only when new)', async () => {
    const again = summaryOf(await importCli(srv, ['mattermost', MM_JSONL]));
    assert.equal(again.created.messages + again.created.replies, 0);
    assert.ok(again.already_imported > 0);
  });

  test('--workspace puts every team into one workspace', async () => {
    const one = summaryOf(await importCli(srv, ['mattermost', MM_JSONL, '--workspace', 'merged']));
    assert.deepEqual(
      one.workspaces.map((w) => w.name),
      ['merged'],
    );
    const channels = await channelsOf(srv, dana.token, one.workspaces[0]!.id);
    assert.deepEqual(
      channels
        .map((c) => c.name)
        .filter((n) => n !== 'general')
        .sort(),
      ['core', 'incidents', 'old-stuff', 'town-square'],
    );
  });
});
