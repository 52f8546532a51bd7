// Client CLI: browsing, posting, threads; every command in human, --plain and --json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Channel,
  Event,
  Message,
  ReplyResponse,
  ThreadPage,
  User,
  Workspace,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { cliOk, http, runCli, sessionFor, startServer, type RunningServer } from './helpers.js';

let srv: RunningServer;
let owner: string;
let token: string;
let wsId: string;

before(async () => {
  srv = await startServer();
  owner = await cliOk([
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
  wsId = (await cliOk(['workspaces', 'list', '--plain'], as())).split('\t')[0]!;
});
after(() => srv.cleanup());

function as(env: Record<string, string> = {}) {
  return { env: { CLICKCLACK_SERVER: srv.url, CLICKCLACK_TOKEN: token, ...env } };
}
const json = async <T>(args: string[], opts = as()) => JSON.parse(await cliOk(args, opts)) as T;
/** `clickclack status --json`. */
type Status = { channel: Channel; server: string; user: User; workspace: Workspace };
/** `clickclack messages list --json`. */
type MessagePageJson = { channel: Channel; messages: Message[] };

describe('who and where', () => {
  test('whoami in every mode', async () => {
    assert.equal(await cliOk(['whoami'], as()), `${owner}\tAda`);
    assert.equal(await cliOk(['whoami', '--plain'], as()), owner);
    const out = await cliOk(['whoami', '--json'], as());
    assert.deepEqual(Object.keys(JSON.parse(out) as object), ['user']);
    assert.equal((JSON.parse(out) as { user: User }).user.display_name, 'Ada');
    assert.equal(await cliOk(['whoami', '--json', '--plain'], as()), out, '--json wins');
  });

  test('status in every mode', async () => {
    const lines = (await cliOk(['status'], as())).split('\n');
    assert.deepEqual(
      lines.map((l) => l.split('\t')[0]),
      ['server', 'user', 'workspace', 'channel'],
    );
    assert.equal(lines[0], `server\t${srv.url}`);
    assert.equal(lines[1], `user\t${owner}`);
    assert.equal(lines[2], `workspace\t${wsId}`);
    const r = await runCli(['status', '--plain'], as());
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '', '--plain prints nothing for status');
    const j = await json<Status>(['status', '--json']);
    assert.deepEqual(Object.keys(j), ['channel', 'server', 'user', 'workspace']);
    assert.equal(j.channel.name, 'general');
    assert.equal(j.workspace.id, wsId);
  });

  test('status for a user without workspaces reports empty selections', async () => {
    const loner = await sessionFor(srv, 'loner@example.com');
    const opts = as({ CLICKCLACK_TOKEN: loner });
    const r = await runCli(['status'], opts);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\nworkspace\t\nchannel\t\n$/);
    const j = await json<Status>(['status', '--json'], opts);
    assert.equal(j.workspace.id, '');
    assert.equal(j.channel.id, '');
    const named = await runCli(['status', '--workspace', 'missing'], opts);
    assert.equal(named.stderr, 'clickclack: workspace "missing" not found\n');
    const ws = await runCli(['workspaces', 'list'], opts);
    assert.deepEqual([ws.code, ws.stdout], [0, '']);
  });

  test('workspaces list and channels list in every mode, workspace by id, slug or name', async () => {
    const rows = await cliOk(['workspaces', 'list'], as());
    assert.equal(rows, `${wsId}\tclickclack\tClickClack`);
    assert.equal(
      await cliOk(['workspaces', 'list', '--plain'], as()),
      rows,
      'lists ignore --plain',
    );
    assert.equal(
      (await json<WorkspaceListResponse>(['workspaces', 'list', '--json'])).workspaces[0]!.slug,
      'clickclack',
    );
    for (const w of [wsId, 'clickclack', 'CLICKCLACK']) {
      assert.match(
        await cliOk(['channels', 'list', '--workspace', w], as()),
        /^chn_\w+\tgeneral\tpublic$/m,
      );
    }
    const cj = await json<{ channels: Channel[]; workspace: Workspace }>([
      '--json',
      'channels',
      'list',
    ]);
    assert.deepEqual(Object.keys(cj), ['channels', 'workspace']);
    assert.equal(cj.workspace.id, wsId);
  });
});

