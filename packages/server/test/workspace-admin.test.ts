import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelResponse,
  DmResponse,
  MessageResponse,
  WorkspaceDeletionCounts,
  WorkspaceDeletionPreview,
  WorkspaceEventResponse,
  WorkspaceListResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  PNG,
  callersOf,
  signIn,
  sqlOf,
  startTestServer,
  team,
  uploadFile,
  type SignedIn,
  type TestServer,
} from './helpers.js';
import { TestSocket, type Frame } from './ws-client.js';
import { LocalDiskBlobStore } from '../src/blobs/local-disk.js';
import { createBot } from '../src/services/bots/bots.js';
import { DEFAULT_UPLOAD_QUOTA, sweepOrphanUploads } from '../src/services/uploads/uploads.js';
import { ulid } from 'ulid';

let srv: TestServer;
/** The orphan sweep as `serve` runs it, over the test server's upload directory. */
const sweep = () =>
  sweepOrphanUploads(
    {
      ...srv.deps,
      uploads: {
        blobs: new LocalDiskBlobStore(join(srv.dataDir, 'uploads')),
        maxBytes: 1,
        quota: DEFAULT_UPLOAD_QUOTA,
      },
    },
    0,
  );
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

/** A service bot of a workspace, with a token of these scopes. */
const serviceBot = (
  workspaceId: string,
  createdBy: string,
  displayName: string,
  scopes: string,
  handle?: string,
) =>
  createBot(srv.deps, {
    workspaceId,
    createdBy,
    displayName,
    scopes,
    ...(handle ? { handle } : {}),
  });

const { call, ok } = callersOf(() => srv);

const refused = async (
  who: SignedIn | { token: string },
  method: string,
  path: string,
  body: unknown,
  status: number,
  error: string,
) => {
  const res = await call(who, method, path, body);
  assert.deepEqual([res.status, res.body.error], [status, error], `${method} ${path}`);
};

/** A workspace of its own per test: an owner, a moderator and a member (through invites). */
async function crew(tag: string) {
  const owner = await signIn(srv, `${tag}-owner@ws.io`, `${tag} Owner`);
  const mod = await signIn(srv, `${tag}-mod@ws.io`, `${tag} Mod`);
  const member = await signIn(srv, `${tag}-member@ws.io`, `${tag} Member`);
  const { workspace } = await ok<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
    name: `${tag} Team`,
  });
  const id = workspace.id;
  await ok(owner, 'POST', `/api/workspaces/${id}/members`, {
    user_id: mod.userId,
    role: 'moderator',
  });
  await ok(owner, 'POST', `/api/workspaces/${id}/members`, { user_id: member.userId });
  const general = (
    await ok<ChannelResponse>(owner, 'POST', `/api/workspaces/${id}/channels`, {
      name: 'general',
    })
  ).channel.id;
  return { owner, mod, member, id, general };
}

const eventTypes = async (who: SignedIn, workspaceId: string) =>
  (
    await ok<{ events: Frame[] }>(
      who,
      'GET',
      `/api/realtime/events?workspace_id=${workspaceId}&limit=500`,
    )
  ).events.map((e) => e.type);

