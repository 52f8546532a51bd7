import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cliOk, http, sessionFor, startServer } from './helpers.js';

test('kill -9 while clients post: every acknowledged message survives, seqs stay unique', async () => {
  let srv = await startServer();
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  const token = await sessionFor(srv, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token,
  });
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${ws.body.workspaces[0]!.id}/channels`,
    { token },
  );
  const general = chs.body.channels.find((c) => c.name === 'general')!.id;

  const acked = new Set<string>();
  let stop = false;
  const clients = Array.from({ length: 4 }, async (_, c) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${srv.url}/api/channels/${general}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ body: `client ${c} message ${i}`, nonce: `c${c}-${i}` }),
        });
        if (res.status === 201)
          acked.add(((await res.json()) as { message: { id: string } }).message.id);
      } catch {
        // the server died mid-request: this one was never acknowledged
      }
    }
  });
  while (acked.size < 50) await new Promise((r) => setTimeout(r, 10));
  await srv.kill();
  stop = true;
  await Promise.all(clients);
  assert.ok(acked.size >= 50);

  srv = await startServer({ dataDir: srv.dataDir });
  try {
    const seen = new Set<string>();
    let after = 0;
    for (;;) {
      const page = await http<{ messages: { id: string; channel_seq: number }[] }>(
        srv.url,
        'GET',
        `/api/channels/${general}/messages?after_seq=${after}&limit=200`,
        { token },
      );
      if (page.body.messages.length === 0) break;
      for (const m of page.body.messages) seen.add(m.id);
      after = page.body.messages[page.body.messages.length - 1]!.channel_seq;
    }
    for (const id of acked) assert.ok(seen.has(id), `acknowledged ${id} was lost`);
    const db = new Database(join(srv.dataDir, 'clickclack.db'), { readonly: true });
    const seqs = db
      .prepare('SELECT channel_seq FROM messages WHERE channel_id = ? ORDER BY channel_seq')
      .all(general) as { channel_seq: number }[];
    db.close();
    assert.deepEqual(
      seqs.map((s) => s.channel_seq),
      seqs.map((_, i) => i + 1),
      'seqs are unique and gap-free',
    );
    const posted = await http(srv.url, 'POST', `/api/channels/${general}/messages`, {
      token,
      body: { body: 'after restart' },
    });
    assert.equal(posted.status, 201);
  } finally {
    await srv.cleanup();
  }
});
