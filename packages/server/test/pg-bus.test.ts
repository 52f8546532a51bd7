// The node bus over PostgreSQL LISTEN/NOTIFY, two buses on one real database: messages too
// large for a notification travel through bus_payloads, in order, and the rows are swept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { BusMessage } from '../src/realtime/node-bus.js';
import { PgNotifyBus } from '../src/realtime/pg-bus.js';
import { ClusterPresence } from '../src/realtime/presence.js';
import { openStore } from '../src/store/open.js';
import { createPgTestDatabase, dropPgTestDatabase, poll, TEST_PG_URL, until } from './helpers.js';

const SKIP = TEST_PG_URL
  ? false
  : 'CLICKCLACK_TEST_PG_URL is not set: the PostgreSQL bus is skipped';
if (SKIP) console.log(`# ${SKIP}`);

const dir = mkdtempSync(join(tmpdir(), 'cc-bus-'));
let url: string;
let sender: PgNotifyBus;
let receiver: PgNotifyBus;
const got: BusMessage[] = [];

before(async () => {
  if (SKIP) return;
  url = await createPgTestDatabase(dir);
  await (await openStore(url, { migrate: true })).close();
  sender = await PgNotifyBus.connect(url, { keepMs: 1_500, sweepMs: 200 });
  receiver = await PgNotifyBus.connect(url);
  receiver.onMessage((msg) => got.push(msg));
});
after(async () => {
  if (SKIP) return;
  await Promise.all([sender.close(), receiver.close()]);
  await dropPgTestDatabase(dir);
  rmSync(dir, { recursive: true, force: true });
});

const storedRows = async (): Promise<number> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM bus_payloads');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
};

const ephemeral = (frame: string): BusMessage => ({
  kind: 'ephemeral',
  workspaceId: 'ws_1',
  frame,
  audience: 'workspace',
});

test(
  '20 KB messages arrive whole, in order with small ones; their stored rows are swept',
  { skip: SKIP },
  async () => {
    const big1 = JSON.stringify({ type: 'agent.progress', payload: { text: 'é'.repeat(10_000) } });
    const big2 = JSON.stringify({ type: 'agent.progress', payload: { text: 'x'.repeat(20_000) } });
    assert.ok(Buffer.byteLength(big1) > 20_000 && Buffer.byteLength(big2) > 20_000);
    sender.send(ephemeral(big1));
    sender.send(ephemeral('small'));
    sender.send(ephemeral(big2));
    await until('three messages', () => got.length >= 3);
    assert.deepEqual(got, [ephemeral(big1), ephemeral('small'), ephemeral(big2)]);
    // Only the large ones were stored, and a sweep deletes them once they are old.
    const rows = await storedRows();
    assert.equal(rows, 2, 'the two large messages are stored');
    assert.equal(await poll(storedRows, (n) => n === 0, 5_000), 0);
  },
);

test(
  'presence over the bus: a change missed while disconnected is repaired by the next beat; a silent node is dropped after its lease',
  { skip: SKIP },
  async () => {
    const busA = await PgNotifyBus.connect(url);
    const busB = await PgNotifyBus.connect(url);
    const seenOnB: string[] = [];
    const a = new ClusterPresence(
      (m) => busA.send(m),
      () => undefined,
      { beatMs: 100, leaseMs: 1_500 },
    );
    const b = new ClusterPresence(
      (m) => busB.send(m),
      (ws, user, online) => seenOnB.push(`${user} ${online ? 'online' : 'offline'}`),
      { beatMs: 100, leaseMs: 1_500 },
    );
    // No resync on reconnect here: only the numbered beats can reveal the missed change.
    busA.onMessage((m) => m.kind === 'presence' && a.receive(m));
    busB.onMessage((m) => m.kind === 'presence' && b.receive(m));
    try {
      a.localChanged('ws_1', 'u1', true);
      await until('u1 on B', () => b.presentUsers('ws_1').includes('u1'));
      // Every listening connection is cut; the change A makes meanwhile is never sent.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'clickclack-listen' AND datname = current_database()",
      );
      await admin.end();
      a.localChanged('ws_1', 'u2', true);
      await until('u2 on B', () => b.presentUsers('ws_1').includes('u2'), 10_000);
      assert.deepEqual(b.presentUsers('ws_1'), ['u1', 'u2']);
      // A falls silent without a goodbye (its bus is gone): B drops its users after the lease.
      await busA.close();
      const silentAt = Date.now();
      await until('A dropped', () => b.presentUsers('ws_1').length === 0, 10_000);
      assert.ok(Date.now() - silentAt >= 1_000, 'not before the lease ran out');
      assert.deepEqual(seenOnB, ['u1 online', 'u2 online', 'u1 offline', 'u2 offline']);
    } finally {
      a.stop();
      b.stop();
      await Promise.all([busA.close(), busB.close()]);
    }
  },
);
