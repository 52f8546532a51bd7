// Contract drift gate: the OpenAPI document built from the protocol package must match the
// committed snapshot. Run with --update after an intended contract change.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApi } from '../packages/protocol/dist/index.js';

const path = new URL('../packages/protocol/openapi.snapshot.json', import.meta.url);
const current = `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
if (process.argv.includes('--update')) {
  writeFileSync(path, current);
  console.log('openapi snapshot updated');
} else {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // fall through to the mismatch message
  }
  if (committed !== current) {
    console.error(
      'OpenAPI drift: run `node scripts/check-openapi.mjs --update` and commit the snapshot',
    );
    process.exit(1);
  }
}