test('owners and moderators rename a workspace; a PATCH that changes nothing writes nothing', async () => {
  const { owner, mod, member, id } = await crew('patch');
  await refused(
    member,
    'PATCH',
    `/api/workspaces/${id}`,
    { name: 'X' },
    403,
    'workspace manager permission required',
  );
  const bot = await serviceBot(id, owner.userId, 'Patcher', 'bot:admin');
  await refused(
    bot,
    'PATCH',
    `/api/workspaces/${id}`,
    { name: 'X' },
    403,
    'bot tokens cannot update workspaces',
  );
  const outsider = await signIn(srv, 'patch-outsider@ws.io');
  // A non-member cannot tell the workspace exists: the same 404 as a missing one.
  assert.equal((await call(outsider, 'PATCH', `/api/workspaces/${id}`, { name: 'X' })).status, 404);
  assert.equal(
    (await call(owner, 'PATCH', '/api/workspaces/wsp_missing', { name: 'X' })).status,
    404,
  );

  for (const [body, error] of [
    [{}, 'workspace update requires at least one field'],
    [{ name: null, slug: null }, 'workspace update requires at least one field'],
    [{ name: '   ' }, 'workspace name is required'],
    [{ name: 'é'.repeat(41) }, 'workspace name is too long'],
    [{ slug: '!!!' }, 'workspace slug is required'],
    [{ slug: 'Guests' }, 'workspace slug is reserved'],
    [
      { icon_url: 'https://example.com/x.png' },
      'icon_url must be empty or /api/uploads/<upload_id>',
    ],
  ] as const)
    await refused(mod, 'PATCH', `/api/workspaces/${id}`, body, 400, error);
  const taken = await ok<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
    name: 'Taken Slug',
  });
  await refused(
    mod,
    'PATCH',
    `/api/workspaces/${id}`,
    { slug: 'taken-slug' },
    409,
    'workspace slug is already taken',
  );
  assert.equal(taken.workspace.slug, 'taken-slug');

  const before = await eventTypes(member, id);
  const renamed = await ok<WorkspaceEventResponse>(mod, 'PATCH', `/api/workspaces/${id}`, {
    name: '  Renamed Team ',
    slug: 'Renamed Team!',
  });
  assert.equal(renamed.workspace.name, 'Renamed Team');
  assert.equal(renamed.workspace.slug, 'renamed-team');
  assert.equal(renamed.workspace.role, 'moderator');
  assert.equal(renamed.event?.type, 'workspace.updated');
  assert.deepEqual(renamed.event?.payload, {
    workspace_id: id,
    name: 'Renamed Team',
    slug: 'renamed-team',
    by: mod.userId,
  });
  const seen = await ok<WorkspaceResponse>(member, 'GET', `/api/workspaces/${id}`);
  assert.deepEqual([seen.workspace.name, seen.workspace.slug], ['Renamed Team', 'renamed-team']);
  assert.deepEqual(await eventTypes(member, id), [...before, 'workspace.updated']);

  // The same values again (its own slug too), or only nulls beside them: 200, nothing written.
  for (const body of [
    { name: 'Renamed Team', slug: 'renamed-team' },
    { name: 'Renamed Team', icon_url: null },
  ]) {
    const same = await call<WorkspaceEventResponse>(owner, 'PATCH', `/api/workspaces/${id}`, body);
    assert.equal(same.status, 200);
    assert.equal(same.body.event, undefined);
    assert.equal(same.body.workspace.role, 'owner');
  }
  assert.deepEqual(await eventTypes(member, id), [...before, 'workspace.updated']);
});

test('a workspace icon is an image upload of that workspace, shown to every member and kept', async () => {
  const { owner, mod, member, id } = await crew('icon');
  const other = await ok<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
    name: 'Icon Other',
  });
  const upload = async (who: SignedIn, workspaceId: string, type = 'image/png', name = 'i.png') => {
    const res = await uploadFile<{ upload: { id: string } }>(
      srv,
      who.token,
      type === 'image/png' ? PNG : Buffer.from('just text'),
      name,
      type,
      `?workspace_id=${workspaceId}`,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.upload.id;
  };
  const text = await upload(mod, id, 'text/plain', 'notes.txt');
  const elsewhere = await upload(owner, other.workspace.id);
  const foreign = await upload(owner, id); // the owner's, attached to nothing: the mod cannot see it
  const icon = await upload(mod, id);
  const unseen = 'icon_url must name an upload of this workspace you can see';
  for (const [u, error] of [
    [text, 'icon_url must name an image'],
    [elsewhere, unseen],
    [foreign, unseen],
    ['upl_missing', unseen],
  ] as const)
    await refused(
      mod,
      'PATCH',
      `/api/workspaces/${id}`,
      { icon_url: `/api/uploads/${u}` },
      400,
      error,
    );

  const set = await ok<WorkspaceEventResponse>(mod, 'PATCH', `/api/workspaces/${id}`, {
    icon_url: `/api/uploads/${icon}`,
  });
  assert.equal(set.workspace.icon_url, `/api/uploads/${icon}`);
  assert.equal(set.event?.type, 'workspace.updated');
  await sweep();
  const got = await fetch(`${srv.url}/api/uploads/${icon}`, {
    headers: { authorization: `Bearer ${member.token}` },
  });
  assert.equal(got.status, 200, 'every member sees the icon, and the orphan sweep left it');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);

  const cleared = await ok<WorkspaceEventResponse>(owner, 'PATCH', `/api/workspaces/${id}`, {
    icon_url: '',
  });
  assert.equal(cleared.workspace.icon_url, '');
  await sweep();
  const gone = await fetch(`${srv.url}/api/uploads/${icon}`, {
    headers: { authorization: `Bearer ${mod.token}` },
  });
  assert.equal(gone.status, 404, 'a former icon is an orphan like any other');
});

