import { parseWriteLimits } from '../src/config/write-limits.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  DmResponse,
  MessageResponse,
  SearchResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';
import { mintInvite } from '../src/services/invites/invites.js';
import { createBot } from '../src/services/bots/bots.js';

type U = { token: string; userId: string };
type Page = SearchResponse;

let srv: TestServer;
let a: U, b: U, outsider: U;
let wid: string;
let general: string;
let secret: string;
let dm: string;
const ids: Record<string, string> = {};

before(async () => {
  // One user posts over a thousand messages to fill a haystack.
  srv = await startTestServer({ writeLimits: parseWriteLimits('messages=5000/1m') });
  a = await signIn(srv, 'local@clickclack.chat');
  wid = (await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', { token: a.token })).body
    .workspaces[0]!.id;
  b = await signIn(srv, 'b@x.io', 'B');
  outsider = await signIn(srv, 'o@x.io', 'O');
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: a.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: b.token });
  general = (
    await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
      token: a.token,
    })
  ).body.channels[0]!.id;
  secret = (
    await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: a.token,
      body: { name: 'secret', kind: 'private' },
    })
  ).body.channel.id;
  dm = (
    await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: a.token,
      body: { workspace_id: wid, member_ids: [b.userId] },
    })
  ).body.conversation.id;
  const post = async (key: string, path: string, body: string, token = a.token) => {
    ids[key] = (
      await api<MessageResponse>(srv, 'POST', path, { token, body: { body } })
    ).body.message.id;
  };
  await post(
    'deploy',
    `/api/channels/${general}/messages`,
    'The deploy of the rocket is scheduled for Friday',
  );
  await post(
    'deploying',
    `/api/channels/${general}/messages`,
    'Deploying rockets takes patience',
    b.token,
  );
  await post('hidden', `/api/channels/${secret}/messages`, 'Secret rocket plans');
  await post('dm', `/api/dms/${dm}/messages`, 'a private rocket chat');
  ids.reply = (
    await api<MessageResponse>(srv, 'POST', `/api/messages/${ids.deploy}/thread/replies`, {
      token: b.token,
      body: { body: 'rocket reply in thread' },
    })
  ).body.message.id;
});
after(() => srv.close());

const find = (token: string, q: string, extra = '') =>
  api<Page>(srv, 'GET', `/api/search?workspace_id=${wid}&q=${encodeURIComponent(q)}${extra}`, {
    token,
  });

test('stemmed matches, snippets with code-point highlights, replies and thread counts', async () => {
  const res = await find(a.token, 'deploy');
  assert.equal(res.status, 200);
  const got = res.body.results.map((r) => r.id);
  assert.ok(got.includes(ids.deploy!) && got.includes(ids.deploying!));
  const hit = res.body.results.find((r) => r.id === ids.deploy)!;
  assert.equal(hit.channel_name, 'general');
  assert.equal(hit.reply_count, 1);
  const h = hit.highlights[0]!;
  assert.equal([...hit.snippet].slice(h.start, h.end).join(''), 'deploy');
  assert.ok(!hit.snippet.includes('\u0002'));
  const reply = (await find(a.token, 'reply')).body.results[0]!;
  assert.equal(reply.parent_message_id, ids.deploy);
  const thread = await find(a.token, 'rocket', `&thread_root_id=${ids.deploy}`);
  assert.deepEqual(thread.body.results.map((r) => r.id).sort(), [ids.deploy, ids.reply].sort());
});

test('results only from channels and DMs the caller can read', async () => {
  const mine = (await find(a.token, 'rocket')).body.results.map((r) => r.id);
  assert.ok(mine.includes(ids.hidden!) && mine.includes(ids.dm!));
  const theirs = (await find(b.token, 'rocket')).body.results.map((r) => r.id);
  assert.ok(!theirs.includes(ids.hidden!), 'private channel hidden from non-members');
  assert.ok(theirs.includes(ids.dm!), 'DM visible to its member');
  assert.equal((await find(outsider.token, 'rocket')).status, 404);
  assert.equal((await find(b.token, 'rocket', `&channel_id=${secret}`)).status, 404);
  const onlyDm = await find(b.token, 'rocket', `&direct_conversation_id=${dm}`);
  assert.deepEqual(
    onlyDm.body.results.map((r) => r.id),
    [ids.dm],
  );
  assert.equal((await find(outsider.token, 'rocket', `&direct_conversation_id=${dm}`)).status, 404);
  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: a.userId,
    displayName: 'Searcher',
    scopes: 'messages:read',
  });
  const botHits = (await find(bot.token, 'rocket')).body.results.map((r) => r.id);
  assert.ok(!botHits.includes(ids.dm!), 'bots without dms:read see no DMs');
  const noScope = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: a.userId,
    displayName: 'Blind',
    scopes: 'channels:read',
  });
  assert.equal((await find(noScope.token, 'rocket')).status, 403);
});

