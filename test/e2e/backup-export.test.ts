import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let token: string;
let general: string;
const out = mkdtempSync(join(tmpdir(), 'cc-out-'));

before(async () => {
  // The backup test posts as fast as three writers can: no per-user budget may stop them.
  srv = await startServer({ args: ['--rate-limits', 'messages=off'] });
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
  token = await sessionFor(srv, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token,
  });
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${ws.body.workspaces[0]!.id}/channels`,
    { token },
  );
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
});
after(() => srv.cleanup());

test('a backup taken while messages are being posted is a consistent database', async () => {
  let posting = true;
  let posted = 0;
  const writers = Array.from({ length: 3 }, async (_, w) => {
    while (posting) {
      const r = await http(srv.url, 'POST', `/api/channels/${general}/messages`, {
        token,
        body: { body: `writer ${w} #${posted}` },
      });
      assert.equal(r.status, 201);
      posted++;
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const file = join(out, 'backup.db');
  await cliOk(['backup', '--data', srv.dataDir, '--out', file]);
  posting = false;
  await Promise.all(writers);
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }) as string, 'ok');
  const n = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  assert.ok(n > 0 && n <= posted, `backup holds ${n} of ${posted}`);
  // Every message in the backup has its event and a gap-free seq: no torn transaction.
  const seqs = db
    .prepare('SELECT channel_seq FROM messages WHERE channel_id = ? ORDER BY channel_seq')
    .all(general) as { channel_seq: number }[];
  assert.deepEqual(
    seqs.map((s) => s.channel_seq),
    seqs.map((_, i) => i + 1),
  );
  const events = (
    db.prepare("SELECT count(*) AS n FROM events WHERE type = 'message.created'").get() as {
      n: number;
    }
  ).n;
  assert.equal(events, n);
  db.close();
  const again = await runCli(['backup', '--data', srv.dataDir, '--out', file]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
  assert.match((await runCli(['backup', '--data', srv.dataDir])).stderr, /--out is required/);
  assert.match(
    (await runCli(['backup', '--db', 'postgres://x@127.0.0.1/db', '--out', join(out, 'pg.db')]))
      .stderr,
    /pg_dump/,
  );
});

test('export: sorted tables and columns, secrets redacted, stdout or an atomic file', async () => {
  await cliOk([
    'admin',
    'bot',
    'create',
    '--data',
    srv.dataDir,
    '--workspace',
    (await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', { token }))
      .body.workspaces[0]!.id,
    '--created-by',
    (await http<{ user: { id: string } }>(srv.url, 'GET', '/api/me', { token })).body.user.id,
    '--name',
    'Bot',
  ]);
  const text = await cliOk(['export', '--data', srv.dataDir]);
  const dump = JSON.parse(text) as Record<string, Record<string, unknown>[]>;
  const tables = Object.keys(dump);
  assert.deepEqual(tables, [...tables].sort());
  for (const t of [
    'users',
    'workspaces',
    'workspace_members',
    'channels',
    'messages',
    'thread_state',
    'reactions',
    'uploads',
    'direct_conversations',
    'direct_conversation_members',
    'events',
    'sessions',
    'bot_tokens',
    'invites',
  ]) {
    assert.ok(t in dump, `missing ${t}`);
  }
  assert.ok(!('schema_migrations' in dump));
  const msg = dump.messages![0]!;
  assert.deepEqual(Object.keys(msg), Object.keys(msg).sort());
  for (const row of [...dump.sessions!, ...dump.bot_tokens!, ...dump.auth_magic_links!])
    assert.equal(row.token_hash, '[redacted]');
  assert.ok(!text.includes(token), 'no raw session token');
  assert.ok(!/"[0-9a-f]{64}"/.test(text), 'no hashes');

  const file = join(out, 'export.json');
  writeFileSync(file, 'previous');
  await cliOk(['export', '--data', srv.dataDir, '--out', file]);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object), tables);
  const link = join(out, 'sneaky.json');
  symlinkSync(join(srv.dataDir, 'clickclack.db'), link);
  for (const dest of [
    join(srv.dataDir, 'clickclack.db'),
    join(srv.dataDir, 'clickclack.db-wal'),
    link,
  ]) {
    const r = await runCli(['export', '--data', srv.dataDir, '--out', dest]);
    assert.equal(r.code, 1, dest);
    assert.match(r.stderr, /overlaps the SQLite database/);
  }
  const db = new Database(join(srv.dataDir, 'clickclack.db'), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
