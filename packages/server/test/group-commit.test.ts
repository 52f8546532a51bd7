import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/open.js';
import type { Repos } from '../src/store/store.js';

const user = (id: string) => ({
  id,
  kind: 'human' as const,
  owner_user_id: null,
  display_name: id,
  handle: id,
  email: `${id}@example.com`,
  avatar_url: '',
  created_at: new Date().toISOString(),
  deleted_at: null,
});

test('concurrent writes share commits, and a failing one rolls back only itself', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-group-'));
  const url = `sqlite://${join(dir, 'clickclack.db')}`;
  const store = await openStore(url, { migrate: true });
  try {
    const ok = (id: string) => (tx: Repos) => tx.users.insert(user(id));
    const failing = (id: string) => async (tx: Repos) => {
      await tx.users.insert(user(id));
      throw new Error(`refused ${id}`);
    };
    // Another connection to the same file sees only what is committed.
    const outside = new Database(join(dir, 'clickclack.db'), { readonly: true });
    let seenOutsideBeforeCommit: unknown = 'not checked';
    // Issued in one turn of the event loop, so they land in one transaction: while the
    // third runs, the first is written but not yet committed.
    const results = await Promise.allSettled([
      store.write(ok('usr_a')),
      store.write(failing('usr_b')),
      store.write(async (tx) => {
        seenOutsideBeforeCommit = outside.prepare("SELECT id FROM users WHERE id = 'usr_a'").get();
        await tx.users.insert(user('usr_c'));
      }),
      // A unique-constraint failure inside the batch is isolated too.
      store.write(ok('usr_a')),
      store.write(ok('usr_d')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /refused usr_b/);
    assert.equal(seenOutsideBeforeCommit, undefined, 'the writes shared one commit');
    assert.equal(
      (outside.prepare("SELECT id FROM users WHERE id = 'usr_a'").get() as { id: string }).id,
      'usr_a',
    );
    outside.close();
    await store.close();

    // What was acknowledged is on disk; what was refused left nothing behind.
    const reopened = await openStore(url, { migrate: false });
    const ids = (await reopened.read.users.byIds(['usr_a', 'usr_b', 'usr_c', 'usr_d']))
      .map((u) => u.id)
      .sort();
    assert.deepEqual(ids, ['usr_a', 'usr_c', 'usr_d']);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a write alone in its transaction still rolls back entirely when it fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-group-'));
  const store = await openStore(`sqlite://${join(dir, 'clickclack.db')}`, { migrate: true });
  try {
    await assert.rejects(
      store.write(async (tx) => {
        await tx.users.insert(user('usr_x'));
        throw new Error('no');
      }),
      /no/,
    );
    assert.equal(await store.read.users.byId('usr_x'), undefined);
    // The store keeps working after a failed write.
    await store.write((tx) => tx.users.insert(user('usr_y')));
    assert.equal((await store.read.users.byId('usr_y'))?.id, 'usr_y');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the store announces the events of each commit once it is durable, none of a write that failed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-group-'));
  const store = await openStore(`sqlite://${join(dir, 'clickclack.db')}`, { migrate: true });
  try {
    await store.write((tx) =>
      tx.workspaces.insert({
        id: 'wsp_t',
        route_id: 'T0000000000000001',
        name: 'T',
        slug: 't',
        icon_url: '',
        created_at: new Date().toISOString(),
      }),
    );
    const heard: string[][] = [];
    const durable: boolean[] = [];
    const stop = store.onCommitted((events) => {
      heard.push(events.map((e) => e.type));
      // Announced after COMMIT: another connection already reads every announced event.
      const outside = new Database(join(dir, 'clickclack.db'), { readonly: true });
      for (const e of events)
        durable.push(!!outside.prepare('SELECT id FROM events WHERE id = ?').get(e.id));
      outside.close();
    });
    const append = (type: string) => (tx: Repos) =>
      tx.events.append({ type, workspace_id: 'wsp_t', payload: {} });
    const refused = async (tx: Repos) => {
      await append('refused')(tx);
      throw new Error('no');
    };
    // The first refusal rolls back the shared transaction; the second is then rolled back
    // to its SAVEPOINT in the retry, where the others commit.
    const results = await Promise.allSettled([
      store.write(append('first')),
      store.write(refused),
      store.write((tx) => tx.users.insert(user('usr_q'))),
      store.write(refused),
      store.write(append('second')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(heard, [['first', 'second']], 'one announcement for the one commit');
    assert.deepEqual(durable, [true, true]);
    // A commit that appended no event is not announced.
    await store.write((tx) => tx.users.insert(user('usr_r')));
    assert.equal(heard.length, 1);
    stop();
    await store.write(append('unheard'));
    assert.equal(heard.length, 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a batched write whose rows fail at the flush fails alone; the rest of its batch commits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-group-'));
  const store = await openStore(`sqlite://${join(dir, 'clickclack.db')}`, { migrate: true });
  try {
    const at = new Date().toISOString();
    await store.write((tx) =>
      tx.workspaces.insert({
        id: 'wsp_a',
        route_id: 'Wa',
        name: 'A',
        slug: 'a',
        icon_url: '',
        created_at: at,
      }),
    );
    // Batched writes only queue their rows: the event of a missing workspace breaks the
    // flush of the whole batch (a foreign key), which then runs again write by write.
    const append = (workspace: string, type: string) => (tx: Repos) =>
      tx.events.append({ type, workspace_id: workspace, payload: {} });
    const results = await Promise.allSettled([
      store.write(append('wsp_a', 'one'), { batched: true }),
      store.write(append('wsp_gone', 'two'), { batched: true }),
      store.write(append('wsp_a', 'three'), { batched: true }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const stored = await store.read.events.allAfter('', 10);
    assert.deepEqual(
      stored.map((e) => e.type),
      ['one', 'three'],
    );
    // Each writer was answered with the event as it was stored.
    assert.deepEqual(
      stored.map((e) => e.cursor),
      results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.cursor] : [])),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
