import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Channel,
  DeleteChannelResponse,
  Workspace,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

/** `clickclack channels list --json`. */
type ChannelList = { channels: Channel[]; workspace: Workspace };

let srv: RunningServer;
let ada: string;
let bob: string;
const as = (token: string) => ({ env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } });

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
  ada = await sessionFor(srv, 'ada@example.com');
  bob = await sessionFor(srv, 'bob@example.com', 'Bob');
  const wid = (
    JSON.parse(await cliOk(['workspaces', 'list', '--json'], as(ada))) as WorkspaceListResponse
  ).workspaces[0]!.id;
  const invite = await http<{ token: string }>(srv.url, 'POST', `/api/workspaces/${wid}/invites`, {
    token: ada,
    body: {},
  });
  await http(srv.url, 'POST', `/api/invites/${invite.body.token}/accept`, { token: bob });
  await http(srv.url, 'PATCH', '/api/me', { token: bob, body: { handle: 'bob' } });
});
after(() => srv.cleanup());

test('dms open/send/list', async () => {
  const dm = await cliOk(['dms', 'open', '@bob', '--plain'], as(ada));
  assert.match(dm, /^dm_\w+$/);
  assert.equal(await cliOk(['dms', 'open', '@bob', '--plain'], as(ada)), dm, '1:1 DMs are reused');
  assert.match(
    await cliOk(['dms', 'send', dm, 'hi', 'bob'], as(ada)),
    new RegExp(`^sent msg_\\w+ to ${dm}$`),
  );
  const list = await cliOk(['dms', 'list'], as(bob));
  assert.equal(list, `${dm}\tAda, Bob\t1`);
  const missing = await runCli(['dms', 'open', '@nobody'], as(ada));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /user "@nobody" not found/);
});

test('channels create/join/members/leave/archive', async () => {
  const id = await cliOk(
    ['channels', 'create', 'launch', '--topic', 'T-minus 3', '--plain'],
    as(ada),
  );
  assert.match(id, /^chn_/);
  assert.equal(await cliOk(['channels', 'join', 'launch'], as(bob)), 'joined #launch');
  const members = await cliOk(['channels', 'members', '#launch'], as(bob));
  assert.equal(members.split('\n').length, 2);
  assert.match(members, /\tBob\tbob$/m);
  assert.equal(await cliOk(['channels', 'leave', 'launch'], as(bob)), 'left #launch');
  const secret = await cliOk(['channels', 'create', 'secret-ops', '--private', '--plain'], as(ada));
  const hidden = await runCli(['channels', 'join', secret], as(bob));
  assert.equal(hidden.code, 1);
  assert.equal(await cliOk(['channels', 'archive', 'launch'], as(ada)), 'archived #launch');
  const json = JSON.parse(await cliOk(['channels', 'list', '--json'], as(ada))) as ChannelList;
  const launch = json.channels.find((c) => c.name === 'launch')!;
  assert.ok(launch.archived_at);
  assert.equal(launch.topic, 'T-minus 3');
  const usage = await runCli(['channels', 'join'], as(bob));
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /usage: clickclack channels join/);
});

test('channels delete: only a --channel named on the command line, with --yes, by the owner', async () => {
  const id = await cliOk(['channels', 'create', 'scratch', '--plain'], as(ada));
  await cliOk(['send', '--channel', 'scratch', 'first draft'], as(ada));
  assert.equal(await cliOk(['channels', 'join', 'scratch'], as(bob)), 'joined #scratch');

  // A channel chosen by the environment never selects what to delete.
  const fromEnv = await runCli(['channels', 'delete', '--yes'], {
    env: { ...as(ada).env, CLICKCLACK_CHANNEL: 'scratch' },
  });
  assert.equal(fromEnv.code, 1);
  assert.match(fromEnv.stderr, /usage: clickclack channels delete --channel CHANNEL --yes/);

  const unconfirmed = await runCli(['channels', 'delete', '--channel', 'scratch'], as(ada));
  assert.equal(unconfirmed.code, 1);
  assert.match(
    unconfirmed.stderr,
    /refusing to permanently delete #scratch: 1 messages, 0 thread replies, 0 files without --yes/,
  );
  const notOwner = await runCli(['channels', 'delete', '--channel', 'scratch', '--yes'], as(bob));
  assert.equal(notOwner.code, 1);
  assert.match(
    notOwner.stderr,
    /cannot delete #scratch: 1 messages, 0 thread replies, 0 files \(workspace owner permission required\)/,
  );
  const general = await runCli(['channels', 'delete', '--channel', 'general', '--yes'], as(ada));
  assert.equal(general.code, 1);
  assert.match(general.stderr, /\(#general cannot be deleted\)/);

  const json = JSON.parse(
    await cliOk(['channels', 'delete', '--channel', 'scratch', '--yes', '--json'], as(ada)),
  ) as DeleteChannelResponse;
  assert.equal(json.deleted_channel.id, id);
  assert.deepEqual(json.counts, { messages: 1, thread_replies: 0, files: 0 });
  const list = JSON.parse(await cliOk(['channels', 'list', '--json'], as(bob))) as ChannelList;
  assert.ok(!list.channels.some((c) => c.id === id));

  await cliOk(['channels', 'create', 'scratch2'], as(ada));
  assert.equal(
    await cliOk(['channels', 'delete', '--channel', 'scratch2', '--yes'], as(ada)),
    'deleted #scratch2: 0 messages, 0 thread replies, 0 files',
  );
  assert.match(
    (await runCli(['channels', 'delete', '--channel', 'scratch2', '--yes'], as(ada))).stderr,
    /channel "scratch2" not found/,
  );
});
