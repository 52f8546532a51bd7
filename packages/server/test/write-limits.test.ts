// Per-user write budgets (issue 27): 429 with an accurate Retry-After, one user's budget
// leaves another's alone, and two server nodes on one database spend one budget.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeResponse } from '@clickclack/protocol';
import { buildApp } from '../src/app.js';
import {
  DEFAULT_WRITE_LIMITS,
  parseWriteLimits,
  type WriteLimits,
} from '../src/config/write-limits.js';
import { openStore } from '../src/store/open.js';
import {
  PNG,
  api,
  startTestServer,
  team,
  uploadFile,
  type Res,
  type Team,
  type TestServer,
} from './helpers.js';

const LIMITS: WriteLimits = parseWriteLimits(
  'messages=5/1m,reactions=3/1m,uploads=3/1m,ephemeral=4/1m,channels=2/1h,profile=2/1m',
);

/** A 429 that says why and when to come back: a Retry-After within the window. */
function assertLimited(res: Res, windowS: number, what: string): void {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.code, 'rate_limited');
  assert.match(String(res.body.error), new RegExp(`too many ${what}`));
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= windowS, `Retry-After ${retry}`);
}

const post = (srv: TestServer, channelId: string, token: string, i: number) =>
  api(srv, 'POST', `/api/channels/${channelId}/messages`, {
    token,
    body: { body: `m${i}`, nonce: `n-${token.slice(-6)}-${i}-${Math.random()}` },
  });

describe('write limits', () => {
  let srv: TestServer;
  let t: Team;
  before(async () => {
    srv = await startTestServer({ writeLimits: LIMITS });
    t = await team(srv, [
      ['ann@x.io', 'Ann'],
      ['bob@x.io', 'Bob'],
    ]);
  });
  after(() => srv.close());

  test('messages: the sixth in a minute is a 429 with Retry-After; another user still posts', async () => {
    const [ann, bob] = t.members as [Team['owner'], Team['owner']];
    for (let i = 0; i < 5; i++)
      assert.equal((await post(srv, t.generalId, ann.token, i)).status, 201);
    // Replies and DMs spend the same budget as channel posts.
    const root = await post(srv, t.generalId, bob.token, 0);
    const rootId = (root.body.message as { id: string }).id;
    const reply = await api(srv, 'POST', `/api/messages/${rootId}/thread/replies`, {
      token: ann.token,
      body: { body: 'r', nonce: 'reply-1' },
    });
    assertLimited(reply, 60, 'messages');
    assertLimited(await post(srv, t.generalId, ann.token, 6), 60, 'messages');
    assert.equal((await post(srv, t.generalId, bob.token, 1)).status, 201);
    // Nothing was written for the refused posts.
    const page = await api<{ messages: { body: string }[] }>(
      srv,
      'GET',
      `/api/channels/${t.generalId}/messages`,
      { token: ann.token },
    );
    assert.equal(page.body.messages.filter((m) => m.body === 'm6').length, 0);
  });

  test('reactions, uploads, ephemeral frames and channels have budgets of their own', async () => {
    const owner = t.owner;
    const msg = await post(srv, t.generalId, owner.token, 100);
    const id = (msg.body.message as { id: string }).id;
    const emojis = ['👍', '🎉', '🚀', '👀'];
    const reacts = [];
    for (const emoji of emojis)
      reacts.push(
        await api(srv, 'POST', `/api/messages/${id}/reactions`, {
          token: owner.token,
          body: { emoji },
        }),
      );
    assert.deepEqual(
      reacts.slice(0, 3).map((r) => r.status),
      [201, 201, 201],
    );
    assertLimited(reacts[3]!, 60, 'reactions');

    const ups = [];
    for (let i = 0; i < 4; i++)
      ups.push(
        await uploadFile(
          srv,
          owner.token,
          PNG,
          `p${i}.png`,
          'image/png',
          `?workspace_id=${t.workspaceId}`,
        ),
      );
    assert.deepEqual(
      ups.slice(0, 3).map((u) => u.status),
      [201, 201, 201],
    );
    assertLimited(ups[3]!, 60, 'uploads');

    const frames = [];
    for (let i = 0; i < 5; i++)
      frames.push(
        await api(srv, 'POST', '/api/realtime/ephemeral', {
          token: owner.token,
          body: { type: 'typing.started', workspace_id: t.workspaceId, channel_id: t.generalId },
        }),
      );
    assert.deepEqual(
      frames.slice(0, 4).map((f) => f.status),
      [202, 202, 202, 202],
    );
    assertLimited(frames[4]!, 60, 'ephemeral');

    const chans = [];
    for (let i = 0; i < 3; i++)
      chans.push(
        await api(srv, 'POST', `/api/workspaces/${t.workspaceId}/channels`, {
          token: owner.token,
          body: { name: `limited-${i}` },
        }),
      );
    assert.deepEqual(
      chans.slice(0, 2).map((c) => c.status),
      [201, 201],
    );
    assertLimited(chans[2]!, 3600, 'channels');
    // The owner's message budget was not touched by any of it.
    assert.equal((await post(srv, t.generalId, owner.token, 101)).status, 201);
  });

  test('profile and status changes share one budget; a refused one changes nothing', async () => {
    const [, bob] = t.members as [Team['owner'], Team['owner']];
    const rename = (name: string) =>
      api(srv, 'PATCH', '/api/me', { token: bob.token, body: { display_name: name } });
    assert.equal((await rename('Bob One')).status, 200);
    const status = await api(srv, 'PUT', '/api/me/status', {
      token: bob.token,
      body: { emoji: '🌴', text: 'away' },
    });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assertLimited(await rename('Bob Three'), 60, 'profile changes');
    const me = await api<MeResponse>(srv, 'GET', '/api/me', {
      token: bob.token,
    });
    assert.equal(me.body.user.display_name, 'Bob One');
  });
});

test('the default budget: ten new workspaces an hour per user', async () => {
  const srv = await startTestServer();
  try {
    const t = await team(srv, [['w@x.io', 'W']]);
    const create = (token: string, i: number) =>
      api(srv, 'POST', '/api/workspaces', { token, body: { name: `Space ${i}` } });
    for (let i = 0; i < DEFAULT_WRITE_LIMITS.workspaces!.max; i++)
      assert.equal((await create(t.owner.token, i)).status, 201);
    const refused = await create(t.owner.token, 99);
    assertLimited(refused, 3600, 'workspaces');
    assert.ok(Number(refused.headers.get('retry-after')) > 3500, 'the hour has barely begun');
    assert.equal((await create(t.members[0]!.token, 100)).status, 201);
  } finally {
    await srv.close();
  }
});

test('two server nodes on one database spend one budget', async () => {
  const srv = await startTestServer({ writeLimits: LIMITS });
  const store = await openStore(srv.dbUrl, { migrate: false });
  const peer = await buildApp({ store, devBootstrap: false, writeLimits: LIMITS });
  await peer.listen({ host: '127.0.0.1', port: 0 });
  const addr = peer.server.address();
  const other: TestServer = {
    ...srv,
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
  };
  try {
    const t = await team(srv, [['n@x.io', 'N']]);
    const token = t.members[0]!.token;
    // Alternate nodes: five posts in all are allowed, whichever node takes them.
    for (let i = 0; i < 5; i++)
      assert.equal((await post(i % 2 ? other : srv, t.generalId, token, i)).status, 201);
    assertLimited(await post(other, t.generalId, token, 5), 60, 'messages');
    assertLimited(await post(srv, t.generalId, token, 6), 60, 'messages');
  } finally {
    await peer.close();
    await store.close();
    await srv.close();
  }
});
