#!/usr/bin/env node
// Client commands run from one bundled file (scripts/bundle-cli.mjs), which starts far
// faster than resolving every module; server commands load the server's modules as built.
import { isServerCommand } from '../dist/cli/command-kinds.js';

await import(isServerCommand(process.argv[2]) ? '../dist/main.js' : '../dist/cli/clickclack.mjs');