test('the owner hands the workspace to another human member and becomes a moderator', async () => {
  const { owner, mod, member, id } = await crew('transfer');
  const guest = await signIn(srv, 'transfer-guest@ws.io');
  await ok(owner, 'POST', `/api/workspaces/${id}/members`, {
    user_id: guest.userId,
    role: 'guest',
  });
  const bot = await serviceBot(id, owner.userId, 'Heir', 'bot:admin');
  const outsider = await signIn(srv, 'transfer-outsider@ws.io');
  const path = `/api/workspaces/${id}/transfer-ownership`;
  const heirless = 'new owner must be a human member or moderator';
  for (const [who, heir, status, error] of [
    [mod, member.userId, 403, 'workspace owner permission required'],
    [bot, member.userId, 403, 'bot tokens cannot transfer workspace ownership'],
    [owner, '  ', 400, 'new owner must be another workspace member'],
    [owner, owner.userId, 400, 'new owner must be another workspace member'],
    [owner, outsider.userId, 400, 'new owner must be a workspace member'],
    [owner, guest.userId, 400, heirless],
    [owner, bot.bot.id, 400, heirless],
  ] as const)
    await refused(who, 'POST', path, { user_id: heir }, status, error);
  await ok(owner, 'PATCH', `/api/workspaces/${id}/moderation/members/${member.userId}`, {
    blocked: true,
  });
  await refused(
    owner,
    'POST',
    path,
    { user_id: member.userId },
    400,
    'new owner is under a moderation restriction: member is blocked',
  );
  await ok(owner, 'PATCH', `/api/workspaces/${id}/moderation/members/${member.userId}`, {
    blocked: false,
  });

  const res = await ok<WorkspaceEventResponse>(owner, 'POST', path, {
    user_id: ` ${member.userId} `,
  });
  assert.equal(res.workspace.role, 'moderator');
  assert.equal(res.event?.type, 'workspace.ownership_transferred');
  assert.deepEqual(res.event?.payload, {
    workspace_id: id,
    new_owner_user_id: member.userId,
    previous_owner_user_id: owner.userId,
  });
  const roles = await ok<{ members: { user: { id: string }; role: string }[] }>(
    mod,
    'GET',
    `/api/workspaces/${id}/members`,
  );
  const roleOf = (u: string) => roles.members.find((m) => m.user.id === u)?.role;
  assert.deepEqual(
    [
      roleOf(member.userId),
      roleOf(owner.userId),
      roles.members.filter((m) => m.role === 'owner').length,
    ],
    ['owner', 'moderator', 1],
  );
  assert.ok((await eventTypes(mod, id)).includes('workspace.ownership_transferred'));
  // The former owner is a moderator now: no second transfer, no deletion.
  await refused(
    owner,
    'POST',
    path,
    { user_id: mod.userId },
    403,
    'workspace owner permission required',
  );
  await refused(
    owner,
    'DELETE',
    `/api/workspaces/${id}`,
    undefined,
    403,
    'workspace owner permission required',
  );
});

