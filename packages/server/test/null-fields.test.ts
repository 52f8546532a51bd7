import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DmResponse, ErrorBody } from '@clickclack/protocol';
import { api, startTestServer, team, type SignedIn, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';
import { OPERATIONS } from '@clickclack/protocol';
import { Type } from 'typebox';
import { createBot } from '../src/services/bots/bots.js';
import { nullStripper } from '../src/http/null-as-absent.js';

// Clients (the Hermes plugin, SDKs generated from the OpenAPI document) send `null` for an
// optional field they have no value for. As in the original, that means "absent", on every
// route; a required field sent as null stays a 400.

type Err = ErrorBody;

let srv: TestServer;
let owner: SignedIn, bob: SignedIn;
let wid: string;
let general: string;
let botToken: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [['bob@x.io', 'bob']]);
  [owner, bob, wid, general] = [t.owner, t.members[0]!, t.workspaceId, t.generalId];
  botToken = (
    await createBot(srv.deps, {
      workspaceId: wid,
      createdBy: owner.userId,
      displayName: 'Hermes',
      scopes: 'bot:admin',
    })
  ).token;
});
after(() => srv.close());

describe('null in an optional field means absent', () => {
  test('typing indicators with direct_conversation_id: null reach the channel (Hermes)', async () => {
    const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: owner.token,
      body: { workspace_id: wid, member_ids: [bob.userId] },
    });
    assert.equal(dm.status, 201);
    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    try {
      const inChannel = await api(srv, 'POST', '/api/realtime/ephemeral', {
        token: botToken,
        body: {
          workspace_id: wid,
          channel_id: general,
          direct_conversation_id: null,
          type: 'typing.started',
          payload: null,
        },
      });
      assert.equal(inChannel.status, 202, JSON.stringify(inChannel.body));
      const inDm = await api(srv, 'POST', '/api/realtime/ephemeral', {
        token: owner.token,
        body: {
          workspace_id: wid,
          channel_id: null,
          direct_conversation_id: dm.body.conversation.id,
          type: 'typing.stopped',
        },
      });
      assert.equal(inDm.status, 202, JSON.stringify(inDm.body));
      await sock.until(
        () =>
          sock.frames.some((f) => f.type === 'typing.started' && f.channel_id === general) &&
          sock.frames.some((f) => f.type === 'typing.stopped'),
        5000,
        'typing frames',
      );
    } finally {
      sock.close();
    }
  });

  test('message create, channel patch and profile update take nulls as absent', async () => {
    const sent = await api<{ message: { body: string; kind?: string } }>(
      srv,
      'POST',
      `/api/channels/${general}/messages`,
      {
        token: owner.token,
        body: {
          body: 'hello',
          quoted_message_id: null,
          nonce: null,
          kind: null,
          turn_id: null,
          upload_id: null,
        },
      },
    );
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.message.body, 'hello');

    const patched = await api<{ channel: { name: string; topic: string }; event?: unknown }>(
      srv,
      'PATCH',
      `/api/channels/${general}`,
      {
        token: owner.token,
        body: { name: null, kind: null, topic: null, archived: null, external_ref: null },
      },
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.channel.name, 'general');
    assert.equal(patched.body.event, undefined);

    await api(srv, 'PATCH', '/api/me', { token: bob.token, body: { display_name: 'Bob B' } });
    const me = await api<{ user: { display_name: string; avatar_url: string } }>(
      srv,
      'PATCH',
      '/api/me',
      { token: bob.token, body: { display_name: null, handle: null, avatar_url: null } },
    );
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.user.display_name, 'Bob B');
  });

  test('nulls inside nested objects are absent too', async () => {
    const res = await api<{ bot_commands: { command: string; args_hint: string }[] }>(
      srv,
      'PUT',
      '/api/bots/self/commands',
      {
        token: botToken,
        body: { commands: [{ command: 'deploy', description: 'Ship it', args_hint: null }] },
      },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.bot_commands.map((c) => [c.command, c.args_hint]),
      [['/deploy', '']],
    );
  });

  test('a field whose schema takes null keeps it (moderation_note, blocked)', async () => {
    const body = { blocked: null, moderation_note: null, role: null };
    nullStripper(OPERATIONS.moderateMember.body)!(body);
    assert.deepEqual(body, { blocked: null, moderation_note: null });
    const res = await api<{ member: { moderation_note?: string } }>(
      srv,
      'PATCH',
      `/api/workspaces/${wid}/moderation/members/${bob.userId}`,
      { token: owner.token, body: { moderation_note: 'watch', blocked: null, role: null } },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.member.moderation_note, 'watch');
  });

  test('a required field sent as null is a clear 400', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', `/api/channels/${general}/messages`, { body: null }, /body\/body must be string/],
      [
        'POST',
        '/api/realtime/ephemeral',
        { workspace_id: null, channel_id: general, type: 'typing.started' },
        /workspace_id must be string/,
      ],
      [
        'PUT',
        '/api/bots/self/commands',
        { commands: [{ command: null, description: 'x' }] },
        /commands\/0\/command must be string/,
      ],
      ['PUT', '/api/bots/self/commands', { commands: null }, /commands must be array/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await api<Err>(srv, method, path, { token: botToken, body });
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(res.body.code, 'validation_failed');
      assert.match(res.body.error, message);
    }
  });
});

describe('nullStripper', () => {
  test('drops null only where an optional field refuses it, at any depth', () => {
    const schema = Type.Object({
      need: Type.String(),
      opt: Type.Optional(Type.String()),
      nullable: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      anything: Type.Optional(Type.Unknown()),
      record: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      list: Type.Array(Type.Object({ a: Type.Optional(Type.Integer()) })),
      maybe: Type.Optional(
        Type.Union([Type.Object({ b: Type.Optional(Type.Boolean()) }), Type.Null()]),
      ),
      both: Type.Optional(
        Type.Intersect([
          Type.Object({ c: Type.Optional(Type.String()) }),
          Type.Object({ d: Type.Optional(Type.String()) }),
        ]),
      ),
    });
    const value = {
      need: null,
      opt: null,
      nullable: null,
      anything: null,
      record: { k: null },
      list: [{ a: null }, { a: 1 }],
      maybe: { b: null },
      both: { c: null, d: null },
    };
    nullStripper(schema)!(value);
    assert.deepEqual(value, {
      need: null,
      nullable: null,
      anything: null,
      record: { k: null },
      list: [{}, { a: 1 }],
      maybe: {},
      both: {},
    });
    assert.equal(nullStripper(Type.Object({ need: Type.String() })), undefined);
  });
});
