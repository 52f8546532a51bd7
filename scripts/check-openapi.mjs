// Contract drift gate: the OpenAPI document built from the protocol package must match the
// committed snapshot, and the SDK's route list (protocol/src/api/routes.ts: each operation's
// method and path, without the schemas, so clients need no TypeBox) must match the route
// table. Run with --update after an intended contract change.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApi, OPERATIONS } from '../packages/protocol/dist/index.js';

const routesText = () =>
  [
    '// Generated from operations.ts by `node scripts/check-openapi.mjs --update`: do not edit.',
    "// Each operation's method and path, for clients (the SDK) that need no schemas.",
    'export const ROUTES = {',
    ...Object.entries(OPERATIONS).map(
      ([id, op]) => `  ${id}: { method: '${op.method}', path: '${op.path}' },`,
    ),
    '} as const;',
    '',
    'export type RouteId = keyof typeof ROUTES;',
    '',
  ].join('\n');

const files = [
  {
    path: new URL('../packages/protocol/openapi.snapshot.json', import.meta.url),
    current: `${JSON.stringify(buildOpenApi(), null, 2)}\n`,
  },
  {
    path: new URL('../packages/protocol/src/api/routes.ts', import.meta.url),
    current: routesText(),
  },
];
if (process.argv.includes('--update')) {
  for (const f of files) writeFileSync(f.path, f.current);
  console.log('openapi snapshot and SDK route list updated');
} else {
  for (const f of files) {
    let committed = '';
    try {
      committed = readFileSync(f.path, 'utf8');
    } catch {
      // fall through to the mismatch message
    }
    if (committed !== f.current) {
      console.error(
        `Contract drift in ${f.path.pathname}: run \`node scripts/check-openapi.mjs --update\` and commit it`,
      );
      process.exit(1);
    }
  }
}
