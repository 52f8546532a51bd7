// Issue 27: WebSocket connections per user, the per-user upload quota of a workspace, and
// `Range` requests on downloads, each against the real server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, team, uploadFile, type Team, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';

let srv: TestServer;
let t: Team;
before(async () => {
  srv = await startTestServer({ socketsPerUser: 3, uploadQuota: { files: 3, bytes: 4096 } });
  t = await team(srv, [
    ['ann@x.io', 'Ann'],
    ['bob@x.io', 'Bob'],
  ]);
});
after(() => srv.close());

const wsUrl = () => `${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const upload = (token: string, bytes: Buffer, name: string) =>
  uploadFile<{ upload: { id: string }; error?: string }>(
    srv,
    token,
    bytes,
    name,
    'application/octet-stream',
    `?workspace_id=${t.workspaceId}`,
  );

test('a user holds at most the configured sockets; one more is a 429, a closed one frees a slot', async () => {
  const ann = t.members[0]!;
  const open: TestSocket[] = [];
  for (let i = 0; i < 3; i++) open.push(await TestSocket.open(wsUrl(), bearer(ann.token)));
  await assert.rejects(
    TestSocket.open(wsUrl(), bearer(ann.token)),
    (err: Error & { status?: number; body?: string }) => {
      assert.equal(err.status, 429);
      assert.match(String(err.body), /too many realtime connections: at most 3 per user/);
      return true;
    },
  );
  // Another user is not affected.
  const bob = await TestSocket.open(wsUrl(), bearer(t.members[1]!.token));
  open[0]!.close();
  await open[0]!.until(() => open[0]!.closed !== undefined, 5000);
  let again: TestSocket | undefined;
  for (let i = 0; i < 50 && !again; i++) {
    again = await TestSocket.open(wsUrl(), bearer(ann.token)).catch(() => undefined);
    if (!again) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(again, 'a slot is free once a socket has closed');
  for (const s of [...open.slice(1), again, bob]) s.close();
});

test('upload quota: files and bytes per user per workspace, 413 "upload quota exceeded"', async () => {
  const ann = t.members[0]!;
  const bob = t.members[1]!;
  assert.equal((await upload(ann.token, Buffer.alloc(1500, 1), 'a')).status, 201);
  assert.equal((await upload(ann.token, Buffer.alloc(1500, 2), 'b')).status, 201);
  // 3,000 of 4,096 bytes are used: 1,500 more do not fit, and nothing is kept of them.
  const over = await upload(ann.token, Buffer.alloc(1500, 3), 'c');
  assert.equal(over.status, 413);
  assert.equal(over.body.error, 'upload quota exceeded');
  assert.equal((await upload(ann.token, Buffer.alloc(100, 4), 'd')).status, 201);
  // Three files: a fourth, however small, is refused.
  const fourth = await upload(ann.token, Buffer.alloc(1, 5), 'e');
  assert.equal(fourth.status, 413);
  assert.equal(fourth.body.error, 'upload quota exceeded');
  // Bob's quota is his own.
  assert.equal((await upload(bob.token, Buffer.alloc(1500, 6), 'f')).status, 201);
});

test('downloads honour Range: 206 with Content-Range, 416 past the end, 404 for others', async () => {
  const owner = t.owner;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  const up = await uploadFile<{ upload: { id: string } }>(
    srv,
    owner.token,
    bytes,
    'clip.webm',
    'video/webm',
    `?workspace_id=${t.workspaceId}`,
  );
  assert.equal(up.status, 201);
  const url = `${srv.url}/api/uploads/${up.body.upload.id}`;
  const get = (token: string, range?: string) =>
    fetch(url, {
      headers: { authorization: `Bearer ${token}`, ...(range ? { range } : {}) },
    });
  const whole = await get(owner.token);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);

  const cases: [string, number, number][] = [
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=990-5000', 990, 999],
  ];
  for (const [range, start, end] of cases) {
    const res = await get(owner.token, range);
    assert.equal(res.status, 206, range);
    assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/1000`);
    assert.equal(res.headers.get('content-length'), String(end - start + 1));
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes.subarray(start, end + 1), range);
  }
  const past = await get(owner.token, 'bytes=1000-');
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), 'bytes */1000');
  assert.equal(
    ((await past.json()) as { error: string }).error,
    'requested range is not satisfiable',
  );
  // Authorisation is unchanged: an unattached upload is its owner's only, ranged or not.
  assert.equal((await get(t.members[0]!.token, 'bytes=0-9')).status, 404);
  // A range we do not serve (several at once) gets the whole file.
  assert.equal((await get(owner.token, 'bytes=0-1,5-6')).status, 200);
});
