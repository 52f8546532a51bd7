// Runs every *.test.ts under packages/*/test and test/ with node's test runner, on SQLite;
// then, when CLICKCLACK_TEST_PG_URL is set, the server suite again on PostgreSQL.
// Node 20's --test takes no globs, so the file list is built here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const roots = ['test', ...readdirSync('packages').map((p) => join('packages', p, 'test'))];
const files = [];
const walk = (dir) => {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.ts')) files.push(p);
  }
};
roots.forEach(walk);
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
/** Each pass's "failing tests" section, printed again at the very end (see below). */
const failures = [];
const run = async (label, list, env) => {
  console.log(`\n# ${label}: ${list.length} test file(s)\n`);
  const child = spawn(
    process.execPath,
    // A per-test bound, so a server that never starts fails its file instead of holding
    // the run until CI's 90 minutes are gone.
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', ...list],
    { stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  child.stdout.setEncoding('utf8');
  let out = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    out += chunk;
  });
  const status = await new Promise((done) => child.on('close', (code) => done(code ?? 1)));
  const at = out.lastIndexOf('✖ failing tests:');
  if (at >= 0) failures.push(`# ${label} pass: ${out.slice(at)}`);
  return status;
};

// Pass 1: everything on SQLite (the PostgreSQL-only tests print why they are skipped).
const pgUrl = process.env.CLICKCLACK_TEST_PG_URL ?? '';
const sqliteEnv = { ...process.env };
delete sqliteEnv.CLICKCLACK_TEST_PG_URL;
// With PostgreSQL available its own tests run in pass 2 only.
const pgOnly = (f) =>
  ['postgres.test.ts', 'multinode.test.ts', 'copy.test.ts', 'nginx.test.ts'].some((n) =>
    f.endsWith(join('server', 'test', n)),
  );
const firstPass = pgUrl ? selected.filter((f) => !pgOnly(f)) : selected;
let status = firstPass.length > 0 ? await run('SQLite', firstPass, sqliteEnv) : 0;

// Pass 2: with CLICKCLACK_TEST_PG_URL set, the server suite again, unchanged, on
// PostgreSQL (each test server gets a fresh database on that server).
const serverFiles = selected.filter(
  (f) => f.startsWith(join('packages', 'server', 'test')) && !f.endsWith('group-commit.test.ts'),
);
if (pgUrl && serverFiles.length > 0) {
  status =
    (await run('PostgreSQL', serverFiles, { ...process.env, CLICKCLACK_TEST_PG_URL: pgUrl })) ||
    status;
} else if (!pgUrl) {
  console.log('\n# PostgreSQL pass skipped: CLICKCLACK_TEST_PG_URL is not set');
}
// A CI log is often read from its end: the failures of every pass, with their errors, last.
if (failures.length > 0)
  console.log(`\n# failures, repeated from each pass\n\n${failures.join('\n')}`);
process.exit(status);
