import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Message,
  ReactionsResponse,
  SearchResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import {
  cliOk,
  joinWorkspace,
  runCli,
  sessionFor,
  startServer,
  type RunningServer,
} from './helpers.js';

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

test('messages edit/delete, react add/remove, pins list/add/remove, unread', async () => {
  const id = await cliOk(['send', 'original text', '--plain'], as());
  assert.equal(await cliOk(['messages', 'edit', id, 'better', 'text'], as()), `edited ${id}`);
  const edited = JSON.parse(await cliOk(['messages', 'list', '--json', '--limit', '1'], as())) as {
    messages: Message[];
  };
  assert.equal(edited.messages[0]!.body, 'better text');
  assert.ok(edited.messages[0]!.edited_at);

  assert.equal(await cliOk(['react', 'add', id, '🎉'], as()), `reaction added on ${id}`);
  const reacted = JSON.parse(
    await cliOk(['react', 'add', id, ':tada:', '--json'], as()),
  ) as ReactionsResponse;
  assert.equal(reacted.reactions.length, 2);
  const plain = await runCli(['react', 'add', id, '👍', '--plain'], as());
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /--plain is not supported/);
  assert.equal(await cliOk(['react', 'remove', id, '🎉'], as()), `reaction removed on ${id}`);
  const bad = await runCli(['react', 'add', id, 'not an emoji'], as());
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /400 Bad Request: emoji must be/);

  assert.equal(await cliOk(['pins', 'add', id], as()), `pinned ${id} in #general`);
  assert.equal(await cliOk(['pins', 'list'], as()), `${id}\tAda\tbetter text`);
  assert.equal(await cliOk(['pins', 'remove', id, '--plain'], as()), id);
  assert.equal(await cliOk(['pins', 'list'], as()), '');

  // Another user's messages show up as unread until read.
  const bob = await sessionFor(srv, 'bob@example.com', 'Bob');
  await joinWorkspace(
    srv,
    bob,
    (JSON.parse(await cliOk(['workspaces', 'list', '--json'], as())) as WorkspaceListResponse)
      .workspaces[0]!.id,
  );
  await cliOk(['send', '--token', bob, 'hello @nobody'], as());
  const unread = await cliOk(['unread'], as());
  assert.match(unread, /^chn_\w+\tgeneral\t1\t0$/);
  assert.equal(await cliOk(['unread', '--token', bob], as()), '');

  const found = await cliOk(['search', 'better'], as());
  assert.equal(found, `${id}\t#general\tAda\tbetter text`);
  assert.equal(
    (JSON.parse(await cliOk(['search', 'nothing-like-this', '--json'], as())) as SearchResponse)
      .results.length,
    0,
  );
  assert.equal(await cliOk(['messages', 'delete', id], as()), `deleted ${id}`);
  assert.equal(await cliOk(['search', 'better'], as()), '');
  const gone = await runCli(['messages', 'edit', id, 'again'], as());
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /deleted messages cannot be edited/);
});
