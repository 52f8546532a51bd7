import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, runCli, startServer } from './helpers.js';

test('serve reads a --config file, env overrides it, and dev bootstrap provisions #general', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-serve-'));
  const cfg = join(dir, 'config.json');
  writeFileSync(cfg, JSON.stringify({ dev_bootstrap: true, data: join(dir, 'from-file') }));
  const srv = await startServer({
    dataDir: join(dir, 'from-flag'),
    args: ['--config', cfg],
    env: { CLICKCLACK_DEV_BOOTSTRAP: 'false' },
  });
  try {
    // The flag (--data) beat the file; dev bootstrap came from the file (the env var is ignored).
    assert.equal(srv.dataDir, join(dir, 'from-flag'));
    const me = await http<{ user: { display_name: string } }>(srv.url, 'GET', '/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.display_name, 'Local Captain');
    const ws = await http<{ workspaces: { id: string; slug: string }[] }>(
      srv.url,
      'GET',
      '/api/workspaces',
    );
    assert.equal(ws.body.workspaces[0]!.slug, 'clickclack');
    const chs = await http<{ channels: { name: string }[] }>(
      srv.url,
      'GET',
      `/api/workspaces/${ws.body.workspaces[0]!.id}/channels`,
    );
    assert.deepEqual(
      chs.body.channels.map((c) => c.name),
      ['general'],
    );
    const health = await http(srv.url, 'GET', '/healthz');
    assert.equal(health.status, 200);
  } finally {
    await srv.cleanup();
  }
});

test('serve refuses bad configuration with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-serve-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{oops');
  for (const [args, env, err] of [
    [['serve', '--config', bad], {}, /parse config/],
    [['serve', '--config', join(dir, 'missing.json')], {}, /read config/],
    [['serve', '--addr', 'nonsense', '--data', dir], {}, /invalid listen address/],
    [['serve', '--data', dir], { CLICKCLACK_DEV_BOOTSTRAP: 'maybe' }, /invalid boolean/],
    [
      ['serve', '--data', dir, '--realtime-replay-limit', '0'],
      {},
      /replay limit must be a positive integer/,
    ],
    [
      ['serve', '--data', dir, '--upload-max-bytes', 'lots'],
      {},
      /upload max bytes must be a positive integer/,
    ],
  ] as [string[], Record<string, string>, RegExp][]) {
    const r = await runCli(args, { env });
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, err);
  }
});
