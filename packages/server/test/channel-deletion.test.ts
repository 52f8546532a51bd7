import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelDeletionPreview,
  ChannelListResponse,
  ChannelResponse,
  DeleteChannelResponse,
  MessageResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  PNG,
  api,
  callersOf,
  sqlOf,
  startTestServer,
  team,
  uploadFile,
  type SignedIn,
  type TestServer,
} from './helpers.js';
import { TestSocket, type Frame } from './ws-client.js';
import { createBot } from '../src/services/bots/bots.js';

type Preview = ChannelDeletionPreview;

let srv: TestServer;
let owner: SignedIn, ann: SignedIn, ben: SignedIn;
let wid: string, general: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [
    ['ann@del.io', 'Ann'],
    ['ben@del.io', 'Ben'],
  ]);
  [owner, ann, ben] = [t.owner, t.members[0]!, t.members[1]!];
  wid = t.workspaceId;
  general = t.generalId;
});
after(() => srv.close());

const { call, ok } = callersOf(() => srv);

const channel = async (name: string, kind = 'public') =>
  (
    await ok<ChannelResponse>(owner, 'POST', `/api/workspaces/${wid}/channels`, {
      name,
      kind,
    })
  ).channel.id;

const post = async (who: SignedIn, path: string, body: Record<string, unknown>) =>
  (await ok<MessageResponse>(who, 'POST', path, body)).message.id;

const socket = (who: SignedIn) =>
  TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
    headers: { authorization: `Bearer ${who.token}` },
  });

test('the owner deletes a channel with its messages, threads, reactions, pins and files', async () => {
  const doomed = await channel('doomed');
  await ok(ann, 'POST', `/api/channels/${doomed}/join`, {});
  const up = await uploadFile<{ upload: { id: string; storage_path?: string } }>(
    srv,
    ann.token,
    PNG,
    'dot.png',
    'image/png',
    `?workspace_id=${wid}`,
  );
  assert.equal(up.status, 201);
  const root = await post(ann, `/api/channels/${doomed}/messages`, {
    body: 'zanzibar plans',
    upload_id: up.body.upload.id,
  });
  await post(owner, `/api/channels/${doomed}/messages`, {
    body: 'quoting it',
    quoted_message_id: root,
  });
  const gone = await post(owner, `/api/channels/${doomed}/messages`, { body: 'soon deleted' });
  await ok(owner, 'DELETE', `/api/messages/${gone}`);
  const reply = await post(ben, `/api/messages/${root}/thread/replies`, {
    body: 'zanzibar reply',
  });
  await ok(ben, 'POST', `/api/messages/${root}/reactions`, { emoji: '👀' });
  await ok(owner, 'POST', `/api/channels/${doomed}/pins`, { message_id: root });
  const kept = await post(ann, `/api/channels/${general}/messages`, { body: 'zanzibar stays' });
  const { tail_cursor: before } = await ok<{ tail_cursor: string }>(
    ann,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&include_tail=true&limit=1`,
  );
  const sql = sqlOf(srv);
  const blob = await sql.get<{ storage_path: string }>(
    'SELECT storage_path FROM uploads WHERE id = ?',
    up.body.upload.id,
  );
  assert.ok(blob && existsSync(join(srv.dataDir, 'uploads', blob.storage_path)));

  // A member sees what would go and why they cannot; the owner sees nothing in the way.
  const seen = await ok<Preview>(ann, 'GET', `/api/channels/${doomed}/deletion-preview`);
  assert.deepEqual(seen.counts, { messages: 2, thread_replies: 1, files: 1 });
  assert.equal(seen.blocker, 'workspace owner permission required');
  const mine = await ok<Preview>(owner, 'GET', `/api/channels/${doomed}/deletion-preview`);
  assert.equal(mine.blocker, null);
  assert.equal(mine.channel.name, 'doomed');

  const refused = await call(ann, 'DELETE', `/api/channels/${doomed}`);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, 'workspace owner permission required');

  const [annSock, benSock] = await Promise.all([socket(ann), socket(ben)]);
  const res = await call<DeleteChannelResponse>(owner, 'DELETE', `/api/channels/${doomed}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.deleted_channel.id, doomed);
  assert.deepEqual(res.body.counts, { messages: 2, thread_replies: 1, files: 1 });
  assert.equal(res.body.event.type, 'channel.deleted');
  assert.deepEqual(res.body.event.payload, {
    channel_id: doomed,
    name: 'doomed',
    by: owner.userId,
  });
  for (const s of [annSock, benSock]) {
    await s.until(() => s.frames.some((f) => f.type === 'channel.deleted'), 5000, 'deletion');
    s.close();
  }

  // Nothing of it can be read, found or downloaded any more; the rest of the workspace stays.
  assert.equal((await call(ann, 'GET', `/api/channels/${doomed}`)).status, 404);
  for (const id of [root, reply])
    assert.equal((await call(ann, 'GET', `/api/messages/${id}`)).status, 404);
  const listed = await ok<ChannelListResponse>(ann, 'GET', `/api/workspaces/${wid}/channels`);
  assert.ok(!listed.channels.some((c) => c.id === doomed));
  const found = await ok<{ results: { id: string }[] }>(
    ann,
    'GET',
    `/api/search?workspace_id=${wid}&q=zanzibar`,
  );
  assert.deepEqual(
    found.results.map((r) => r.id),
    [kept],
  );
  const file = await fetch(`${srv.url}/api/uploads/${up.body.upload.id}`, {
    headers: { authorization: `Bearer ${ann.token}` },
  });
  assert.equal(file.status, 404);
  assert.ok(!existsSync(join(srv.dataDir, 'uploads', blob.storage_path)), 'the file is removed');
  const left = await sql.all('SELECT id FROM messages WHERE channel_id = ?', doomed);
  const pins = await sql.all('SELECT id FROM pinned_messages WHERE channel_id = ?', doomed);
  await sql.close();
  assert.deepEqual([left, pins], [[], []]);

  const audit = await ok<{
    audit_log_entries: { action: string; target_id: string; metadata: unknown }[];
  }>(owner, 'GET', `/api/workspaces/${wid}/audit-log`);
  const entry = audit.audit_log_entries.find((e) => e.action === 'channel.deleted');
  assert.equal(entry?.target_id, doomed);
  assert.deepEqual(entry?.metadata, { name: 'doomed', messages: 2, thread_replies: 1, files: 1 });

  // Replaying the log from before shows the deletion and none of the channel's own events.
  const replay = await ok<{ events: Frame[] }>(
    ann,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&after_cursor=${before}&limit=500`,
  );
  assert.deepEqual(
    replay.events.map((e) => e.type),
    ['channel.deleted'],
  );
  const earlier = await ok<{ events: Frame[] }>(
    ann,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&limit=500`,
  );
  assert.ok(!earlier.events.some((e) => e.channel_id === doomed));
});