test('edits re-index, deletes drop out, filters and paging', async () => {
  const m = (
    await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
      token: a.token,
      body: { body: 'kumquat season' },
    })
  ).body.message.id;
  const first = await find(a.token, 'kumquat');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(
    first.body.results.map((r) => r.id),
    [m],
  );
  await api(srv, 'PATCH', `/api/messages/${m}`, {
    token: a.token,
    body: { body: 'persimmon season' },
  });
  assert.deepEqual((await find(a.token, 'kumquat')).body.results, []);
  const edited = await find(a.token, 'persimmon');
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.deepEqual(
    edited.body.results.map((r) => r.id),
    [m],
  );
  await api(srv, 'DELETE', `/api/messages/${m}`, { token: a.token });
  assert.deepEqual((await find(a.token, 'persimmon')).body.results, []);
  if (srv.store.dialect === 'sqlite') {
    // The external-content FTS5 index still mirrors the messages table exactly.
    const db = sqlOf(srv);
    await db.run("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
    await db.close();
  }
  assert.deepEqual(
    (await find(a.token, 'rocket', `&author_id=${b.userId}`)).body.results.map((r) => r.id).sort(),
    [ids.deploying, ids.dm === undefined ? '' : ids.reply].sort(),
  );
  assert.deepEqual((await find(a.token, 'rocket', '&before=2000-01-01')).body.results, []);
  const p1 = await find(a.token, 'rocket', '&limit=2&sort=newest');
  assert.equal(p1.body.results.length, 2);
  assert.ok(p1.body.next_cursor);
  const p2 = await find(a.token, 'rocket', `&limit=2&sort=newest&cursor=${p1.body.next_cursor}`);
  const all = [...p1.body.results, ...p2.body.results].map((r) => r.id);
  assert.equal(new Set(all).size, all.length);
  assert.equal((await find(a.token, 'other', `&cursor=${p1.body.next_cursor}`)).status, 400);
  assert.equal((await find(a.token, 'rocket', '&sort=random')).status, 400);
  assert.equal((await find(a.token, 'rocket', '&limit=0')).status, 400);
});

test('hostile input never reaches FTS syntax: 200 or a clean 400, never 500', async () => {
  for (const q of [
    '"',
    '""',
    '*',
    'rock*',
    'NEAR(',
    'NEAR(a b',
    '-',
    '- rocket',
    '(((',
    ')',
    'a OR b',
    'body:rocket',
    '^rocket',
    'rocket"',
    "'; DROP TABLE messages; --",
    '\u0000',
    '🚀',
    '   ',
  ]) {
    const res = await find(a.token, q);
    assert.equal(res.status, 200, JSON.stringify(q));
    assert.ok(Array.isArray(res.body.results));
  }
  const huge = await find(a.token, 'rocket '.repeat(1500));
  assert.equal(huge.status, 400);
  assert.match(String((huge.body as unknown as { error: string }).error), /too long/);
  const many = await find(a.token, Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '));
  assert.equal(many.status, 400);
});

test('relevance ranks the newest 1,000 visible matches and pages them without repeats; newest reaches all', async () => {
  const channel = (
    await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: a.token,
      body: { name: 'haystack' },
    })
  ).body.channel.id;
  const total = 1010;
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, total - i) }, (_, k) =>
        api(srv, 'POST', `/api/channels/${channel}/messages`, {
          token: a.token,
          body: { body: `needle number ${i + k}` },
        }),
      ),
    );
  }
  const walk = async (sort: string) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs = new URLSearchParams({ workspace_id: wid, q: 'needle', sort, limit: '100' });
      if (cursor) qs.set('cursor', cursor);
      const page = await api<Page>(srv, 'GET', `/api/search?${qs}`, { token: b.token });
      assert.equal(page.status, 200);
      seen.push(...page.body.results.map((r) => r.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    return seen;
  };
  const relevance = await walk('relevance');
  assert.equal(relevance.length, 1000);
  assert.equal(new Set(relevance).size, 1000);
  const newest = await walk('newest');
  assert.equal(newest.length, total);
  assert.equal(new Set(newest).size, total);
  // The ranked window is the newest matches: the oldest ten are only reachable by date.
  const oldest = new Set(newest.slice(-10));
  assert.ok(relevance.every((id) => !oldest.has(id)));
});

