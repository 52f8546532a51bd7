import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelResponse,
  Event,
  Message,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { api, signIn, sqlOf, startTestServer, type TestServer, type SignedIn } from './helpers.js';
import { TestSocket } from './ws-client.js';
import { mintInvite } from '../src/services/invites/invites.js';
import { createBot } from '../src/services/bots/bots.js';
import { parseMentions } from '../src/services/messages/mentions.js';

let srv: TestServer;
let owner: SignedIn, mod: SignedIn, alice: SignedIn, bob: SignedIn;
let wid: string;
let cid: string;
let reader: string;

before(async () => {
  srv = await startTestServer();
  owner = await signIn(srv, 'local@clickclack.chat');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  wid = ws.body.workspaces[0]!.id;
  [mod, alice, bob] = (await Promise.all(
    ['mod', 'alice', 'bob'].map((n) => signIn(srv, `${n}@x.io`, n)),
  )) as [SignedIn, SignedIn, SignedIn];
  for (const [u, handle] of [
    [mod!, 'mod'],
    [alice!, 'alice'],
    [bob!, 'bob'],
  ] as const) {
    const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: u.token });
    await api(srv, 'PATCH', '/api/me', { token: u.token, body: { handle } });
  }
  const db = sqlOf(srv);
  await db.run("UPDATE workspace_members SET role = 'moderator' WHERE user_id = ?", mod.userId);
  await db.close();
  cid = (
    await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
      body: { name: 'talk' },
    })
  ).body.channel.id;
  reader = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: owner.userId,
      displayName: 'Reader',
      scopes: 'bot:read',
    })
  ).token;
});
after(() => srv.close());

const post = async (u: SignedIn, body: string, channel = cid) =>
  (
    await api<{ message: Message; event: Event }>(
      srv,
      'POST',
      `/api/channels/${channel}/messages`,
      {
        token: u.token,
        body: { body },
      },
    )
  ).body;