test('a private channel’s deletion reaches its members only', async () => {
  const secret = await channel('secret-plans', 'private');
  await ok(owner, 'POST', `/api/channels/${secret}/members`, { user_id: ann.userId });
  await post(ann, `/api/channels/${secret}/messages`, { body: 'hush' });
  for (const path of [`/api/channels/${secret}/deletion-preview`, `/api/channels/${secret}`]) {
    const method = path.endsWith('preview') ? 'GET' : 'DELETE';
    const res = await call(ben, method, path);
    assert.equal(res.status, 404, `${method} by a non-member`);
    assert.equal(res.body.error, 'channel not found');
  }
  const [annSock, benSock] = await Promise.all([socket(ann), socket(ben)]);
  await ok(owner, 'DELETE', `/api/channels/${secret}`);
  const marker = await post(owner, `/api/channels/${general}/messages`, { body: 'after' });
  const sawMarker = (s: TestSocket) => () =>
    s.frames.some((f) => f.type === 'message.created' && f.payload.message_id === marker);
  await annSock.until(sawMarker(annSock), 5000, 'the marker');
  await benSock.until(sawMarker(benSock), 5000, 'the marker');
  const deletedNames = (t: TestSocket) =>
    t.frames.filter((f) => f.type === 'channel.deleted').map((f) => f.payload.name);
  assert.ok(deletedNames(annSock).includes('secret-plans'));
  assert.ok(!deletedNames(benSock).includes('secret-plans'));
  annSock.close();
  benSock.close();
});

test('#general, a missing channel, a bot and a workspace’s last channel are refused', async () => {
  const res = await call(owner, 'DELETE', `/api/channels/${general}`);
  assert.equal(res.status, 409);
  assert.equal(res.body.error, '#general cannot be deleted');
  const preview = await ok<Preview>(owner, 'GET', `/api/channels/${general}/deletion-preview`);
  assert.equal(preview.blocker, '#general cannot be deleted');
  assert.equal((await call(owner, 'DELETE', '/api/channels/chn_missing')).status, 404);

  const bot = await createBot(srv.deps, {
    workspaceId: wid,
    createdBy: owner.userId,
    displayName: 'Cleaner',
    scopes: 'bot:admin',
  });
  const target = await channel('bot-target');
  const byBot = await api(srv, 'DELETE', `/api/channels/${target}`, { token: bot.token });
  assert.equal(byBot.status, 403);
  assert.equal(byBot.body.error, 'bots cannot delete channels');
  await ok(owner, 'DELETE', `/api/channels/${target}`);

  // A workspace made over the API has no #general: its one channel stays.
  const ws = await ok<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
    name: 'Solo',
  });
  const only = (
    await ok<ChannelResponse>(owner, 'POST', `/api/workspaces/${ws.workspace.id}/channels`, {
      name: 'only',
    })
  ).channel.id;
  const channels = await ok<ChannelListResponse>(
    owner,
    'GET',
    `/api/workspaces/${ws.workspace.id}/channels`,
  );
  assert.deepEqual(
    channels.channels.map((c) => c.id),
    [only],
  );
  const last = await call(owner, 'DELETE', `/api/channels/${only}`);
  assert.equal(last.status, 409);
  assert.equal(last.body.error, 'the last channel of a workspace cannot be deleted');
});
