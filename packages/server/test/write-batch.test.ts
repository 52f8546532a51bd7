import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  DmResponse,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { after, before, test } from 'node:test';
import { mintInvite } from '../src/services/invites/invites.js';
import { postMessage, type PostPlace } from '../src/services/messages/post.js';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';

let srv: TestServer;
let owner: { token: string; userId: string };
let member: { token: string; userId: string };
let general: string;
let dm: string;
let root: string;

before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  member = await signIn(srv, 'batch@x.io', 'Batch');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  const wid = ws.body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
  const chs = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
  });
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
  const d = await api<DmResponse>(srv, 'POST', '/api/dms', {
    token: owner.token,
    body: { workspace_id: wid, member_ids: [member.userId] },
  });
  dm = d.body.conversation.id;
  const r = await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
    token: owner.token,
    body: { body: 'thread root' },
  });
  root = r.body.message.id;
  await api(srv, 'PATCH', '/api/me', { token: owner.token, body: { handle: 'batchowner' } });
});

after(() => srv.close());

const handleOf = async (id: string) => (await srv.deps.store.read.users.byId(id))!.handle;

/**
 * Posts `n` messages of every kind at once (channel roots with a nonce and an @mention, DM
 * roots, thread replies), so they share one group commit; returns that commit's size and
 * its INSERT/UPDATE/DELETE statements.
 */
async function postTogether(n: number, tag: string): Promise<{ size: number; writes: number }> {
  const commits: { size: number; writes: number }[] = [];
  srv.deps.store.observeCommits((size, _seconds, writes) => commits.push({ size, writes }));
  const user = (await srv.deps.store.read.users.byId(member.userId))!;
  const handle = await handleOf(owner.userId);
  const places: PostPlace[] = [
    { kind: 'channel', channelId: general },
    { kind: 'dm', dmId: dm },
    { kind: 'reply', rootId: root },
  ];
  const posted = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      postMessage(srv.deps, { kind: 'human', user, via: 'bearer' }, places[i % places.length]!, {
        body: `${tag} ${i} @${handle}`,
        nonce: `${tag}-${i}`,
      }),
    ),
  );
  assert.ok(posted.every((p) => p.created));
  // They share one commit (a write of the server's own, a usage flush, may join it).
  const commit = commits.find((c) => c.size >= n);
  assert.ok(commit, `the posts shared one commit: ${JSON.stringify(commits)}`);
  return commit;
}

test('a batch of posts costs the same few write statements whatever its size', async () => {
  const small = await postTogether(6, 'small');
  const large = await postTogether(60, 'large');
  // A statement per row would be ~10 per post: 60 and 600.
  assert.ok(small.writes <= 16, `small batch: ${small.writes} write statements`);
  assert.ok(
    large.writes <= small.writes + 2,
    `statements do not grow with the batch: ${small.writes} for 6 posts, ${large.writes} for 60`,
  );

  // What the batch wrote reads back like posts written one by one.
  const page = await api<{ messages: { body: string; channel_seq: number }[] }>(
    srv,
    'GET',
    `/api/channels/${general}/messages?limit=100`,
    { token: owner.token },
  );
  const seqs = page.body.messages.map((m) => m.channel_seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => seqs[0]! + i),
    'channel seqs are consecutive',
  );
  assert.equal(page.body.messages.filter((m) => m.body.startsWith('large')).length, 20);
  const thread = await api<{
    replies: { thread_seq: number }[];
    thread_state: { reply_count: number; last_reply_author_ids: string[] };
  }>(srv, 'GET', `/api/messages/${root}/thread?limit=100`, { token: owner.token });
  assert.equal(thread.body.thread_state.reply_count, 2 + 20);
  assert.deepEqual(
    thread.body.replies.map((r) => r.thread_seq),
    thread.body.replies.map((_, i) => i + 1),
  );
  assert.deepEqual(thread.body.thread_state.last_reply_author_ids, [member.userId]);
  const dmPage = await api<{ messages: { channel_seq: number }[] }>(
    srv,
    'GET',
    `/api/dms/${dm}/messages?limit=100`,
    { token: member.token },
  );
  assert.deepEqual(
    dmPage.body.messages.map((m) => m.channel_seq),
    dmPage.body.messages.map((_, i) => i + 1),
  );
  // The mentioned owner has every channel mention, roots and replies.
  const mentions = await api<{ mentions: unknown[] }>(srv, 'GET', '/api/me/mentions?limit=100', {
    token: owner.token,
  });
  assert.equal(mentions.body.mentions.length, 2 + 20 + 2 + 20);
  // A replayed nonce answers 200 with the message the batch wrote.
  const again = await api<{ message: { body: string } }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    {
      token: member.token,
      body: { body: `large 0 @${await handleOf(owner.userId)}`, nonce: 'large-0' },
    },
  );
  assert.equal(again.status, 200);
  assert.equal(again.body.message.body, 'large 0 @batchowner');
});

test('nonces in one batch, looked up together: a stored one replays, a repeat inside the batch replays its twin, a reuse with another body is a 409', async () => {
  const user = (await srv.deps.store.read.users.byId(member.userId))!;
  const actor = { kind: 'human' as const, user, via: 'bearer' as const };
  const place: PostPlace = { kind: 'channel', channelId: general };
  const stored = await postMessage(srv.deps, actor, place, { body: 'stored', nonce: 'nb-stored' });
  const commits: number[] = [];
  srv.deps.store.observeCommits((size) => commits.push(size));
  const results = await Promise.allSettled([
    postMessage(srv.deps, actor, place, { body: 'stored', nonce: 'nb-stored' }),
    postMessage(srv.deps, actor, place, { body: 'new', nonce: 'nb-new' }),
    postMessage(srv.deps, actor, place, { body: 'new', nonce: 'nb-new' }),
    postMessage(srv.deps, actor, place, { body: 'other body', nonce: 'nb-stored' }),
    postMessage(srv.deps, actor, place, { body: 'plain' }),
  ]);
  assert.ok(
    commits.some((n) => n >= 5),
    `the posts shared one commit: ${JSON.stringify(commits)}`,
  );
  const [replay, first, twin, reuse, plain] = results;
  assert.ok(replay.status === 'fulfilled' && !replay.value.created);
  assert.equal(replay.value.message.id, stored.message.id);
  assert.ok(first.status === 'fulfilled' && first.value.created);
  assert.ok(twin.status === 'fulfilled' && !twin.value.created);
  assert.equal(twin.value.message.id, first.value.message.id);
  assert.ok(reuse.status === 'rejected');
  assert.equal((reuse.reason as { code?: string }).code, 'conflict');
  assert.ok(plain.status === 'fulfilled' && plain.value.created);
});
