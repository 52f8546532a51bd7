import { spawnSync } from 'node:child_process';
import { BIN, startServer } from './lib.mjs';
const srv = await startServer();
const env = { ...process.env, CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: srv.session, NODE_DEBUG: '' };
for (let i = 0; i < 3; i++) spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/cliprof', BIN, 'messages', 'list', '--json'], { env });
const r = spawnSync(process.execPath, ['-e', `
const orig = globalThis.fetch; let n=0; const t0=performance.now();
globalThis.fetch = async (u, o) => { const s=performance.now(); const r = await orig(u, o); console.error('fetch', ++n, String(u).replace(/^http:..[^/]+/,''), (performance.now()-s).toFixed(1)+'ms', 'at', (s-t0).toFixed(1)); return r; };
await import(${JSON.stringify(BIN)});
`, 'x', 'messages', 'list', '--json'], { env, encoding: 'utf8' });
console.log(r.stderr);
await srv.stop();