describe('posting and reading', () => {
  test('send: every body source and output mode, flags anywhere', async () => {
    assert.match(
      await cliOk(['send', 'hello', 'from', 'args'], as()),
      /^sent msg_\w+ to #general$/,
    );
    const viaBody = await cliOk(['messages', 'send', '--body', 'from --body', '--plain'], as());
    assert.match(viaBody, /^msg_\w+$/);
    const dir = mkdtempSync(join(tmpdir(), 'cc-body-'));
    writeFileSync(join(dir, 'msg.md'), '# from a file\n');
    const viaFile = await json<{ message: Message; event: Event }>([
      'send',
      '--file',
      join(dir, 'msg.md'),
      '--json',
    ]);
    assert.deepEqual(Object.keys(viaFile), ['message', 'event']);
    assert.equal(viaFile.message.body, '# from a file');
    assert.equal(viaFile.event.type, 'message.created');
    const viaStdin = await cliOk(['send', '--stdin', '--plain', '--reply-to', ` ${viaBody} `], {
      ...as(),
      input: 'piped <in> & quoted',
    });
    // Flags after the body and before the command; `--` keeps dashes in the body.
    await cliOk(['send', 'flags', 'after', '--channel', 'general', '--plain'], as());
    await cliOk(['--channel', '#general', 'send', '--', '--not-a-flag'], as());
    // A blank --body falls through to the positionals.
    await cliOk(['send', '--body', '   ', 'positional', 'wins'], as());

    const list = (await cliOk(['messages', 'list', '--limit', '7'], as())).split('\n');
    assert.deepEqual(
      list.map((l) => l.split('\t')[3]),
      [
        'hello from args',
        'from --body',
        '# from a file',
        'piped <in> & quoted',
        'flags after',
        '--not-a-flag',
        'positional wins',
      ],
    );
    const [seq, id, author] = list[3]!.split('\t');
    assert.equal(id, viaStdin);
    assert.equal(author, 'Ada');
    assert.equal(
      await cliOk(['messages', 'list', '--plain', '--limit', '7'], as()),
      list.join('\n'),
    );
    const after = await cliOk(['messages', 'list', '--after-seq', seq!], as());
    assert.equal(after.split('\n').length, 3);
    const page = await json<MessagePageJson>([
      'messages',
      'list',
      '--json',
      '--after-seq',
      seq!,
      '--limit',
      '1',
    ]);
    assert.deepEqual(Object.keys(page), ['channel', 'messages']);
    assert.equal(page.messages.length, 1);
    const quoted = await json<MessagePageJson>([
      'messages',
      'list',
      '--json',
      '--after-seq',
      String(Number(seq) - 1),
      '--limit=1',
    ]);
    assert.equal(quoted.messages[0]!.quoted_message_id, viaBody);
    // Go's encoder escapes <, > and & inside strings; the parsed value is the same.
    const raw = await cliOk(
      ['messages', 'list', '--json', '--after-seq', String(Number(seq) - 1), '--limit=1'],
      as(),
    );
    assert.match(raw, /piped \\u003cin\\u003e \\u0026 quoted/);
  });

  test('threads: reply, reply alias, open with paging flags, in every mode', async () => {
    const root = await cliOk(['send', '--plain', 'thread root'], as());
    const r1 = await cliOk(['threads', 'reply', root, 'first', 'reply'], as());
    assert.match(r1, new RegExp(`^replied msg_\\w+ to ${root}$`));
    const r2 = await cliOk(['reply', root, '--body', 'second reply', '--plain'], as());
    assert.match(r2, /^msg_\w+$/);
    const r3 = await json<ReplyResponse>([
      'thread',
      'reply',
      root,
      '--json',
      '--reply-to',
      r2,
      'third',
    ]);
    assert.deepEqual(Object.keys(r3), ['message', 'thread_state', 'events']);
    assert.equal(r3.thread_state.reply_count, 3);
    assert.equal(r3.message.quoted_message_id, r2);
    assert.deepEqual(
      r3.events!.map((e) => e.type),
      ['thread.reply_created', 'thread.state_updated'],
    );
    const open = (await cliOk(['threads', 'open', root], as())).split('\n');
    assert.equal(open[0], `${root}\tthread root`);
    assert.deepEqual(
      open.slice(1).map((l) => l.split('\t').slice(1).join('\t')),
      ['Ada\tfirst reply', 'Ada\tsecond reply', 'Ada\tthird'],
    );
    assert.equal(await cliOk(['thread', 'open', root, '--plain'], as()), open.join('\n'));
    const full = await json<ThreadPage>(['threads', 'open', root, '--json']);
    assert.deepEqual(Object.keys(full).slice(0, 3), ['root', 'replies', 'thread_state']);
    const latest = await json<ThreadPage>([
      'threads',
      'open',
      root,
      '--latest',
      '--limit',
      '1',
      '--json',
    ]);
    assert.deepEqual(
      latest.replies.map((r) => r.body),
      ['third'],
    );
    const oldest = await json<ThreadPage>([
      'threads',
      'open',
      root,
      '--latest=false',
      '--limit=1',
      '--json',
    ]);
    assert.deepEqual(
      oldest.replies.map((r) => r.body),
      ['first reply'],
    );
    const afterFirst = await json<ThreadPage>([
      'threads',
      'open',
      root,
      '--after-seq',
      '1',
      '--json',
    ]);
    assert.deepEqual(
      afterFirst.replies.map((r) => r.body),
      ['second reply', 'third'],
    );
    const bad = await runCli(
      ['threads', 'open', root, '--before-seq', '3', '--after-seq', '1'],
      as(),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^clickclack: 400 Bad Request: /);
  });

  test('channels by name, #name and id, across workspaces and from the env', async () => {
    const other = await http<{ workspace: { id: string } }>(srv.url, 'POST', '/api/workspaces', {
      token,
      body: { name: 'Side Project' },
    });
    const ch = await http<{ channel: { id: string } }>(
      srv.url,
      'POST',
      `/api/workspaces/${other.body.workspace.id}/channels`,
      { token, body: { name: 'ideas' } },
    );
    const ideas = ch.body.channel.id;
    assert.match(
      await cliOk(['send', '--channel', '#ideas', '--workspace', 'Side Project', 'by name'], as()),
      /to #ideas$/,
    );
    assert.match(await cliOk(['send', '--channel', ideas, 'by id'], as()), /to #ideas$/);
    const j = await json<Status>(['status', '--json', '--channel', ideas]);
    assert.equal(j.workspace.id, other.body.workspace.id, 'status reports the channel’s workspace');
    const wrongWs = await runCli(['send', '--channel', ideas, '--workspace', wsId, 'x'], as());
    assert.equal(wrongWs.stderr, `clickclack: channel "${ideas}" not found\n`);
    const missing = await runCli(['send', '--channel', 'ideas', 'x'], as());
    assert.equal(missing.stderr, 'clickclack: channel "ideas" not found\n');
    assert.match(await cliOk(['send', 'via env'], as({ CLICKCLACK_CHANNEL: ideas })), /to #ideas$/);
    assert.match(
      await cliOk(
        ['send', 'ws env'],
        as({ CLICKCLACK_WORKSPACE: 'side-project', CLICKCLACK_CHANNEL: 'ideas' }),
      ),
      /to #ideas$/,
    );
  });
});
