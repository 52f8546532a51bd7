import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { ClickClackClient, type WebSocketConstructor } from '@clickclack/sdk';
import { runOriginalSdkScript } from './fixtures/original-sdk-script.js';
import { startServer, type RunningServer } from './helpers.js';

// Code written against the original ClickClack SDK must compile and run unchanged against
// ours: the script only uses the original's documented names, arguments and return types.
const SCRIPT = fileURLToPath(new URL('./fixtures/original-sdk-script.ts', import.meta.url));

let srv: RunningServer;
// Dev bootstrap: the script signs in the original way, with requestMagicLink on loopback.
before(async () => (srv = await startServer({ devBootstrap: true })));
after(() => srv.cleanup());

test('a script typed against the original SDK type-checks against ours', async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const flags = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node'];
  const target = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  const run = await promisify(execFile)(process.execPath, [tsc, ...flags, ...target, SCRIPT]).then(
    () => ({ ok: true, out: '' }),
    (err: { stdout?: string }) => ({ ok: false, out: err.stdout ?? String(err) }),
  );
  assert.ok(run.ok, run.out);
});

test('a script written against the original SDK runs unchanged on a real server', async () => {
  await runOriginalSdkScript({
    baseUrl: srv.url,
    webSocket: WebSocket as unknown as WebSocketConstructor,
    addMember: async (ownerToken, workspaceId, userId) => {
      const owner = new ClickClackClient({ baseUrl: srv.url, token: ownerToken });
      await owner.workspaces.addMember(workspaceId, { user_id: userId });
    },
  });
});
