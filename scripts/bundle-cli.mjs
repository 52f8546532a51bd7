// Bundles the CLI's client path into one ESM file (packages/server/dist/cli/clickclack.mjs).
// Resolving and linking ~150 separate modules (and commander's CommonJS through the ESM
// loader's lexer) cost ~45 ms of every client command's start-up; one file costs a parse.
// Server commands stay separate: program.ts imports ./server/index.js only when asked for,
// and the bundle sits beside that directory so the same relative import still resolves.
// `clickclack mcp` loads ./mcp/stdio.js (and the MCP SDK) the same way: only when run.
import { build } from 'esbuild';
import { writeBuildInfo } from './build-info.mjs';

await build({
  entryPoints: ['packages/server/dist/main.js'],
  outfile: 'packages/server/dist/cli/clickclack.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['./server/index.js', './mcp/stdio.js'],
  // Bundled CommonJS (commander) calls require() for node builtins; ESM has none.
  banner: {
    js: "import { createRequire as __ccRequire } from 'node:module'; const require = __ccRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// Read by `clickclack version` (server commands load dist/ as built, beside the bundle).
writeBuildInfo('packages/server/dist/build-info.json');
