import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  DmResponse,
  MessageResponse,
  Upload,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PNG,
  api,
  signIn,
  startTestServer,
  uploadFile,
  type TestServer,
  type SignedIn,
} from './helpers.js';
import { mintInvite } from '../src/services/invites/invites.js';
import { DEFAULT_UPLOAD_QUOTA, sweepOrphanUploads } from '../src/services/uploads/uploads.js';
import { LocalDiskBlobStore } from '../src/blobs/local-disk.js';

let srv: TestServer;
let a: SignedIn, b: SignedIn, outsider: SignedIn;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer({ uploadMaxBytes: 64 * 1024 });
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
});
after(() => srv.close());

async function upload(
  token: string,
  bytes: Buffer,
  filename: string,
  type: string,
  query = `?workspace_id=${wid}`,
) {
  return uploadFile<{ upload: Upload; error?: string }>(srv, token, bytes, filename, type, query);
}
const download = (token: string, id: string) =>
  fetch(`${srv.url}/api/uploads/${id}`, { headers: { authorization: `Bearer ${token}` } });

test('uploads: sniffed type, image size, safe names, limits and nonces', async () => {
  const png = await upload(a.token, PNG, '../../etc/passwd.png', 'text/plain');
  assert.equal(png.status, 201);
  assert.equal(png.body.upload.content_type, 'image/png');
  assert.deepEqual([png.body.upload.width, png.body.upload.height], [2, 3]);
  assert.equal(png.body.upload.filename, 'passwd.png');
  assert.equal(png.body.upload.byte_size, PNG.length);
  const files = readdirSync(join(srv.dataDir, 'uploads'));
  assert.ok(
    files.every((f) => /^upload-[0-9a-f]{32}$/.test(f)),
    files.join(','),
  );
  assert.ok(!existsSync('/etc/passwd.png'));
  assert.ok(!JSON.stringify(png.body).includes('upload-'), 'storage paths never leave the server');

  const big = await upload(
    a.token,
    Buffer.alloc(70 * 1024, 1),
    'big.bin',
    'application/octet-stream',
  );
  assert.equal(big.status, 413);
  assert.equal(
    readdirSync(join(srv.dataDir, 'uploads')).length,
    files.length,
    'nothing kept from a refused upload',
  );
  assert.equal((await upload(outsider.token, PNG, 'x.png', 'image/png')).status, 404);
  assert.equal((await upload(a.token, PNG, 'x.png', 'image/png', '')).status, 400);

  const n1 = await upload(a.token, PNG, 'n.png', 'image/png', `?workspace_id=${wid}&nonce=up-1`);
  const n2 = await upload(a.token, PNG, 'n.png', 'image/png', `?workspace_id=${wid}&nonce=up-1`);
  assert.equal(n1.status, 201);
  assert.equal(n2.status, 200);
  assert.equal(n2.body.upload.id, n1.body.upload.id);
  const found = await api<{ upload: Upload }>(
    srv,
    'GET',
    `/api/uploads/by-nonce?workspace_id=${wid}&nonce=up-1`,
    { token: a.token },
  );
  assert.equal(found.body.upload.id, n1.body.upload.id);
  const none = await api(srv, 'GET', `/api/uploads/by-nonce?workspace_id=${wid}&nonce=never`, {
    token: a.token,
  });
  assert.equal(none.status, 404);
  assert.equal(none.headers.get('x-clickclack-upload-nonce'), 'supported');
});

test('attachments: visibility follows the message, downloads are safe', async () => {
  const png = (await upload(a.token, PNG, 'photo.png', 'image/png')).body.upload;
  assert.equal(
    (await download(b.token, png.id)).status,
    404,
    'unattached uploads are the owner’s alone',
  );
  assert.equal((await download(a.token, png.id)).status, 200);
  const msg = await api<{ message: { id: string; attachments?: Upload[] } }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    {
      token: a.token,
      body: { body: 'look', upload_id: png.id },
    },
  );
  assert.equal(msg.status, 201);
  assert.equal(msg.body.message.attachments?.[0]?.id, png.id);
  const res = await download(b.token, png.id);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-security-policy'), 'sandbox');
  assert.match(res.headers.get('content-disposition') ?? '', /^inline; filename="photo.png"/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  assert.equal((await download(outsider.token, png.id)).status, 404);

  const html = (
    await upload(a.token, Buffer.from('<script>alert(1)</script>'), 'évil.html', 'text/html')
  ).body.upload;
  assert.equal(html.content_type, 'application/octet-stream');
  const m2 = (
    await api<MessageResponse>(srv, 'POST', `/api/channels/${general}/messages`, {
      token: a.token,
      body: { body: 'file' },
    })
  ).body.message;
  assert.equal(
    (
      await api(srv, 'POST', `/api/messages/${m2.id}/attachments`, {
        token: b.token,
        body: { upload_id: html.id },
      })
    ).status,
    403,
  );
  const attached = await api(srv, 'POST', `/api/messages/${m2.id}/attachments`, {
    token: a.token,
    body: { upload_id: html.id },
  });
  assert.deepEqual(attached.body, { ok: true });
  const got = await download(b.token, html.id);
  assert.equal(got.headers.get('content-type'), 'application/octet-stream');
  assert.equal(
    got.headers.get('content-disposition'),
    `attachment; filename="_vil.html"; filename*=UTF-8''%C3%A9vil.html`,
  );
  const page = await api<{ messages: { id: string; attachments?: Upload[] }[] }>(
    srv,
    'GET',
    `/api/channels/${general}/messages`,
    { token: b.token },
  );
  assert.equal(page.body.messages.find((m) => m.id === m2.id)?.attachments?.[0]?.id, html.id);

  const secret = (
    await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: a.token,
      body: { name: 'vault', kind: 'private' },
    })
  ).body.channel.id;
  const hidden = (await upload(a.token, PNG, 'secret.png', 'image/png')).body.upload;
  await api(srv, 'POST', `/api/channels/${secret}/messages`, {
    token: a.token,
    body: { body: 'x', upload_id: hidden.id },
  });
  assert.equal((await download(b.token, hidden.id)).status, 404);
  assert.equal(
    (
      await api(srv, 'POST', `/api/channels/${general}/messages`, {
        token: b.token,
        body: { body: 'steal', upload_id: hidden.id },
      })
    ).status,
    403,
  );
  await api(srv, 'DELETE', `/api/messages/${msg.body.message.id}`, { token: a.token });
  assert.equal(
    (await download(b.token, png.id)).status,
    404,
    'deleting the message unlinks its files',
  );
});

