import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgTestDatabase, dropPgTestDatabase, PNG, TEST_PG_URL } from './helpers.js';
import { cliOk, startServer } from './processes.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

/**
 * The real `serve` and `backup` binaries, started the way an operator would (a data
 * directory that does not exist yet, the usual 022 umask): nothing they write is readable
 * by other local users.
 */
test('the database, its WAL and SHM, uploads and backups are private to their owner', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cc-modes-'));
  const data = join(root, 'data');
  const dbArgs = TEST_PG_URL ? ['--db', await createPgTestDatabase(data)] : [];
  const srv = await startServer({ dataDir: data, args: dbArgs });
  try {
    const magic = await cliOk([
      'admin',
      'magic-link',
      'create',
      '--data',
      data,
      ...dbArgs,
      '--email',
      'modes@x.io',
    ]);
    const consume = await fetch(`${srv.url}/api/auth/magic/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: magic }),
    });
    const { token } = (await consume.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const made = await fetch(`${srv.url}/api/workspaces`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Modes' }),
    });
    const { workspace } = (await made.json()) as { workspace: { id: string } };
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'dot.png');
    const up = await fetch(`${srv.url}/api/uploads?workspace_id=${workspace.id}`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    assert.equal(up.status, 201);
    const backup = join(root, 'backup.db');
    await cliOk(['backup', '--data', data, ...dbArgs, '--out', backup]);

    const uploads = join(data, 'uploads');
    const stored = readdirSync(uploads);
    assert.equal(stored.length, 1);
    const expected: Record<string, string> = {
      [data]: '0700',
      [uploads]: '0700',
      [join(data, 'logs')]: '0700',
      [join(uploads, stored[0]!)]: '0600',
      [backup]: '0600',
    };
    // The server still runs, so SQLite's WAL and shared-memory files exist.
    if (!TEST_PG_URL)
      for (const f of ['clickclack.db', 'clickclack.db-wal', 'clickclack.db-shm'])
        expected[join(data, f)] = '0600';
    const actual = Object.fromEntries(Object.keys(expected).map((p) => [p, modeOf(p)]));
    assert.deepEqual(actual, expected);
  } finally {
    await srv.cleanup();
    if (TEST_PG_URL) await dropPgTestDatabase(data);
    rmSync(root, { recursive: true, force: true });
  }
});