test('the member directory counts every role of the workspace on its unfiltered first page', async () => {
  const { owner, mod, member, id } = await crew('roles');
  const guest = await signIn(srv, 'roles-guest@ws.io');
  await ok(owner, 'POST', `/api/workspaces/${id}/members`, {
    user_id: guest.userId,
    role: 'guest',
  });
  await serviceBot(id, owner.userId, 'Counter', 'bot:read');
  type Page = { members: unknown[]; next_cursor?: string; total_by_role?: Record<string, number> };
  const first = await ok<Page>(member, 'GET', `/api/workspaces/${id}/members?limit=2`);
  assert.equal(first.members.length, 2);
  assert.deepEqual(first.total_by_role, { owner: 1, moderator: 1, member: 1, bot: 1, guest: 1 });
  const next = await ok<Page>(
    mod,
    'GET',
    `/api/workspaces/${id}/members?limit=2&cursor=${first.next_cursor}`,
  );
  assert.equal(next.total_by_role, undefined);
  for (const q of ['q=roles', 'role=member'])
    assert.equal(
      (await ok<Page>(member, 'GET', `/api/workspaces/${id}/members?${q}`)).total_by_role,
      undefined,
    );
});

test('deleting a workspace removes everything in it, tells its members and closes their sockets', async () => {
  const { owner, mod, member, id, general } = await crew('doom');
  const other = await ok<WorkspaceResponse>(owner, 'POST', '/api/workspaces', {
    name: 'Doom Survivor',
  });
  await ok(owner, 'POST', `/api/workspaces/${other.workspace.id}/members`, {
    user_id: member.userId,
  });
  const up = await uploadFile<{ upload: { id: string } }>(
    srv,
    member.token,
    PNG,
    'd.png',
    'image/png',
    `?workspace_id=${id}`,
  );
  const root = (
    await ok<MessageResponse>(member, 'POST', `/api/channels/${general}/messages`, {
      body: 'doomed words',
      upload_id: up.body.upload.id,
    })
  ).message.id;
  await ok(mod, 'POST', `/api/messages/${root}/thread/replies`, { body: 'doomed reply' });
  const dm = await ok<DmResponse>(owner, 'POST', '/api/dms', {
    workspace_id: id,
    member_ids: [member.userId],
  });
  await ok(owner, 'POST', `/api/dms/${dm.conversation.id}/messages`, { body: 'doomed dm' });
  const gone = (
    await ok<MessageResponse>(owner, 'POST', `/api/channels/${general}/messages`, {
      body: 'x',
    })
  ).message.id;
  await ok(owner, 'DELETE', `/api/messages/${gone}`);
  // A service bot of this workspace alone is retired; one that also serves elsewhere stays.
  const lone = await serviceBot(id, owner.userId, 'Lone', 'bot:admin', 'doom-lone');
  const shared = await serviceBot(id, owner.userId, 'Shared', 'bot:read', 'doom-shared');
  const sql = sqlOf(srv);
  await sql.run(
    'INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)',
    other.workspace.id,
    shared.bot.id,
    'bot',
    new Date().toISOString(),
  );
  const blob = (await sql.get<{ storage_path: string }>(
    'SELECT storage_path FROM uploads WHERE id = ?',
    up.body.upload.id,
  ))!;
  assert.ok(existsSync(join(srv.dataDir, 'uploads', blob.storage_path)));

  const expected: WorkspaceDeletionCounts = { members: 5, channels: 1, messages: 3, files: 1 };
  const mine = await ok<WorkspaceDeletionPreview>(
    owner,
    'GET',
    `/api/workspaces/${id}/deletion-preview`,
  );
  assert.deepEqual([mine.counts, mine.blocker, mine.workspace.id], [expected, null, id]);
  const theirs = await ok<WorkspaceDeletionPreview>(
    mod,
    'GET',
    `/api/workspaces/${id}/deletion-preview`,
  );
  assert.deepEqual(
    [theirs.counts, theirs.blocker],
    [expected, 'workspace owner permission required'],
  );
  const bots = await ok<WorkspaceDeletionPreview>(
    lone,
    'GET',
    `/api/workspaces/${id}/deletion-preview`,
  );
  assert.equal(bots.blocker, 'bots cannot delete workspaces');
  await refused(
    mod,
    'DELETE',
    `/api/workspaces/${id}`,
    undefined,
    403,
    'workspace owner permission required',
  );
  await refused(
    lone,
    'DELETE',
    `/api/workspaces/${id}`,
    undefined,
    403,
    'bots cannot delete workspaces',
  );
  const outsider = await signIn(srv, 'doom-outsider@ws.io');
  await refused(outsider, 'DELETE', `/api/workspaces/${id}`, undefined, 404, 'workspace not found');
  assert.equal((await call(owner, 'DELETE', '/api/workspaces/wsp_missing')).status, 404);

  const open = (who: { token: string }, workspaceId = id) =>
    TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${workspaceId}`, {
      headers: { authorization: `Bearer ${who.token}` },
    });
  const [memberSock, modSock, elsewhere] = await Promise.all([
    open(member),
    open(mod),
    open(member, other.workspace.id),
  ]);
  const res = await call(owner, 'DELETE', `/api/workspaces/${id}`);
  assert.equal(res.status, 204);
  assert.deepEqual(res.body, {});
  for (const s of [memberSock, modSock]) {
    await s.until(() => s.closed !== undefined, 5000, 'the socket to close');
    const told = s.frames.filter((f) => f.type === 'workspace.deleted');
    assert.equal(told.length, 1);
    assert.deepEqual(told[0]!.payload, {
      workspace_id: id,
      name: 'doom Team',
      slug: 'doom-team',
      by: owner.userId,
      ...expected,
    });
    assert.deepEqual([told[0]!.id, told[0]!.cursor], ['', '']);
    assert.equal(s.closed?.code, 1008);
  }
  await ok(owner, 'POST', `/api/workspaces/${other.workspace.id}/channels`, { name: 'still-here' });
  await elsewhere.until(
    () => elsewhere.frames.some((f) => f.type === 'channel.created'),
    5000,
    'the other workspace',
  );
  assert.ok(!elsewhere.frames.some((f) => f.type === 'workspace.deleted'));
  assert.equal(elsewhere.closed, undefined);
  elsewhere.close();

  // Nothing of it is left: not over HTTP, not in the database, not on disk.
  assert.equal((await call(owner, 'GET', `/api/workspaces/${id}`)).status, 404);
  assert.deepEqual(
    (await ok<WorkspaceListResponse>(member, 'GET', '/api/workspaces')).workspaces.map((w) => w.id),
    [other.workspace.id],
  );
  for (const path of [
    `/api/messages/${root}`,
    `/api/dms/${dm.conversation.id}`,
    `/api/channels/${general}`,
  ])
    assert.equal((await call(member, 'GET', path)).status, 404, path);
  for (const table of [
    'channels',
    'messages',
    'events',
    'uploads',
    'direct_conversations',
    'workspace_members',
    'bot_tokens',
  ]) {
    const left = await sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM ${table} WHERE workspace_id = ?`,
      id,
    );
    assert.equal(Number(left!.n), 0, table);
  }
  assert.ok(!existsSync(join(srv.dataDir, 'uploads', blob.storage_path)), 'the file is removed');
  const users = await sql.all<{ id: string; deleted_at: string | null; handle: string }>(
    'SELECT id, deleted_at, handle FROM users WHERE id IN (?, ?) ORDER BY handle',
    lone.bot.id,
    shared.bot.id,
  );
  await sql.close();
  const byId = new Map(users.map((u) => [u.id, u]));
  assert.ok(byId.get(lone.bot.id)?.deleted_at, 'the lone service bot is retired');
  assert.equal(byId.get(lone.bot.id)?.handle, '');
  assert.equal(byId.get(shared.bot.id)?.deleted_at, null);
  assert.equal((await call(lone, 'GET', '/api/me')).status, 401);
  // The slug is free again.
  const again = await ok<WorkspaceResponse>(mod, 'POST', '/api/workspaces', {
    name: 'doom Team',
  });
  assert.equal(again.workspace.slug, 'doom-team');
});

