import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, Upload } from '@clickclack/protocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOk, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let token: string;
const as = () => ({ env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } });

before(async () => {
  srv = await startServer();
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  token = await sessionFor(srv, 'ada@example.com');
});
after(() => srv.cleanup());

test('upload a file, post it to a channel, attach it to a message, download it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-up-'));
  const file = join(dir, 'notes.txt');
  const content = 'line one\n'.repeat(20000);
  writeFileSync(file, content);
  const plain = await cliOk(['upload', file, '--plain'], as());
  assert.match(plain, /^upl_\w+$/);
  const posted = JSON.parse(
    await cliOk(['upload', file, '--channel', 'general', '--body', 'the notes', '--json'], as()),
  ) as { upload: Upload; message_id: string };
  assert.equal(posted.upload.content_type, 'text/plain');
  assert.equal(posted.upload.byte_size, Buffer.byteLength(content));
  const list = JSON.parse(await cliOk(['messages', 'list', '--json', '--limit', '1'], as())) as {
    messages: Message[];
  };
  assert.equal(list.messages[0]!.id, posted.message_id);
  assert.equal(list.messages[0]!.attachments![0]!.id, posted.upload.id);
  const res = await fetch(`${srv.url}/api/uploads/${posted.upload.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(await res.text(), content);
  const msg = await cliOk(['send', 'attach later', '--plain'], as());
  assert.match(
    await cliOk(['upload', file, '--message', msg], as()),
    new RegExp(`^uploaded upl_\\w+ \\(notes\\.txt, \\d+ bytes\\) to ${msg}$`),
  );
  const missing = await runCli(['upload', join(dir, 'nope.bin')], as());
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /read .*nope\.bin/);
});
