import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Channel,
  ChannelListResponse,
  ChannelResponse,
  Event,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, startTestServer, type TestServer, type SignedIn } from './helpers.js';
import { TestSocket } from './ws-client.js';
import { createBot } from '../src/services/bots/bots.js';

let srv: TestServer;
let owner: SignedIn, mod: SignedIn, alice: SignedIn, bob: SignedIn, newbie: SignedIn;
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  wid = (
    await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
      token: owner.token,
    })
  ).body.workspaces[0]!.id;
  general = (
    await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
    })
  ).body.channels[0]!.id;
  [mod, alice, bob, newbie] = (await Promise.all(
    ['mod', 'alice', 'bob', 'newbie'].map((n) => signIn(srv, `${n}@x.io`, n)),
  )) as [SignedIn, SignedIn, SignedIn, SignedIn];
  const inv = await api<{ token: string }>(srv, 'POST', `/api/workspaces/${wid}/invites`, {
    token: owner.token,
    raw: '',
  });
  assert.match(inv.body.token, /^tok_/);
  await api(srv, 'POST', `/api/invites/${inv.body.token}/accept`, { token: alice.token });
  for (const [u, role] of [
    [mod!, 'moderator'],
    [bob!, 'member'],
  ] as const) {
    const r = await api(srv, 'POST', `/api/workspaces/${wid}/members`, {
      token: owner.token,
      body: { user_id: u.userId, role },
    });
    assert.equal(r.status, 201);
  }
});
after(() => srv.close());

describe('workspace members', () => {
  test('add by id, handle or email; roles by rank; remove closes their sockets', async () => {
    await api(srv, 'PATCH', '/api/me', { token: newbie.token, body: { handle: 'newbie' } });
    assert.equal(
      (
        await api(srv, 'POST', `/api/workspaces/${wid}/members`, {
          token: alice.token,
          body: { handle: 'newbie' },
        })
      ).status,
      403,
    );
    const added = await api<{ member: { role: string; user: { id: string } }; event: Event }>(
      srv,
      'POST',
      `/api/workspaces/${wid}/members`,
      { token: mod.token, body: { handle: '@newbie' } },
    );
    assert.equal(added.status, 201);
    assert.equal(added.body.member.role, 'member');
    assert.equal(added.body.event.type, 'member.joined');
    assert.equal(
      (
        await api(srv, 'POST', `/api/workspaces/${wid}/members`, {
          token: mod.token,
          body: { email: 'NEWBIE@x.io' },
        })
      ).status,
      409,
    );
    assert.equal(
      (
        await api(srv, 'POST', `/api/workspaces/${wid}/members`, {
          token: mod.token,
          body: { email: 'ghost@x.io' },
        })
      ).status,
      404,
    );
    assert.equal(
      (await api(srv, 'POST', `/api/workspaces/${wid}/members`, { token: mod.token, body: {} }))
        .status,
      400,
    );
    // Moderators cannot promote to moderator or touch other moderators; owners can.
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${newbie.userId}`, {
          token: mod.token,
          body: { role: 'moderator' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${owner.userId}`, {
          token: mod.token,
          body: { role: 'member' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${newbie.userId}`, {
          token: mod.token,
          body: { role: 'owner' },
        })
      ).status,
      400,
    );
    const promoted = await api<{ member: { role: string } }>(
      srv,
      'PATCH',
      `/api/workspaces/${wid}/members/${newbie.userId}`,
      { token: owner.token, body: { role: 'moderator' } },
    );
    assert.equal(promoted.body.member.role, 'moderator');
    assert.equal(
      (
        await api(srv, 'DELETE', `/api/workspaces/${wid}/members/${newbie.userId}`, {
          token: mod.token,
        })
      ).status,
      403,
    );
    await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${newbie.userId}`, {
      token: owner.token,
      body: { role: 'member' },
    });

    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
      headers: { authorization: `Bearer ${newbie.token}` },
    });
    const removed = await api<{ event: Event }>(
      srv,
      'DELETE',
      `/api/workspaces/${wid}/members/${newbie.userId}`,
      { token: mod.token },
    );
    assert.equal(removed.status, 200);
    assert.equal(removed.body.event.type, 'member.removed');
    await sock.until(() => sock.closed !== undefined);
    assert.equal(sock.closed?.code, 1008);
    assert.equal(
      (await api(srv, 'GET', `/api/workspaces/${wid}`, { token: newbie.token })).status,
      404,
    );
    const bot = await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: owner.userId,
      displayName: 'Admin bot',
      scopes: 'bot:admin',
    });
    assert.equal(
      (
        await api(srv, 'POST', `/api/workspaces/${wid}/members`, {
          token: bot.token,
          body: { user_id: newbie.userId },
        })
      ).status,
      403,
    );
  });
});

