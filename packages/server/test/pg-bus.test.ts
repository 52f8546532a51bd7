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
    return Number((await client.query('SELECT count(*) AS n FROM bus_payloads')).rows[0].n);
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