describe('edit and delete', () => {
  test('only the author edits; edits set edited_at and emit message.updated', async () => {
    const m = await post(alice, 'first draft');
    const edit = await api<{ message: Message; event: Event }>(
      srv,
      'PATCH',
      `/api/messages/${m.message.id}`,
      { token: alice.token, body: { body: ' final ' } },
    );
    assert.equal(edit.status, 200);
    assert.equal(edit.body.message.body, 'final');
    assert.ok(edit.body.message.edited_at);
    assert.equal(edit.body.event.type, 'message.updated');
    assert.equal(edit.body.event.seq, m.event.seq);
    assert.ok(!JSON.stringify(edit.body.event).includes('final'));
    for (const who of [bob, owner, mod]) {
      assert.equal(
        (
          await api(srv, 'PATCH', `/api/messages/${m.message.id}`, {
            token: who.token,
            body: { body: 'hijack' },
          })
        ).status,
        403,
      );
    }
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/messages/${m.message.id}`, {
          token: alice.token,
          body: { body: '  ' },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', `/api/messages/${m.message.id}`, {
          token: reader,
          body: { body: 'x' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api(srv, 'PATCH', '/api/messages/msg_nope', {
          token: alice.token,
          body: { body: 'x' },
        })
      ).status,
      404,
    );
  });

  test('author, owner and moderator may delete; bodies are gone; repeat is a no-op', async () => {
    for (const who of [alice, owner, mod]) {
      const m = await post(alice, `secret from ${who.userId}`);
      assert.equal(
        (await api(srv, 'DELETE', `/api/messages/${m.message.id}`, { token: bob.token })).status,
        403,
      );
      const del = await api<{ message: Message; event: Event }>(
        srv,
        'DELETE',
        `/api/messages/${m.message.id}`,
        { token: who.token },
      );
      assert.equal(del.status, 200);
      assert.equal(del.body.message.body, '');
      assert.ok(del.body.message.deleted_at);
      assert.equal(del.body.event.type, 'message.deleted');
      const again = await api<{ event: Event }>(srv, 'DELETE', `/api/messages/${m.message.id}`, {
        token: who.token,
      });
      assert.equal(again.body.event.id, '');
      const read = await api<MessageResponse>(srv, 'GET', `/api/messages/${m.message.id}`, {
        token: bob.token,
      });
      assert.equal(read.body.message.body, '');
      assert.equal(
        (
          await api(srv, 'PATCH', `/api/messages/${m.message.id}`, {
            token: alice.token,
            body: { body: 'undo' },
          })
        ).status,
        400,
      );
    }
    const db = sqlOf(srv);
    const bodies = await db.all("SELECT body FROM messages WHERE body LIKE 'secret from%'");
    await db.close();
    assert.deepEqual(bodies, [], 'deleted text is gone from storage');
  });

  test('thread counters stay exact when replies are deleted', async () => {
    const root = await post(alice, 'thread root');
    const r1 = await api<MessageResponse>(
      srv,
      'POST',
      `/api/messages/${root.message.id}/thread/replies`,
      { token: bob.token, body: { body: 'one' } },
    );
    await api(srv, 'POST', `/api/messages/${root.message.id}/thread/replies`, {
      token: alice.token,
      body: { body: 'two' },
    });
    await api(srv, 'DELETE', `/api/messages/${r1.body.message.id}`, { token: bob.token });
    const page = await api<{ messages: Message[] }>(
      srv,
      'GET',
      `/api/channels/${cid}/messages?limit=5`,
      { token: bob.token },
    );
    const state = page.body.messages.find((m) => m.id === root.message.id)!.thread_state!;
    assert.equal(state.reply_count, 1);
    assert.deepEqual(state.last_reply_author_ids, [alice.userId]);
  });
});

describe('reactions', () => {
  test('add, no-op, remove, validation, and summaries in reads', async () => {
    const m = await post(alice, 'react to me');
    const add = await api<{
      event: Event;
      reactions: { emoji: string; count: number; reacted_by_me: boolean }[];
    }>(srv, 'POST', `/api/messages/${m.message.id}/reactions`, {
      token: bob.token,
      body: { emoji: '👍' },
    });
    assert.equal(add.status, 201);
    assert.equal(add.body.event.type, 'reaction.added');
    assert.deepEqual(add.body.event.payload, {
      message_id: m.message.id,
      root_message_id: m.message.id,
      emoji: '👍',
      user_id: bob.userId,
      count: 1,
    });
    assert.deepEqual(add.body.reactions, [{ emoji: '👍', count: 1, reacted_by_me: true }]);
    const dup = await api<{ event: Event }>(
      srv,
      'POST',
      `/api/messages/${m.message.id}/reactions`,
      {
        token: bob.token,
        body: { emoji: '👍' },
      },
    );
    assert.equal(dup.status, 200);
    assert.equal(dup.body.event.id, '');
    await api(srv, 'POST', `/api/messages/${m.message.id}/reactions`, {
      token: alice.token,
      body: { emoji: '👍' },
    });
    await api(srv, 'POST', `/api/messages/${m.message.id}/reactions`, {
      token: alice.token,
      body: { emoji: ':tada:' },
    });
    const got = await api<MessageResponse>(srv, 'GET', `/api/messages/${m.message.id}`, {
      token: bob.token,
    });
    assert.deepEqual(got.body.message.reactions, [
      { emoji: '👍', count: 2, reacted_by_me: true },
      { emoji: ':tada:', count: 1, reacted_by_me: false },
    ]);
    const page = await api<{ messages: Message[] }>(
      srv,
      'GET',
      `/api/channels/${cid}/messages?limit=3`,
      { token: owner.token },
    );
    assert.equal(
      page.body.messages.find((x) => x.id === m.message.id)!.reactions![0]!.reacted_by_me,
      false,
    );
    const list = await api<{ reactions: { emoji: string; user_ids: string[] }[] }>(
      srv,
      'GET',
      `/api/messages/${m.message.id}/reactions`,
      { token: owner.token },
    );
    assert.deepEqual(list.body.reactions[0]!.user_ids, [bob.userId, alice.userId]);
    const rm = await api<{ event: Event; reactions: unknown[] }>(
      srv,
      'DELETE',
      `/api/messages/${m.message.id}/reactions/${encodeURIComponent('👍')}`,
      { token: bob.token },
    );
    assert.equal(rm.body.event.type, 'reaction.removed');
    assert.equal(rm.body.event.payload.count, 1);
    const rmAgain = await api<{ event: Event }>(
      srv,
      'DELETE',
      `/api/messages/${m.message.id}/reactions/${encodeURIComponent('👍')}`,
      { token: bob.token },
    );
    assert.equal(rmAgain.status, 200);
    assert.equal(rmAgain.body.event.id, '');
    for (const emoji of ['', 'not an emoji', '<b>', 'x'.repeat(80)]) {
      assert.equal(
        (
          await api(srv, 'POST', `/api/messages/${m.message.id}/reactions`, {
            token: bob.token,
            body: { emoji },
          })
        ).status,
        400,
        emoji,
      );
    }
    assert.equal(
      (
        await api(srv, 'POST', `/api/messages/${m.message.id}/reactions`, {
          token: reader,
          body: { emoji: '👍' },
        })
      ).status,
      403,
    );
  });
});

describe('pins', () => {
  test('pin, list newest first, conflicts and unpin', async () => {
    const a = await post(alice, 'pin a');
    const b = await post(bob, 'pin b');
    const pa = await api<{ pinned_message: { id: string }; event: Event }>(
      srv,
      'POST',
      `/api/channels/${cid}/pins`,
      { token: bob.token, body: { message_id: a.message.id } },
    );
    assert.equal(pa.status, 201);
    assert.match(pa.body.pinned_message.id, /^pin_/);
    assert.equal(pa.body.event.type, 'pin.added');
    await api(srv, 'POST', `/api/channels/${cid}/pins`, {
      token: alice.token,
      body: { message_id: b.message.id },
    });
    const list = await api<{ messages: Message[] }>(srv, 'GET', `/api/channels/${cid}/pins`, {
      token: owner.token,
    });
    assert.deepEqual(
      list.body.messages.map((m) => m.id),
      [b.message.id, a.message.id],
    );
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${cid}/pins`, {
          token: bob.token,
          body: { message_id: a.message.id },
        })
      ).status,
      409,
    );
    const other = (
      await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
        token: owner.token,
        body: { name: 'pins-elsewhere' },
      })
    ).body.channel.id;
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${other}/pins`, {
          token: bob.token,
          body: { message_id: a.message.id },
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(srv, 'POST', `/api/channels/${cid}/pins`, {
          token: bob.token,
          body: { message_id: ' ' },
        })
      ).status,
      400,
    );
    const un = await api<{ event: Event }>(
      srv,
      'DELETE',
      `/api/channels/${cid}/pins/${a.message.id}`,
      { token: alice.token },
    );
    assert.equal(un.body.event.type, 'pin.removed');
    assert.equal(
      (
        await api(srv, 'DELETE', `/api/channels/${cid}/pins/${a.message.id}`, {
          token: alice.token,
        })
      ).status,
      404,
    );
    await api(srv, 'DELETE', `/api/messages/${b.message.id}`, { token: bob.token });
    // Deleting a pinned message unpins it, and says so before saying it is deleted.
    const after = await api<{ events: (Event & { payload: Record<string, unknown> })[] }>(
      srv,
      'GET',
      `/api/realtime/events?workspace_id=${wid}&after_cursor=${un.body.event.cursor}`,
      { token: owner.token },
    );
    assert.deepEqual(
      after.body.events.map((e) => [e.type, e.payload.message_id, e.payload.pinned_by]),
      [
        ['pin.removed', b.message.id, bob.userId],
        ['message.deleted', b.message.id, undefined],
      ],
    );
    assert.deepEqual(
      (
        await api<{ messages: Message[] }>(srv, 'GET', `/api/channels/${cid}/pins`, {
          token: owner.token,
        })
      ).body.messages,
      [],
    );
  });
});

describe('mentions, read state and follows', () => {
  test('mention parsing skips code, links and emails', () => {
    const p = parseMentions(
      'hi @Alice and @bob-2, see `@notme` and https://x.io/@nope [@label](https://y/@z) a@b.c\n```\n@hidden\n```\n@here',
    );
    assert.deepEqual([...p.handles].sort(), ['alice', 'bob-2']);
    assert.equal(p.here, true);
    assert.equal(p.channel, false);
    assert.equal(parseMentions('@channel').channel, true);
  });

  test('mentions: private events, /api/me/mentions, unread and mention counts, reading resets', async () => {
    const ch = (
      await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
        token: owner.token,
        body: { name: 'mentions' },
      })
    ).body.channel.id;
    const tail = (
      await api<{ tail_cursor: string }>(
        srv,
        'GET',
        `/api/realtime/events?workspace_id=${wid}&limit=1`,
        { token: bob.token },
      )
    ).body.tail_cursor;
    const bobSock = await TestSocket.open(
      `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${tail}`,
      { headers: { authorization: `Bearer ${bob.token}` } },
    );
    const aliceSock = await TestSocket.open(
      `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${tail}`,
      { headers: { authorization: `Bearer ${alice.token}` } },
    );
    await post(alice, 'plain', ch);
    const m = await post(alice, 'hey @bob look', ch);
    await bobSock.until(() => bobSock.frames.some((f) => f.type === 'mention.created'));
    const mention = bobSock.frames.find((f) => f.type === 'mention.created')!;
    assert.deepEqual(mention.payload.mentioned_user_ids, [bob.userId]);
    await post(owner, 'marker', ch);
    await aliceSock.until(
      () => aliceSock.frames.filter((f) => f.type === 'message.created').length >= 3,
    );
    assert.ok(!aliceSock.frames.some((f) => f.type === 'mention.created'));
    const listed = await api<{
      channels: { id: string; unread_count: number; mention_count: number }[];
    }>(srv, 'GET', `/api/workspaces/${wid}/channels`, { token: bob.token });
    const c = listed.body.channels.find((x) => x.id === ch)!;
    assert.equal(c.unread_count, 3);
    assert.equal(c.mention_count, 1);
    const mine = await api<{ mentions: { message: Message; kind: string }[] }>(
      srv,
      'GET',
      '/api/me/mentions',
      { token: bob.token },
    );
    assert.equal(mine.body.mentions[0]!.message.id, m.message.id);
    assert.equal(mine.body.mentions[0]!.kind, 'user');
    const read = await api<{ receipt: { last_read_seq: number; mention_count: number } }>(
      srv,
      'POST',
      `/api/channels/${ch}/read`,
      { token: bob.token, body: { seq: 2 } },
    );
    assert.equal(read.body.receipt.last_read_seq, 2);
    assert.equal(read.body.receipt.mention_count, 0);
    await bobSock.until(() => bobSock.frames.some((f) => f.type === 'channel.read'));
    assert.ok(!aliceSock.frames.some((f) => f.type === 'channel.read'));
    const back = await api<{ receipt: { last_read_seq: number } }>(
      srv,
      'POST',
      `/api/channels/${ch}/read`,
      { token: bob.token, body: { seq: 1 } },
    );
    assert.equal(back.body.receipt.last_read_seq, 2, 'pointers only move forward');
    const capped = await api<{ receipt: { last_read_seq: number } }>(
      srv,
      'POST',
      `/api/channels/${ch}/read`,
      { token: bob.token, body: { seq: 999 } },
    );
    assert.equal(capped.body.receipt.last_read_seq, 3);
    const after = await api<{ channel: { unread_count: number; mention_count: number } }>(
      srv,
      'GET',
      `/api/channels/${ch}`,
      { token: bob.token },
    );
    assert.deepEqual([after.body.channel.unread_count, after.body.channel.mention_count], [0, 0]);
    assert.equal(
      (await api(srv, 'POST', `/api/channels/${ch}/read`, { token: bob.token, body: { seq: -1 } }))
        .status,
      400,
    );
    bobSock.close();
    aliceSock.close();
  });

  test('thread followers get thread.followed_reply until they unfollow', async () => {
    const tail = (
      await api<{ tail_cursor: string }>(
        srv,
        'GET',
        `/api/realtime/events?workspace_id=${wid}&limit=1`,
        { token: alice.token },
      )
    ).body.tail_cursor;
    const aliceSock = await TestSocket.open(
      `${srv.url}/api/realtime/ws?workspace_id=${wid}&after_cursor=${tail}`,
      { headers: { authorization: `Bearer ${alice.token}` } },
    );
    const root = await post(alice, 'follow me');
    const reply = (body: string, u: SignedIn) =>
      api<MessageResponse>(srv, 'POST', `/api/messages/${root.message.id}/thread/replies`, {
        token: u.token,
        body: { body },
      });
    const r1 = await reply('first', bob);
    await aliceSock.until(() =>
      aliceSock.frames.some(
        (f) => f.type === 'thread.followed_reply' && f.payload.message_id === r1.body.message.id,
      ),
    );
    assert.deepEqual(
      (await api(srv, 'DELETE', `/api/messages/${root.message.id}/follow`, { token: alice.token }))
        .body,
      { root_message_id: root.message.id, following: false },
    );
    const r2 = await reply('second', bob);
    await post(owner, 'marker after unfollow');
    await aliceSock.until(() =>
      aliceSock.frames.some(
        (f) => f.type === 'message.created' && f.payload.author_id === owner.userId,
      ),
    );
    assert.ok(
      !aliceSock.frames.some(
        (f) => f.type === 'thread.followed_reply' && f.payload.message_id === r2.body.message.id,
      ),
    );
    assert.equal(
      (await api(srv, 'POST', `/api/messages/${r1.body.message.id}/follow`, { token: alice.token }))
        .status,
      400,
    );
    aliceSock.close();
  });
});
