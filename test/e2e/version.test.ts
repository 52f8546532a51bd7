import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliOk } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

test('version prints the package version, and the commit and date of the build', async () => {
  const { version } = JSON.parse(
    readFileSync(join(root, 'packages/server/package.json'), 'utf8'),
  ) as { version: string };
  const out = await cliOk(['version']);
  const m = /^clickclack (\S+) \(([^,\s]+), (\S+)\)$/.exec(out);
  assert.ok(m, out);
  const [, printed, commit, date] = m as unknown as [string, string, string, string];
  assert.equal(printed, version);
  // Built from this checkout (CI builds from a fresh clone): a commit of this repository.
  if (git('rev-parse', 'HEAD').status === 0) {
    assert.match(commit, /^[0-9a-f]{7,40}$/);
    assert.equal(git('cat-file', '-e', `${commit}^{commit}`).status, 0, `${commit} is no commit`);
  } else {
    assert.equal(commit, 'none');
  }
  assert.match(date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Date.parse(date) <= Date.now(), 'built in the past');
});

test('a build outside a git checkout stamps commit none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-nogit-'));
  try {
    const file = join(dir, 'build-info.json');
    const r = spawnSync(process.execPath, [join(root, 'scripts/build-info.mjs'), file], {
      cwd: dir,
      // Stop git from finding a repository above the temp directory.
      env: { ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(readFileSync(file, 'utf8')) as { commit: string; date: string };
    assert.equal(info.commit, 'none');
    assert.match(info.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
