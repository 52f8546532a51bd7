import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelListResponse, WorkspaceListResponse } from '@clickclack/protocol';
import { createServer, type Server } from 'node:http';
import { api, signIn, startTestServer, type TestServer } from './helpers.js';
import { verifySignature } from '../src/lib/signing.js';
import { createBot } from '../src/services/bots/bots.js';
import { mintInvite } from '../src/services/invites/invites.js';

type U = { token: string; userId: string };

let srv: TestServer;
let owner: U, member: U;
let wid: string;
let general: string;
let botId: string;
let receiver: Server;
let receiverUrl = '';
let secret = '';
let answer: { status: number; body: string } = { status: 200, body: '{}' };
const seen: { valid: boolean; payload: Record<string, string> }[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const ts = String(req.headers['x-clickclack-timestamp']);
      seen.push({
        valid: verifySignature(secret, ts, body, String(req.headers['x-clickclack-signature'])),
        payload: JSON.parse(body) as Record<string, string>,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/slash`;
  srv = await startTestServer({ integrations: { allowLoopbackCallbacks: true } });
  owner = await signIn(srv, 'local@clickclack.chat');
  member = await signIn(srv, 'member@x.io', 'Member');
  wid = (
    await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
      token: owner.token,
    })
  ).body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
  general = (
    await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
    })
  ).body.channels[0]!.id;
  botId = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: owner.userId,
      displayName: 'Deploy bot',
    })
  ).bot.id;
});
after(async () => {
  receiver.close();
  await srv.close();
});

const invoke = (token: string, command: string, text: string) =>
  fetch(`${srv.url}/api/hooks/slash/${general}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ command, text }).toString(),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

test('register, invoke with a signed callback, in_channel and ephemeral answers, failures', async () => {
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/slash-commands`, {
        token: member.token,
        body: { command: 'deploy', callback_url: receiverUrl, bot_user_id: botId },
      })
    ).status,
    403,
  );
  const created = await api<{
    slash_command: { id: string; command: string; signing_secret: string };
  }>(srv, 'POST', `/api/workspaces/${wid}/slash-commands`, {
    token: owner.token,
    body: {
      command: 'Deploy',
      callback_url: receiverUrl,
      bot_user_id: botId,
      description: 'Ship it',
    },
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.slash_command.command, '/deploy');
  secret = created.body.slash_command.signing_secret;
  assert.match(secret, /^ccs_/);
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/slash-commands`, {
        token: owner.token,
        body: { command: '/deploy', callback_url: receiverUrl, bot_user_id: botId },
      })
    ).status,
    400,
  );

  answer = {
    status: 200,
    body: JSON.stringify({ response_type: 'in_channel', text: 'Deploying staging…' }),
  };
  const run = await invoke(member.token, '/deploy', ' staging ');
  assert.equal(run.status, 200);
  const last = seen[seen.length - 1]!;
  assert.equal(last.valid, true);
  assert.equal(last.payload.text, 'staging');
  assert.equal(last.payload.user_id, member.userId);
  assert.equal(last.payload.command_id, created.body.slash_command.id);
  assert.equal((run.body.message as { author_id: string }).author_id, botId);
  assert.equal(run.body.response_type, 'in_channel');

  answer = {
    status: 200,
    body: JSON.stringify({ response_type: 'ephemeral', text: 'only you see this' }),
  };
  const eph = await invoke(member.token, '/deploy', 'prod');
  assert.equal(eph.body.response_type, 'ephemeral');
  assert.equal(eph.body.message, null);

  answer = { status: 500, body: 'oops' };
  assert.equal((await invoke(member.token, '/deploy', 'x')).status, 502);
  answer = { status: 200, body: 'not json' };
  assert.equal((await invoke(member.token, '/deploy', 'x')).status, 502);

  const rotated = await api<{ slash_command: { signing_secret: string } }>(
    srv,
    'POST',
    `/api/slash-commands/${created.body.slash_command.id}/rotate-secret`,
    { token: owner.token, raw: '' },
  );
  assert.notEqual(rotated.body.slash_command.signing_secret, secret);
  const list = await api<{ slash_commands: { signing_secret?: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/slash-commands`,
    { token: member.token },
  );
  assert.equal(list.body.slash_commands[0]!.signing_secret, undefined);
  await api(srv, 'POST', `/api/slash-commands/${created.body.slash_command.id}/revoke`, {
    token: owner.token,
    raw: '',
  });

  // Unknown (or revoked) commands fall back to posting the text as the caller.
  const legacy = await invoke(member.token, '/deploy', 'now');
  assert.equal(legacy.status, 201);
  assert.equal((legacy.body.message as { body: string; author_id: string }).body, '/deploy now');
  assert.equal((await invoke(member.token, '', '')).status, 400);

  const audit = await api<{ audit_log_entries: { action: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/audit-log`,
    { token: member.token },
  );
  const actions = audit.body.audit_log_entries.map((e) => e.action);
  assert.ok(
    actions.includes('slash_command.created') &&
      actions.includes('slash_command.revoked') &&
      actions.includes('bot.created'),
  );
});
