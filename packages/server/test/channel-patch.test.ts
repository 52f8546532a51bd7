import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ChannelListResponse, ChannelResponse, Event } from '@clickclack/protocol';
import { api, startTestServer, team, type SignedIn, type TestServer } from './helpers.js';
import { createBot } from '../src/services/bots/bots.js';

// PATCH /api/channels/{id} as real clients send it: the OpenClaw plugin's discussion
// channels and the original SDK's channels.update resend fields that have not changed.

let srv: TestServer;
let owner: SignedIn, bob: SignedIn;
let bot: string;
let wid: string;
let general: string;

const patch = (token: string, id: string, body: unknown) =>
  api<{ channel: Channel; event?: Event; error?: string }>(srv, 'PATCH', `/api/channels/${id}`, {
    token,
    body,
  });

/** The channel.updated events `token` can see after `cursor`. */
async function updates(token: string, cursor: string): Promise<Event[]> {
  const page = await api<{ events: Event[] }>(
    srv,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&after_cursor=${cursor}&limit=500`,
    { token },
  );
  assert.equal(page.status, 200);
  return page.body.events.filter((e) => e.type === 'channel.updated');
}

async function tail(token: string): Promise<string> {
  const page = await api<{ tail_cursor: string }>(
    srv,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&limit=1`,
    { token },
  );
  return page.body.tail_cursor;
}

async function newChannel(name: string): Promise<Channel> {
  const res = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name },
  });
  assert.equal(res.status, 201);
  return res.body.channel;
}

const visibleTo = async (token: string, id: string): Promise<boolean> =>
  (
    await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, { token })
  ).body.channels.some((c) => c.id === id);

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['bob@x.io', 'bob']]);
  [owner, bob, wid, general] = [t.owner, t.members[0]!, t.workspaceId, t.generalId];
  bot = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: owner.userId,
      displayName: 'Discussions',
      scopes: 'bot:admin',
    })
  ).token;
});
after(() => srv.close());

describe('PATCH /api/channels/{id}', () => {
  test('a patch that changes nothing is 200 with the channel and no event', async () => {
    const ch = await newChannel('quiet');
    const from = await tail(owner.token);
    for (const body of [
      {},
      { name: 'quiet' },
      { name: '' },
      { kind: 'public' },
      { kind: '  ' },
      { external_managed: false },
      { external_ref: '' },
      { external_url: '' },
      { archived: false },
      { topic: '' },
      { name: 'quiet', kind: 'public', external_managed: false, external_ref: '', topic: '' },
    ]) {
      const res = await patch(owner.token, ch.id, body);
      assert.equal(res.status, 200, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.channel.id, ch.id);
      assert.equal(res.body.channel.name, 'quiet');
      assert.equal(res.body.event, undefined, JSON.stringify(body));
    }
    assert.deepEqual(await updates(owner.token, from), []);
  });

  test('external_managed, external_ref and external_url are set, kept and cleared', async () => {
    const ch = await newChannel('discussion-42');
    const link = {
      external_managed: true,
      external_ref: 'openclaw:discussion:42',
      external_url: 'https://example.test/d/42',
    };
    const set = await patch(bot, ch.id, link);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.channel.external_managed, true);
    assert.equal(set.body.channel.external_ref, link.external_ref);
    assert.equal(set.body.channel.external_url, link.external_url);
    assert.equal(set.body.event?.type, 'channel.updated');
    assert.deepEqual(set.body.event?.payload.changed, [
      'external_managed',
      'external_ref',
      'external_url',
    ]);
    // The plugin resends the same link on every sync: nothing to write, nothing to announce.
    const again = await patch(bot, ch.id, { ...link, name: 'discussion-42', kind: 'public' });
    assert.equal(again.status, 200);
    assert.equal(again.body.event, undefined);
    assert.equal(again.body.channel.external_ref, link.external_ref);
    const listed = (
      await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
        token: bob.token,
      })
    ).body.channels.find((c) => c.id === ch.id)!;
    assert.equal(listed.external_managed, true);
    assert.equal(listed.external_url, link.external_url);

    const cleared = await patch(bot, ch.id, { external_ref: '', external_url: ' ' });
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body.event?.payload.changed, ['external_ref', 'external_url']);
    assert.equal(cleared.body.channel.external_ref, undefined);
    assert.equal(cleared.body.channel.external_url, undefined);
    assert.equal(cleared.body.channel.external_managed, true);
    const unmanaged = await patch(bot, ch.id, { external_managed: false });
    assert.equal(unmanaged.body.channel.external_managed, false);
    assert.deepEqual(unmanaged.body.event?.payload.changed, ['external_managed']);
  });

  test('kind switches between public and private; readers who lose the channel hear of it', async () => {
    const ch = await newChannel('switchable');
    assert.equal(await visibleTo(bob.token, ch.id), true);
    const from = await tail(bob.token);
    const priv = await patch(owner.token, ch.id, { kind: ' private ' });
    assert.equal(priv.status, 200, JSON.stringify(priv.body));
    assert.equal(priv.body.channel.kind, 'private');
    assert.deepEqual(priv.body.event?.payload.changed, ['kind']);
    assert.equal(await visibleTo(bob.token, ch.id), false);
    assert.equal(
      (await api(srv, 'GET', `/api/channels/${ch.id}/messages`, { token: bob.token })).status,
      404,
    );
    // Bob could read the channel until now: the change is addressed to him too.
    const seen = await updates(bob.token, from);
    assert.deepEqual(
      seen.map((e) => [e.payload.channel_id, e.payload.changed]),
      [[ch.id, ['kind']]],
    );

    const again = await patch(owner.token, ch.id, { kind: 'private' });
    assert.equal(again.status, 200);
    assert.equal(again.body.event, undefined);

    const pub = await patch(owner.token, ch.id, { kind: 'public' });
    assert.equal(pub.body.channel.kind, 'public');
    assert.equal(pub.body.event?.channel_id, ch.id);
    assert.equal(await visibleTo(bob.token, ch.id), true);
  });

  test('bad kinds, a private #general, an outsider going private: clear 4xx', async () => {
    const ch = await newChannel('kinds');
    for (const kind of ['secret', 'dm', 'PUBLIC']) {
      const res = await patch(owner.token, ch.id, { kind });
      assert.equal(res.status, 400, kind);
      assert.equal(res.body.error, 'channel kind must be public or private');
    }
    const gen = await patch(owner.token, general, { kind: 'private' });
    assert.equal(gen.status, 400);
    assert.equal(gen.body.error, '#general cannot be made private');
    assert.equal((await patch(owner.token, general, { kind: 'public' })).status, 200);
    assert.equal(
      (await patch(owner.token, ch.id, { external_url: 'https://x.test/\nnext' })).status,
      400,
    );
    assert.equal((await patch(bob.token, ch.id, { kind: 'private' })).status, 403);
    // The owner manages bob's channel but is not in it: made private, nobody but bob could
    // reach it, so the owner joins first.
    const bobs = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: bob.token,
      body: { name: 'bobs-corner' },
    });
    const outsider = await patch(owner.token, bobs.body.channel.id, { kind: 'private' });
    assert.equal(outsider.status, 400);
    assert.equal(outsider.body.error, 'only a member can make a channel private: join it first');
    await api(srv, 'POST', `/api/channels/${bobs.body.channel.id}/join`, {
      token: owner.token,
      raw: '',
    });
    assert.equal((await patch(owner.token, bobs.body.channel.id, { kind: 'private' })).status, 200);
  });
});
