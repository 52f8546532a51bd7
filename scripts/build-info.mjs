// The commit and date `clickclack version` prints, fixed when the CLI is built
// (scripts/bundle-cli.mjs writes packages/server/dist/build-info.json). Outside a git
// checkout, or without git, the commit is `none`, as the reference CLI's unset value.
// `node scripts/build-info.mjs FILE` writes FILE.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

function gitCommit() {
  try {
    const out = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() || 'none';
  } catch {
    return 'none';
  }
}

export function writeBuildInfo(file) {
  // RFC 3339 in UTC to the second, as release builds stamp it.
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  writeFileSync(file, `${JSON.stringify({ commit: gitCommit(), date })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.argv[2]) throw new Error('usage: node scripts/build-info.mjs FILE');
  writeBuildInfo(process.argv[2]);
}
