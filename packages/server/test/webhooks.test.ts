import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, MessageResponse } from '@clickclack/protocol';
import { api, startTestServer, team, type TestServer, type SignedIn } from './helpers.js';

let srv: TestServer;
let owner: SignedIn, member: SignedIn;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['member@x.io', 'Member']]);
  ({ owner, workspaceId: wid, generalId: general } = t);
  member = t.members[0]!;
});
after(() => srv.close());

const hook = (path: string, init: RequestInit) =>
  fetch(`${srv.url}${path}`, { method: 'POST', ...init });

test('bearer Mattermost hook posts as the caller; other fields are ignored', async () => {
  const res = await api<MessageResponse>(srv, 'POST', `/api/hooks/mattermost/${general}`, {
    token: member.token,
    body: { text: ' deploy ✅ ', username: 'ignored', attachments: [] },
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.message.body, 'deploy ✅');
  assert.equal(res.body.message.author.display_name, 'Member');
  assert.equal(
    (
      await api(srv, 'POST', `/api/hooks/mattermost/${general}`, {
        token: member.token,
        body: { text: '' },
      })
    ).status,
    400,
  );
});

test('secret-URL webhooks: JSON and form payloads, overrides, revoke, rate limit', async () => {
  assert.equal(
    (
      await api(srv, 'POST', `/api/workspaces/${wid}/incoming-webhooks`, {
        token: member.token,
        body: { channel_id: general },
      })
    ).status,
    403,
  );
  const created = await api<{ incoming_webhook: { id: string; url: string } }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/incoming-webhooks`,
    {
      token: owner.token,
      body: { channel_id: general, display_name: 'CI', allow_override: true },
    },
  );
  assert.equal(created.status, 201);
  const url = created.body.incoming_webhook.url;
  assert.match(url, /^\/hooks\/whs_\w+$/);
  const listed = await api<{ incoming_webhooks: { url?: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/incoming-webhooks`,
    { token: member.token },
  );
  assert.equal(listed.body.incoming_webhooks[0]!.url, undefined, 'the URL is shown once');

  const json = await hook(url, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      text: 'build **green**',
      username: 'Jenkins',
      icon_url: 'https://ci.example/icon.png',
    }),
  });
  assert.equal(json.status, 201);
  const jm = ((await json.json()) as { message: Message }).message;
  assert.equal(jm.author.kind, 'bot');
  assert.equal(jm.author.display_name, 'CI');
  assert.deepEqual(jm.display_override, {
    username: 'Jenkins',
    icon_url: 'https://ci.example/icon.png',
  });
  const form = await hook(url, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `payload=${encodeURIComponent(JSON.stringify({ text: 'from a form' }))}`,
  });
  assert.equal(form.status, 201);
  const page = await api<{ messages: Message[] }>(
    srv,
    'GET',
    `/api/channels/${general}/messages?limit=1`,
    { token: member.token },
  );
  assert.equal(page.body.messages[0]!.body, 'from a form');
  assert.equal(
    (
      await hook('/hooks/whs_wrong', {
        headers: { 'content-type': 'application/json' },
        body: '{"text":"x"}',
      })
    ).status,
    404,
  );
  assert.equal(
    (await hook(url, { headers: { 'content-type': 'application/json' }, body: '{"nope":1}' }))
      .status,
    400,
  );
  assert.equal(
    (
      await hook(url, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'payload=%7Bbroken',
      })
    ).status,
    400,
  );

  let limited: Response | undefined;
  for (let i = 0; i < 70 && !limited; i++) {
    const r = await hook(url, {
      headers: { 'content-type': 'application/json' },
      body: '{"text":"spam"}',
    });
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'the 61st post in a minute is refused');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);

  const revoked = await api<{ incoming_webhook: { revoked_at?: string } }>(
    srv,
    'POST',
    `/api/incoming-webhooks/${created.body.incoming_webhook.id}/revoke`,
    { token: owner.token, raw: '' },
  );
  assert.ok(revoked.body.incoming_webhook.revoked_at);
  assert.equal(
    (await hook(url, { headers: { 'content-type': 'application/json' }, body: '{"text":"late"}' }))
      .status,
    404,
  );
});