test('a guest cannot download or read what is attached in a DM or a channel other than the guest channel', async () => {
  const guest = await signIn(srv, 'guest@x.io', 'G');
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: a.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: guest.token });
  const png = (await upload(a.token, PNG, 'team.png', 'image/png')).body.upload;
  const sent = await api(srv, 'POST', `/api/channels/${general}/messages`, {
    token: a.token,
    body: { body: 'for the team', upload_id: png.id },
  });
  assert.equal(sent.status, 201);
  const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
    token: a.token,
    body: { workspace_id: wid, member_ids: [guest.userId] },
  });
  assert.equal(dm.status, 201);
  const secret = (await upload(a.token, PNG, 'just-us.png', 'image/png')).body.upload;
  const inDm = await api<MessageResponse>(
    srv,
    'POST',
    `/api/dms/${dm.body.conversation.id}/messages`,
    { token: a.token, body: { body: 'just us', upload_id: secret.id } },
  );
  assert.equal(inDm.status, 201);
  const readDmMessage = (token: string) =>
    api(srv, 'GET', `/api/messages/${inDm.body.message.id}`, { token });
  assert.equal((await download(guest.token, png.id)).status, 200, 'a member downloads it');
  assert.equal((await download(guest.token, secret.id)).status, 200, 'a DM member downloads it');
  assert.equal((await readDmMessage(guest.token)).status, 200, 'a DM member reads it');
  const made = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${guest.userId}`, {
    token: a.token,
    body: { role: 'guest' },
  });
  assert.equal(made.status, 200);
  assert.equal((await download(guest.token, png.id)).status, 404);
  assert.equal((await download(guest.token, secret.id)).status, 404);
  assert.equal((await readDmMessage(guest.token)).status, 404);
  assert.equal((await download(b.token, png.id)).status, 200);
  assert.equal((await download(a.token, secret.id)).status, 200);
  assert.equal((await readDmMessage(a.token)).status, 200);
});

test('orphaned uploads are swept after the grace period', async () => {
  const orphan = (await upload(a.token, PNG, 'orphan.png', 'image/png')).body.upload;
  const before = readdirSync(join(srv.dataDir, 'uploads')).length;
  const blobs = new LocalDiskBlobStore(join(srv.dataDir, 'uploads'));
  assert.ok(
    (await sweepOrphanUploads(
      { ...srv.deps, uploads: { blobs, maxBytes: 1, quota: DEFAULT_UPLOAD_QUOTA } },
      0,
    )) >= 1,
  );
  assert.equal((await download(a.token, orphan.id)).status, 404);
  assert.ok(readdirSync(join(srv.dataDir, 'uploads')).length < before);
});

// The sweep lists orphans first and deletes them one by one; a message may attach one of
// them in between, and that delete must then leave it alone.
test('an upload attached after the orphan list was read is not deleted', async () => {
  const late = (await upload(a.token, PNG, 'late.png', 'image/png')).body.upload;
  const orphans = await srv.deps.store.read.uploads.orphans(new Date().toISOString(), 500);
  assert.ok(orphans.some((u) => u.id === late.id));
  await api(srv, 'POST', `/api/channels/${general}/messages`, {
    token: a.token,
    body: { body: 'attached just in time', upload_id: late.id },
  });
  assert.equal(await srv.deps.store.write((tx) => tx.uploads.deleteIfOrphan(late.id)), false);
  assert.equal((await download(a.token, late.id)).status, 200);
});
