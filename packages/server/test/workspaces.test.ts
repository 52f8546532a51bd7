import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workspace, WorkspaceListResponse, WorkspaceResponse } from '@clickclack/protocol';
import { api, signIn, sqlOf, startTestServer, type TestServer } from './helpers.js';
import { mintInvite } from '../src/services/invites/invites.js';

type Json = Record<string, unknown>;

let srv: TestServer;
let owner: { token: string; userId: string };
let outsider: { token: string; userId: string };
before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  outsider = await signIn(srv, 'outsider@x.io', 'Outsider');
});
after(() => srv.close());

const eventCount = async (): Promise<number> => {
  const db = sqlOf(srv);
  const n = (await db.get<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;
  await db.close();
  return n;
};

test('a user sees only the workspaces they belong to, with their role', async () => {
  const mine = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.workspaces.length, 1);
  const [ws] = mine.body.workspaces;
  assert.equal(ws!.slug, 'clickclack');
  assert.equal(ws!.name, 'ClickClack');
  assert.equal(ws!.role, 'owner');
  assert.match(ws!.route_id, /^T[0-9A-Z]{16}$/);
  const theirs = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: outsider.token,
  });
  assert.deepEqual(theirs.body.workspaces, []);
  const get = await api(srv, 'GET', `/api/workspaces/${ws!.id}`, { token: outsider.token });
  assert.equal(get.status, 404);
  const missing = await api(srv, 'GET', '/api/workspaces/wsp_01missing', { token: owner.token });
  assert.equal(missing.status, 404);
  const members = await api(srv, 'GET', `/api/workspaces/${ws!.id}/members`, {
    token: outsider.token,
  });
  assert.equal(members.status, 404);
  const channels = await api(srv, 'GET', `/api/workspaces/${ws!.id}/channels`, {
    token: outsider.token,
  });
  assert.equal(channels.status, 404);
});

test('creating a workspace makes the caller owner and writes one event', async () => {
  const before = await eventCount();
  const res = await api<{ workspace: Workspace; event: Json }>(srv, 'POST', '/api/workspaces', {
    token: outsider.token,
    body: { name: '  Acme Corp!  ', extra_field: 'ignored' },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.workspace.slug, 'acme-corp');
  assert.equal(res.body.workspace.name, 'Acme Corp!');
  assert.equal(res.body.workspace.role, 'owner');
  assert.equal(res.body.event.type, 'workspace.created');
  assert.equal(await eventCount(), before + 1);
  const get = await api<WorkspaceResponse>(srv, 'GET', `/api/workspaces/${res.body.workspace.id}`, {
    token: outsider.token,
  });
  assert.equal(get.body.workspace.role, 'owner');
  // New workspaces start without channels.
  const ch = await api<{ channels: Json[] }>(
    srv,
    'GET',
    `/api/workspaces/${res.body.workspace.id}/channels`,
    {
      token: outsider.token,
    },
  );
  assert.deepEqual(ch.body.channels, []);

  const dup = await api(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: 'x', slug: 'Acme Corp' },
  });
  assert.equal(dup.status, 409);
  const reserved = await api(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: 'ClickClack' },
  });
  assert.equal(reserved.status, 400);
  assert.equal(reserved.body.error, 'workspace slug is reserved');
  const symbols = await api(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: '!!!' },
  });
  assert.equal(symbols.status, 400);
  const noBody = await api(srv, 'POST', '/api/workspaces', { token: owner.token });
  assert.equal(noBody.status, 400);
  assert.equal(await eventCount(), before + 1);
});

test('member directory pages with a cursor, filters by q and role', async () => {
  const ws = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: 'Directory' },
  });
  const wid = ws.body.workspace.id;
  for (let i = 0; i < 5; i++) {
    const u = await signIn(srv, `member${i}@x.io`, `Member ${i}`);
    const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    const acc = await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: u.token });
    assert.equal(acc.status, 200);
  }
  type Page = {
    members: { user: { display_name: string; id: string }; role: string }[];
    next_cursor?: string;
    has_more: boolean;
    total_count?: number;
  };
  const first = await api<Page>(srv, 'GET', `/api/workspaces/${wid}/members?limit=4`, {
    token: owner.token,
  });
  assert.equal(first.status, 200);
  assert.equal(first.body.members.length, 4);
  assert.equal(first.body.members[0]!.role, 'owner');
  assert.equal(first.body.total_count, 6);
  assert.equal(first.body.has_more, true);
  const second = await api<Page>(
    srv,
    'GET',
    `/api/workspaces/${wid}/members?limit=4&cursor=${first.body.next_cursor}`,
    {
      token: owner.token,
    },
  );
  assert.equal(second.body.members.length, 2);
  assert.equal(second.body.has_more, false);
  const ids = [...first.body.members, ...second.body.members].map((m) => m.user.id);
  assert.equal(new Set(ids).size, 6);
  const q = await api<Page>(srv, 'GET', `/api/workspaces/${wid}/members?q=MEMBER%203`, {
    token: owner.token,
  });
  assert.deepEqual(
    q.body.members.map((m) => m.user.display_name),
    ['Member 3'],
  );
  const role = await api<Page>(srv, 'GET', `/api/workspaces/${wid}/members?role=owner`, {
    token: owner.token,
  });
  assert.equal(role.body.members.length, 1);
  for (const bad of ['limit=0', 'limit=x', 'role=king', 'cursor=garbage']) {
    const res = await api(srv, 'GET', `/api/workspaces/${wid}/members?${bad}`, {
      token: owner.token,
    });
    assert.equal(res.status, 400, bad);
  }
  const wrongCursor = await api(
    srv,
    'GET',
    `/api/workspaces/${wid}/members?q=m&cursor=${first.body.next_cursor}`,
    {
      token: owner.token,
    },
  );
  assert.equal(wrongCursor.status, 400);
});

test('an invite lets a signed-in user join once, and only with a valid token', async () => {
  const ws = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: 'Invites' },
  });
  const wid = ws.body.workspace.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  assert.match(inv.token, /^tok_/);
  const joiner = await signIn(srv, 'joiner@x.io');
  const before = await eventCount();
  const res = await api<{ workspace: Workspace; event: Json }>(
    srv,
    'POST',
    `/api/invites/${inv.token}/accept`,
    {
      token: joiner.token,
    },
  );
  assert.equal(res.status, 200);
  assert.equal(res.body.workspace.role, 'member');
  assert.equal(res.body.event.type, 'member.joined');
  assert.equal(await eventCount(), before + 1);
  const listed = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: joiner.token,
  });
  assert.ok(listed.body.workspaces.some((w) => w.id === wid));
  // Accepting again as a member is harmless; another user cannot reuse it.
  const again = await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: joiner.token });
  assert.equal(again.status, 200);
  assert.equal(await eventCount(), before + 1);
  const late = await signIn(srv, 'late@x.io');
  const reuse = await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: late.token });
  assert.equal(reuse.status, 409);
  const bogus = await api(srv, 'POST', '/api/invites/tok_bogus/accept', { token: late.token });
  assert.equal(bogus.status, 404);
  const anon = await api(srv, 'POST', `/api/invites/${inv.token}/accept`);
  assert.equal(anon.status, 401);
});
