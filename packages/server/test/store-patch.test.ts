import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './helpers.js';
import { patchedColumns } from '../src/store/patch.js';

// The store's one guard against `UPDATE t SET WHERE …`: a patch that sets nothing (no
// columns, or only undefined ones, which Kysely leaves out) runs no statement at all.

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

test('patchedColumns counts only the values Kysely would SET', () => {
  assert.deepEqual(patchedColumns({}), []);
  assert.deepEqual(patchedColumns({ topic: undefined, purpose: undefined }), []);
  assert.deepEqual(patchedColumns({ topic: undefined, archived_at: null, last_seq: 0 }), [
    'archived_at',
    'last_seq',
  ]);
});

test('every repository patch with nothing to set is a no-op, on the real database', async () => {
  const channel = (
    await srv.store.read.channels.listVisible(
      (await srv.store.read.workspaces.listForUser(srv.devUser.id))[0]!.id,
      srv.devUser.id,
    )
  )[0]!;
  for (const empty of [{}, { topic: undefined }] as Record<string, never>[]) {
    await srv.store.write(async (tx) => {
      await tx.channels.update(channel.id, empty);
      await tx.users.update(srv.devUser.id, empty);
      await tx.messages.update('msg_missing', empty);
      await tx.subscriptions.update('sub_missing', empty);
      await tx.subscriptions.updateDelivery('dlv_missing', empty);
      await tx.slash.update('slc_missing', empty);
      await tx.slash.finishInvocation('sli_missing', empty);
      await tx.webhooks.update('whk_missing', empty);
    });
  }
  // A patch with something in it is still written, its undefined columns left alone.
  await srv.store.write((tx) =>
    tx.channels.update(channel.id, { topic: 'patched', purpose: undefined }),
  );
  const after = await srv.store.read.channels.byId(channel.id);
  assert.equal(after?.topic, 'patched');
  assert.equal(after?.purpose, channel.purpose);
});
