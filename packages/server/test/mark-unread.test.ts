import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  DmListResponse,
  DmResponse,
  ReceiptResponse,
} from '@clickclack/protocol';
import { callersOf, startTestServer, team, type TestServer } from './helpers.js';

type Receipt = ReceiptResponse;

let srv: TestServer;
const { call, ok } = callersOf(() => srv);

before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

test('mark unread moves the read pointer back to just before a message, and recounts', async () => {
  const t = await team(srv, [
    ['una@x.io', 'Una'],
    ['vic@x.io', 'Vic'],
  ]);
  const [una, vic] = t.members as [(typeof t.members)[0], (typeof t.members)[0]];
  await ok(una, 'PATCH', '/api/me', { handle: 'una' });
  const seqs: number[] = [];
  for (const body of ['one', 'two @una', 'three']) {
    const res = await ok<{ message: { channel_seq: number } }>(
      vic,
      'POST',
      `/api/channels/${t.generalId}/messages`,
      { body },
    );
    seqs.push(res.message.channel_seq);
  }
  await ok(una, 'POST', `/api/channels/${t.generalId}/read`, { seq: seqs[2] });
  const general = async () =>
    (
      await ok<ChannelListResponse>(una, 'GET', `/api/workspaces/${t.workspaceId}/channels`)
    ).channels.find((c) => c.id === t.generalId)!;
  assert.equal((await general()).unread_count, 0);

  // From "two @una": it and "three" are unread again, and the mention counts again.
  const back = await ok<Receipt>(una, 'POST', `/api/channels/${t.generalId}/unread`, {
    seq: seqs[1],
  });
  assert.equal(back.receipt.last_read_seq, seqs[1]! - 1);
  assert.equal(back.receipt.mention_count, 1);
  const after = await general();
  assert.equal(after.unread_count, 2);
  assert.equal(after.mention_count, 1);
  assert.equal(after.last_read_seq, seqs[1]! - 1);
  // A message already unread leaves the pointer where it is; reading moves it forward again.
  const again = await ok<Receipt>(una, 'POST', `/api/channels/${t.generalId}/unread`, {
    seq: seqs[2],
  });
  assert.equal(again.receipt.last_read_seq, seqs[1]! - 1);
  await ok(una, 'POST', `/api/channels/${t.generalId}/read`, { seq: seqs[2] });
  assert.equal((await general()).unread_count, 0);

  // Bad input is a clear 400; a channel the caller cannot see is a 404.
  const bad = await call(una, 'POST', `/api/channels/${t.generalId}/unread`, { seq: 0 });
  assert.equal(bad.status, 400);
  assert.ok(typeof bad.body.error === 'string');
  const secret = await ok<ChannelResponse>(
    vic,
    'POST',
    `/api/workspaces/${t.workspaceId}/channels`,
    { name: 'vic-only', kind: 'private' },
  );
  const hidden = await call(una, 'POST', `/api/channels/${secret.channel.id}/unread`, { seq: 1 });
  assert.equal(hidden.status, 404);

  // DMs: the same, for the caller only.
  const dm = await ok<DmResponse>(vic, 'POST', '/api/dms', {
    workspace_id: t.workspaceId,
    member_ids: [una.userId],
  });
  const dmId = dm.conversation.id;
  const dmSeqs: number[] = [];
  for (const body of ['psst', 'are you there', 'hello?']) {
    const res = await ok<{ message: { channel_seq: number } }>(
      vic,
      'POST',
      `/api/dms/${dmId}/messages`,
      { body },
    );
    dmSeqs.push(res.message.channel_seq);
  }
  await ok(una, 'POST', `/api/dms/${dmId}/read`, { seq: dmSeqs[2] });
  const dmOf = async (who: typeof una) =>
    (
      await ok<DmListResponse>(who, 'GET', `/api/dms?workspace_id=${t.workspaceId}`)
    ).conversations.find((d) => d.id === dmId)!;
  assert.equal((await dmOf(una)).unread_count, 0);
  const dmBack = await ok<Receipt>(una, 'POST', `/api/dms/${dmId}/unread`, { seq: dmSeqs[0] });
  assert.equal(dmBack.receipt.last_read_seq, dmSeqs[0]! - 1);
  assert.equal((await dmOf(una)).unread_count, 3);
  assert.equal((await dmOf(vic)).unread_count, 0);
  const outsider = await call(t.owner, 'POST', `/api/dms/${dmId}/unread`, { seq: 1 });
  assert.ok(outsider.status === 404 || outsider.status === 403, String(outsider.status));
});