describe('channels', () => {
  test('rename, topic, purpose, archive; #general stays; permissions', async () => {
    const ch = (
      await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
        token: alice.token,
        body: { name: 'alices-room' },
      })
    ).body.channel;
    const upd = await api<{ channel: Channel; event: Event }>(
      srv,
      'PATCH',
      `/api/channels/${ch.id}`,
      {
        token: alice.token,
        body: { name: 'Project X', topic: 'shipping friday', purpose: 'all things X' },
      },
    );
    assert.equal(upd.status, 200);
    assert.equal(upd.body.channel.name, 'project-x');
    assert.equal(upd.body.channel.topic, 'shipping friday');
    assert.equal(upd.body.event.type, 'channel.updated');
    assert.deepEqual(upd.body.event.payload.changed, ['name', 'purpose', 'topic']);
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${ch.id}`, {
          token: bob.token,
          body: { topic: 'mine now' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${ch.id}`, {
          token: mod.token,
          body: { topic: 'moderated' },
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${ch.id}`, {
          token: alice.token,
          body: { topic: 'two\nlines' },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${ch.id}`, {
          token: alice.token,
          body: { name: 'general' },
        })
      ).status,
      409,
    );
    const archived = await api<ChannelResponse>(srv, 'PATCH', `/api/channels/${ch.id}`, {
      token: alice.token,
      body: { archived: true },
    });
    assert.ok(archived.body.channel.archived_at);
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${ch.id}/messages`, {
          token: alice.token,
          body: { body: 'x' },
        })
      ).status,
      403,
    );
    const un = await api<ChannelResponse>(srv, 'PATCH', `/api/channels/${ch.id}`, {
      token: alice.token,
      body: { archived: false },
    });
    assert.equal(un.body.channel.archived_at, undefined);
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${general}`, {
          token: owner.token,
          body: { archived: true },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/channels/${general}`, {
          token: owner.token,
          body: { name: 'lobby' },
        })
      ).status,
      400,
    );
    assert.equal(
      (await api(srv, 'POST', `/api/channels/${general}/leave`, { token: bob.token, raw: '' }))
        .status,
      400,
    );
  });

  test('join and leave public channels; directory; private membership by invitation', async () => {
    const pub = (
      await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
        token: alice.token,
        body: { name: 'open-room' },
      })
    ).body.channel;
    assert.equal(pub.is_member, true);
    const joined = await api<{ channel: Channel; event: Event }>(
      srv,
      'POST',
      `/api/channels/${pub.id}/join`,
      { token: bob.token, raw: '' },
    );
    assert.equal(joined.body.channel.is_member, true);
    assert.equal(joined.body.event.type, 'channel.member_joined');
    const again = await api<{ event?: Event }>(srv, 'POST', `/api/channels/${pub.id}/join`, {
      token: bob.token,
      raw: '',
    });
    assert.equal(again.body.event, undefined);
    const dir = await api<{ channels: { channel: Channel; member_count: number }[] }>(
      srv,
      'GET',
      `/api/workspaces/${wid}/channel-directory`,
      { token: mod.token },
    );
    const entry = dir.body.channels.find((c) => c.channel.id === pub.id)!;
    assert.equal(entry.member_count, 2);
    assert.equal(entry.channel.is_member, false);
    const members = await api<{ members: { id: string }[] }>(
      srv,
      'GET',
      `/api/channels/${pub.id}/members`,
      { token: mod.token },
    );
    assert.deepEqual(
      members.body.members.map((m) => m.id).sort(),
      [alice.userId, bob.userId].sort(),
    );
    const left = await api<{ channel: Channel; event: Event }>(
      srv,
      'POST',
      `/api/channels/${pub.id}/leave`,
      { token: bob.token, raw: '' },
    );
    assert.equal(left.body.event.type, 'channel.member_left');
    assert.equal(left.body.channel.is_member, false);

    const priv = (
      await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
        token: alice.token,
        body: { name: 'inner-circle', kind: 'private' },
      })
    ).body.channel;
    assert.equal(
      (await api(srv, 'POST', `/api/channels/${priv.id}/join`, { token: bob.token, raw: '' }))
        .status,
      404,
    );
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${priv.id}/members`, {
          token: bob.token,
          body: { user_id: bob.userId },
        })
      ).status,
      404,
    );
    const add = await api<{ event: Event }>(srv, 'POST', `/api/channels/${priv.id}/members`, {
      token: alice.token,
      body: { user_id: bob.userId },
    });
    assert.equal(add.status, 200);
    assert.equal(
      (await api(srv, 'GET', `/api/channels/${priv.id}`, { token: bob.token })).status,
      200,
    );
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${priv.id}/members`, {
          token: bob.token,
          body: { user_id: 'usr_nobody' },
        })
      ).status,
      400,
    );
    const dir2 = await api<{ channels: { channel: Channel }[] }>(
      srv,
      'GET',
      `/api/workspaces/${wid}/channel-directory`,
      { token: bob.token },
    );
    assert.ok(!dir2.body.channels.some((c) => c.channel.id === priv.id));
    assert.equal(
      (
        await api(srv, 'DELETE', `/api/channels/${priv.id}/members/${alice.userId}`, {
          token: bob.token,
        })
      ).status,
      403,
    );
    const kicked = await api(srv, 'DELETE', `/api/channels/${priv.id}/members/${bob.userId}`, {
      token: alice.token,
    });
    assert.equal(kicked.status, 200);
    assert.equal(
      (await api(srv, 'GET', `/api/channels/${priv.id}`, { token: bob.token })).status,
      404,
    );
    assert.equal(
      (
        await api(srv, 'DELETE', `/api/channels/${priv.id}/members/${bob.userId}`, {
          token: alice.token,
        })
      ).status,
      404,
    );
  });
});
