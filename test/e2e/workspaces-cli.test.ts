import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Workspace,
  WorkspaceDeletionCounts,
  WorkspaceEventResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let owner: string;
let wid: string;
const data = (s = srv) => ['--data', s.dataDir];
const as = (token: string, env: Record<string, string> = {}) => ({
  env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token, ...env },
});

/** Who is in a workspace's #general, read from the server's database file. */
const inGeneral = (s: RunningServer, workspaceSlug = 'clickclack'): string[] => {
  const db = new Database(join(s.dataDir, 'clickclack.db'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT m.user_id FROM channel_members m JOIN channels c ON c.id = m.channel_id
         JOIN workspaces w ON w.id = c.workspace_id WHERE w.slug = ? AND c.name = 'general'`,
      )
      .pluck()
      .all(workspaceSlug) as string[];
  } finally {
    db.close();
  }
};

before(async () => {
  srv = await startServer();
  owner = await cliOk(['admin', 'bootstrap', ...data(), '--name', 'Ada', '--email', 'ada@x.io']);
  const ada = await sessionFor(srv, 'ada@x.io');
  wid = (
    JSON.parse(await cliOk(['workspaces', 'list', '--json'], as(ada))) as WorkspaceListResponse
  ).workspaces[0]!.id;
});
after(() => srv.cleanup());

test('the bootstrap owner and members the admin CLI adds are in #general', async () => {
  const bob = await cliOk(
    ['admin', 'user', 'create', ...data(), '--email', 'bob@x.io', '--workspace', wid],
    {},
  );
  const carol = await cliOk(['admin', 'user', 'create', ...data(), '--email', 'carol@x.io']);
  await cliOk([
    'admin',
    'member',
    'add',
    ...data(),
    '--workspace',
    wid,
    '--created-by',
    owner,
    '--user',
    carol,
  ]);
  assert.deepEqual(inGeneral(srv).sort(), [owner, bob, carol].sort());

  // `serve --dev-bootstrap` makes its local user the owner, in #general too.
  const dev = await startServer({ devBootstrap: true });
  try {
    const members = inGeneral(dev);
    assert.equal(members.length, 1);
    const db = new Database(join(dev.dataDir, 'clickclack.db'), { readonly: true });
    const role = db
      .prepare('SELECT role FROM workspace_members WHERE user_id = ?')
      .pluck()
      .get(members[0]);
    db.close();
    assert.equal(role, 'owner');
  } finally {
    await dev.cleanup();
  }
});

test('workspaces update, transfer and delete', async () => {
  const ada = await sessionFor(srv, 'ada@x.io');
  const dan = await sessionFor(srv, 'dan@x.io', 'Dan');
  await http(srv.url, 'PATCH', '/api/me', { token: dan, body: { handle: 'dan' } });
  const made = await http<{ workspace: { id: string } }>(srv.url, 'POST', '/api/workspaces', {
    token: ada,
    body: { name: 'Scratch' },
  });
  const scratch = made.body.workspace.id;
  await http(srv.url, 'POST', `/api/workspaces/${scratch}/members`, {
    token: ada,
    body: { handle: 'dan' },
  });
  await http(srv.url, 'POST', `/api/workspaces/${scratch}/channels`, {
    token: ada,
    body: { name: 'general' },
  });

  const noFields = await runCli(['workspaces', 'update', '--workspace', 'scratch'], as(ada));
  assert.equal(noFields.code, 1);
  assert.match(noFields.stderr, /usage: clickclack workspaces update/);
  assert.equal(
    await cliOk(
      ['workspaces', 'update', '--workspace', 'scratch', '--name', 'Scratch Pad'],
      as(ada),
    ),
    'updated scratch: Scratch Pad',
  );
  assert.equal(
    await cliOk(
      ['workspaces', 'update', '--name', 'Scratch Pad'],
      as(ada, { CLICKCLACK_WORKSPACE: scratch }),
    ),
    'scratch unchanged: Scratch Pad',
  );
  const slugged = JSON.parse(
    await cliOk(
      ['workspaces', 'update', '--workspace', scratch, '--slug', 'Pad!', '--json'],
      as(ada),
    ),
  ) as WorkspaceEventResponse;
  assert.equal(slugged.workspace.slug, 'pad');
  assert.equal(slugged.event!.type, 'workspace.updated');
  const byMember = await runCli(
    ['workspaces', 'update', '--workspace', 'pad', '--name', 'X'],
    as(dan),
  );
  assert.equal(byMember.code, 1);
  assert.match(byMember.stderr, /workspace manager permission required/);

  // Only a workspace named on the command line is handed over or deleted.
  for (const args of [
    ['workspaces', 'transfer', '@dan', '--yes'],
    ['workspaces', 'delete', '--yes'],
  ]) {
    const fromEnv = await runCli(args, as(ada, { CLICKCLACK_WORKSPACE: 'pad' }));
    assert.equal(fromEnv.code, 1);
    assert.match(fromEnv.stderr, new RegExp(`usage: clickclack workspaces ${args[1]} `));
  }
  const unconfirmed = await runCli(
    ['workspaces', 'transfer', '@dan', '--workspace', 'pad'],
    as(ada),
  );
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /refusing to hand pad to @dan without --yes/);
  const nobody = await runCli(
    ['workspaces', 'transfer', '@nobody', '--workspace', 'pad', '--yes'],
    as(ada),
  );
  assert.match(nobody.stderr, /user "@nobody" not found/);
  assert.equal(
    await cliOk(['workspaces', 'transfer', '@dan', '--workspace', 'pad', '--yes'], as(ada)),
    '@dan now owns pad; you are a moderator',
  );
  const roles = (
    JSON.parse(await cliOk(['workspaces', 'list', '--json'], as(ada))) as WorkspaceListResponse
  ).workspaces;
  assert.equal(roles.find((w) => w.id === scratch)!.role, 'moderator');

  await cliOk(['send', '--workspace', 'pad', '--channel', 'general', 'last words'], as(dan));
  const notOwner = await runCli(['workspaces', 'delete', '--workspace', 'pad', '--yes'], as(ada));
  assert.equal(notOwner.code, 1);
  assert.match(
    notOwner.stderr,
    /cannot delete pad: 2 members, 1 channels, 1 messages, 0 files \(workspace owner permission required\)/,
  );
  const noYes = await runCli(['workspaces', 'delete', '--workspace', 'pad'], as(dan));
  assert.equal(noYes.code, 1);
  assert.match(
    noYes.stderr,
    /refusing to permanently delete pad: 2 members, 1 channels, 1 messages, 0 files without --yes/,
  );
  const json = JSON.parse(
    await cliOk(['workspaces', 'delete', '--workspace', 'pad', '--yes', '--json'], as(dan)),
  ) as { counts: WorkspaceDeletionCounts; deleted_workspace: Workspace };
  assert.equal(json.deleted_workspace.id, scratch);
  assert.deepEqual(json.counts, { members: 2, channels: 1, messages: 1, files: 0 });
  const left = (
    JSON.parse(await cliOk(['workspaces', 'list', '--json'], as(ada))) as WorkspaceListResponse
  ).workspaces;
  assert.deepEqual(
    left.map((w) => w.id),
    [wid],
  );
  const gone = await runCli(['workspaces', 'delete', '--workspace', 'pad', '--yes'], as(dan));
  assert.match(gone.stderr, /workspace "pad" not found/);
});