test('a guest finds nothing outside the guest channel', async () => {
  const guest = await signIn(srv, 'guest@x.io', 'G');
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: a.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: guest.token });
  const made = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${guest.userId}`, {
    token: a.token,
    body: { role: 'guest' },
  });
  assert.equal(made.status, 200);
  assert.equal(
    (await api(srv, 'GET', `/api/channels/${general}/messages`, { token: guest.token })).status,
    404,
  );
  const res = await find(guest.token, 'rocket');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.results, []);
  assert.ok((await find(b.token, 'rocket')).body.results.length > 0);
});

/** The ids `q` finds for `a`, each search answered 200. */
const found = async (q: string): Promise<string[]> => {
  const res = await find(a.token, q);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.results.map((r) => r.id);
};

/** Messages in accented and plain spellings, for the accent-folding tests. */
const accented = async (): Promise<Record<string, string>> => {
  const made: Record<string, string> = {};
  for (const [key, body] of [
    ['cafeAccent', 'Meet me at the Café downstairs'],
    ['cafePlain', 'the cafe upstairs is closed'],
    ['brulee', 'Dessert tonight: crème brûlée for everyone'],
    ['bruleePlain', 'no creme brulee left'],
  ] as const)
    made[key] = (
      await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
        token: a.token,
        body: { body },
      })
    ).body.message.id;
  return made;
};

test('accents fold both ways: "cafe" finds "Café", "creme brulee" finds "crème brûlée", and the reverse', async () => {
  const m = await accented();
  const both = (x: string, y: string) => [x, y].sort();
  assert.deepEqual((await found('cafe')).sort(), both(m.cafeAccent!, m.cafePlain!));
  assert.deepEqual((await found('Café')).sort(), both(m.cafeAccent!, m.cafePlain!));
  assert.deepEqual((await found('creme brulee')).sort(), both(m.brulee!, m.bruleePlain!));
  assert.deepEqual((await found('crème brûlée')).sort(), both(m.brulee!, m.bruleePlain!));
  assert.deepEqual(await found('crêpe'), [], 'an accented word matches its own letters only');
  // The highlight covers the word as it was written.
  const hit = (await find(a.token, 'cafe')).body.results.find((r) => r.id === m.cafeAccent)!;
  const h = hit.highlights[0]!;
  assert.equal([...hit.snippet].slice(h.start, h.end).join(''), 'Café');
});

test('on PostgreSQL, migration 0041 makes messages written before it accent-insensitive', async (t) => {
  if (srv.store.dialect !== 'postgres') {
    t.skip('PostgreSQL only: FTS5 folded accents from the start (migration 0009)');
    return;
  }
  const before = await accented();
  // Back to the database as it was before 0041, these messages already in it.
  const db = sqlOf(srv);
  try {
    await db.run(
      `ALTER TEXT SEARCH CONFIGURATION clickclack_search
         ALTER MAPPING FOR word, hword, hword_part WITH clickclack_stem`,
    );
    await db.run(
      'ALTER TEXT SEARCH CONFIGURATION clickclack_search ALTER MAPPING FOR numword, numhword, hword_numpart WITH simple',
    );
    await db.run('REINDEX INDEX messages_search');
    await db.run('DROP TABLE bus_payloads');
    await db.run("DELETE FROM schema_migrations WHERE name = '0041_bus_payloads_unaccent.sql'");
  } finally {
    await db.close();
  }
  const unfolded = await found('creme brulee');
  assert.ok(unfolded.includes(before.bruleePlain!));
  assert.ok(!unfolded.includes(before.brulee!), 'not folded before 0041');
  // A restart migrates the database again.
  await srv.stop();
  srv = await startTestServer({
    dataDir: srv.dataDir,
    writeLimits: parseWriteLimits('messages=5000/1m'),
  });
  const again = await found('creme brulee');
  assert.ok(again.includes(before.brulee!) && again.includes(before.bruleePlain!));
  assert.ok((await found('café')).includes(before.cafeAccent!));
});
