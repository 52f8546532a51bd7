// `npm run bench [-- <name> [--size …]]`: runs one benchmark or all of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const ALL = [
  'send',
  'fanout',
  'replay',
  'history',
  'search',
  'memory',
  'cli',
  'postgres',
  'import',
];
const [name, ...rest] = process.argv.slice(2);
const names = name && !name.startsWith('--') ? [name] : ALL;
const args = name && !name.startsWith('--') ? rest : process.argv.slice(2);
for (const n of names) {
  const file = join(ROOT, 'bench', `${n}.mjs`);
  if (!existsSync(file)) {
    console.error(`unknown benchmark "${n}" (have: ${ALL.join(', ')})`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, [file, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