test('every new member is in #general: bootstrap owner, invites, additions, promotions, a late #general', async () => {
  const t = await team(srv, [['general-invitee@ws.io', 'Invitee']]);
  const inGeneral = async (channelId: string, who: SignedIn) =>
    (
      await ok<{ members: { id: string }[] }>(who, 'GET', `/api/channels/${channelId}/members`)
    ).members.map((u) => u.id);
  const joined = await inGeneral(t.generalId, t.owner);
  assert.ok(joined.includes(t.owner.userId), 'the bootstrap owner');
  assert.ok(joined.includes(t.members[0]!.userId), 'an invitee');
  const added = await signIn(srv, 'general-added@ws.io');
  const guest = await signIn(srv, 'general-guest@ws.io');
  await ok(t.owner, 'POST', `/api/workspaces/${t.workspaceId}/members`, {
    email: 'general-added@ws.io',
  });
  await ok(t.owner, 'POST', `/api/workspaces/${t.workspaceId}/members`, {
    user_id: guest.userId,
    role: 'guest',
  });
  const bot = await serviceBot(t.workspaceId, t.owner.userId, 'Outside General', 'bot:read');
  let now = await inGeneral(t.generalId, t.owner);
  assert.ok(now.includes(added.userId), 'a member added by a manager');
  assert.ok(!now.includes(guest.userId), 'a guest reads only #guest');
  assert.ok(!now.includes(bot.bot.id), 'bots join the channels they work in');
  const listed = await ok<{ channels: { id: string; is_member: boolean }[] }>(
    added,
    'GET',
    `/api/workspaces/${t.workspaceId}/channels`,
  );
  assert.equal(listed.channels.find((c) => c.id === t.generalId)?.is_member, true);
  await ok(
    t.owner,
    'PATCH',
    `/api/workspaces/${t.workspaceId}/moderation/members/${guest.userId}`,
    { role: 'member' },
  );
  now = await inGeneral(t.generalId, t.owner);
  assert.ok(now.includes(guest.userId), 'a guest promoted to member');

  // A workspace made over the API starts without channels; a #general made later takes everyone.
  const { owner, mod, member, general } = await crew('late');
  assert.deepEqual(
    (await inGeneral(general, owner)).sort(),
    [owner.userId, mod.userId, member.userId].sort(),
  );
});

test('deleting the workspace that holds the newest event keeps every later cursor above it', async () => {
  const doomed = await crew('ahead');
  const stays = await crew('behind');
  // The log's newest event, written by a node whose clock runs an hour ahead: once its
  // workspace (and so the event) is gone, a new event must still sort after it, or a
  // reader that had passed it would never see the new one.
  const ahead = `cur_${ulid(Date.now() + 3_600_000).toLowerCase()}`;
  const db = sqlOf(srv);
  try {
    await db.run(
      `INSERT INTO events (id, cursor, workspace_id, type, payload_json, created_at)
       VALUES (?, ?, ?, 'channel.updated', '{}', ?)`,
      `evt_${ulid().toLowerCase()}`,
      ahead,
      doomed.id,
      new Date().toISOString(),
    );
  } finally {
    await db.close();
  }
  assert.equal((await call(doomed.owner, 'DELETE', `/api/workspaces/${doomed.id}`)).status, 204);
  const posted = await ok<{ event: Frame }>(
    stays.owner,
    'POST',
    `/api/channels/${stays.general}/messages`,
    { body: 'after the deletion' },
  );
  assert.ok(posted.event.cursor > ahead, `${posted.event.cursor} must follow ${ahead}`);
});
