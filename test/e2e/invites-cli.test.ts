import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Invite, InviteListResponse, WorkspaceListResponse } from '@clickclack/protocol';
import { cliOk, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let ada: string;
let wid: string;
const data = () => ['--data', srv.dataDir];
const as = (token: string) => ({ env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token } });

before(async () => {
  srv = await startServer();
  await cliOk(['admin', 'bootstrap', ...data(), '--name', 'Ada', '--email', 'ada@x.io']);
  ada = await sessionFor(srv, 'ada@x.io');
  wid = (
    JSON.parse(await cliOk(['workspaces', 'list', '--json'], as(ada))) as WorkspaceListResponse
  ).workspaces[0]!.id;
});
after(() => srv.cleanup());

const list = async (): Promise<Invite[]> =>
  (JSON.parse(await cliOk(['invites', 'list', '--json'], as(ada))) as InviteListResponse).invites;

test('a manager creates, lists and revokes links; others join with them', async () => {
  const human = await cliOk(['invites', 'create', '--uses', '3', '--expires-in', '2d'], as(ada));
  const [url, line] = human.split('\n');
  assert.match(url!, new RegExp(`^${srv.url}/app/\\?invite=tok_\\w+$`));
  assert.match(line!, /^inv_\S+: 3 use\(s\) to clickclack, expires \d{4}-/);
  const [made] = await list();
  assert.equal(made!.max_uses, 3);
  const hours = (Date.parse(made!.expires_at!) - Date.now()) / 3_600_000;
  assert.ok(hours > 47.9 && hours <= 48, `expires in ${hours} h`);

  // Someone signed in but in no workspace joins with the link (the whole URL or the token).
  const bob = await sessionFor(srv, 'bob@x.io', 'Bob');
  assert.equal(await cliOk(['invites', 'accept', url!], as(bob)), `joined clickclack (${wid})`);
  const carol = await sessionFor(srv, 'carol@x.io', 'Carol');
  const token = new URL(url!).searchParams.get('invite')!;
  assert.equal(await cliOk(['invites', 'accept', token, '--plain'], as(carol)), wid);
  const rows = (await cliOk(['invites', 'list'], as(ada))).split('\n').map((r) => r.split('\t'));
  assert.deepEqual(rows[0]!.slice(0, 3), [made!.id, 'active', '2/3']);

  // A member who is not a manager may not make links.
  const refused = await runCli(['invites', 'create'], as(bob));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /workspace manager permission required/);

  assert.equal(await cliOk(['invites', 'revoke', made!.id], as(ada)), `revoked ${made!.id}`);
  const dave = await sessionFor(srv, 'dave@x.io', 'Dave');
  const late = await runCli(['invites', 'accept', url!], as(dave));
  assert.equal(late.code, 1);
  assert.match(late.stderr, /invite was revoked/);
  assert.equal((await list()).find((i) => i.id === made!.id)!.revoked_at !== undefined, true);
});

test('unlimited links, and bad flags are usage errors', async () => {
  const url = await cliOk(['invites', 'create', '--unlimited', '--plain'], as(ada));
  assert.match(url, /\/app\/\?invite=tok_/);
  assert.equal((await list())[0]!.max_uses, 0);
  for (const args of [
    ['--uses', '0'],
    ['--uses', 'two'],
    ['--uses', '2', '--unlimited'],
    ['--expires-in', '5y'],
  ]) {
    const r = await runCli(['invites', 'create', ...args], as(ada));
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  const tooLong = await runCli(['invites', 'create', '--expires-in', '91d'], as(ada));
  assert.equal(tooLong.code, 1);
  assert.match(tooLong.stderr, /expires_in_seconds/);
});

test('admin invite create: uses, expiry and the link with a public URL', async () => {
  const mint = (...args: string[]) =>
    runCli(['admin', 'invite', 'create', ...data(), '--workspace', wid, ...args]);
  const r = await mint(
    '--uses',
    '0',
    '--expires-in',
    '1h',
    '--public-url',
    'https://chat.example.com',
  );
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^tok_/);
  assert.equal(r.stderr, `invite link: https://chat.example.com/app/?invite=${token}\n`);
  const [made] = await list();
  assert.equal(made!.max_uses, 0);
  const minutes = (Date.parse(made!.expires_at!) - Date.now()) / 60_000;
  assert.ok(minutes > 59 && minutes <= 60);
  const bad = await mint('--expires-in', '10s');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /between 1m and 90d/);
});

test('self-join by email domain: a manager lists domains, someone there joins', async () => {
  assert.equal(await cliOk(['workspaces', 'join-domains'], as(ada)), '');
  const set = await cliOk(['workspaces', 'join-domains', '--set', 'Team.example,x.io'], as(ada));
  assert.deepEqual(set.split('\n'), ['team.example', 'x.io']);
  const erin = await sessionFor(srv, 'erin@team.example', 'Erin');
  assert.equal(await cliOk(['workspaces', 'joinable'], as(erin)), `${wid}\tclickclack\tClickClack`);
  assert.equal(
    await cliOk(['workspaces', 'join', 'clickclack'], as(erin)),
    `joined clickclack (${wid})`,
  );
  assert.equal(await cliOk(['workspaces', 'joinable'], as(erin)), '');
  const frank = await sessionFor(srv, 'frank@elsewhere.example', 'Frank');
  const refused = await runCli(['workspaces', 'join', wid], as(frank));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /workspace not found/);
  assert.equal(await cliOk(['workspaces', 'join-domains', '--clear'], as(ada)), '');
});
