import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventSubscriptionResponse, WorkspaceListResponse } from '@clickclack/protocol';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { OPERATIONS, type Operation } from '@clickclack/protocol';
import type { TSchema } from 'typebox';
import {
  api,
  apiFrom,
  signIn,
  startTestServer,
  team,
  type SignedIn,
  type TestServer,
} from './helpers.js';
import { createMagicLink } from '../src/services/auth/auth.js';
import { createBot } from '../src/services/bots/bots.js';
import { INVITE_ATTEMPTS_PER_MINUTE, mintInvite } from '../src/services/invites/invites.js';
import { TestSocket } from './ws-client.js';

/**
 * Issue 27 (hardening) against one real server: what members, guests, moderators and
 * outsiders may read of integrations, and what a restricted member may still send.
 */

let srv: TestServer;
let owner: SignedIn, member: SignedIn, guest: SignedIn, moderator: SignedIn, restricted: SignedIn;
let outsider: SignedIn;
let wid: string;
let general: string;
let botId: string;
let receiver: Server;
let receiverUrl = '';
let callbacks = 0;

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      callbacks++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"response_type":"in_channel","text":"deployed"}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?key=s3cret`;
  srv = await startTestServer({
    integrations: { allowLoopbackCallbacks: true, retryBaseMs: 40, pollMs: 30 },
  });
  const t = await team(srv, [
    ['h-member@x.io', 'Member'],
    ['h-guest@x.io', 'Guest'],
    ['h-mod@x.io', 'Moderator'],
    ['h-restricted@x.io', 'Restricted'],
  ]);
  ({ owner, workspaceId: wid, generalId: general } = t);
  [member, guest, moderator, restricted] = t.members as [SignedIn, SignedIn, SignedIn, SignedIn];
  outsider = await signIn(srv, 'h-outsider@x.io', 'Outsider');
  for (const [who, role] of [
    [guest, 'guest'],
    [moderator, 'moderator'],
  ] as const) {
    const res = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${who.userId}`, {
      token: owner.token,
      body: { role },
    });
    assert.equal(res.status, 200);
  }
  botId = (
    await createBot(srv.deps, { workspaceId: wid, createdBy: owner.userId, displayName: 'Ops' })
  ).bot.id;
});
after(async () => {
  receiver.close();
  await srv.close();
});

const statusOf = async (method: string, path: string, token: string, body?: unknown) =>
  (await api(srv, method, path, { token, ...(body === undefined ? {} : { body }) })).status;

describe('leaks and permission gaps', () => {
  test('a delivery log is read by its creator and managers only: members 403, outsiders 404', async () => {
    const sub = await api<EventSubscriptionResponse>(
      srv,
      'POST',
      `/api/workspaces/${wid}/event-subscriptions`,
      { token: owner.token, body: { event_types: ['message.created'], callback_url: receiverUrl } },
    );
    assert.equal(sub.status, 201);
    const path = `/api/event-subscriptions/${sub.body.event_subscription.id}/deliveries`;
    assert.equal(await statusOf('GET', path, owner.token), 200);
    assert.equal(await statusOf('GET', path, moderator.token), 200);
    assert.equal(await statusOf('GET', path, member.token), 403);
    assert.equal(await statusOf('GET', path, guest.token), 403);
    assert.equal(await statusOf('GET', path, outsider.token), 404);
    await api(srv, 'POST', `/api/event-subscriptions/${sub.body.event_subscription.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
  });

  test('integration settings: managers see them, members and guests names only, the audit log redacts', async () => {
    const cmd = await api<{ slash_command: { id: string; signing_secret?: string } }>(
      srv,
      'POST',
      `/api/workspaces/${wid}/slash-commands`,
      {
        token: owner.token,
        body: { command: '/leak', callback_url: receiverUrl, bot_user_id: botId, description: 'd' },
      },
    );
    assert.equal(cmd.status, 201);
    assert.match(cmd.body.slash_command.signing_secret!, /^ccs_/);
    const app = await api(srv, 'POST', `/api/workspaces/${wid}/app-installations`, {
      token: owner.token,
      body: { app_slug: 'ci', bot_user_id: botId, config: { api_key: 'k-123' } },
    });
    assert.equal(app.status, 201);
    const sub = await api<EventSubscriptionResponse>(
      srv,
      'POST',
      `/api/workspaces/${wid}/event-subscriptions`,
      { token: owner.token, body: { event_types: ['channel.created'], callback_url: receiverUrl } },
    );
    assert.equal(sub.status, 201);
    const lists = async (token: string) => {
      const get = async (what: string) =>
        JSON.stringify((await api(srv, 'GET', `/api/workspaces/${wid}/${what}`, { token })).body);
      return {
        slash: await get('slash-commands'),
        apps: await get('app-installations'),
        subs: await get('event-subscriptions'),
        audit: await get('audit-log'),
      };
    };
    for (const token of [member.token, guest.token]) {
      const seen = await lists(token);
      assert.match(seen.slash, /"command":"\/leak"/);
      assert.match(seen.slash, /"description":"d"/);
      assert.match(seen.apps, /"app_slug":"ci"/);
      for (const text of Object.values(seen)) assert.doesNotMatch(text, /s3cret|k-123|ccs_/);
      assert.doesNotMatch(seen.slash + seen.apps + seen.subs, /callback_url|"config"/);
    }
    const managed = await lists(moderator.token);
    assert.match(managed.slash, /s3cret/);
    assert.match(managed.apps, /k-123/);
    assert.match(managed.subs, /s3cret/);
    assert.doesNotMatch(managed.slash + managed.subs + managed.apps, /ccs_/);
    // Whoever reads it, the audit log keeps a callback's origin and never its key.
    assert.doesNotMatch(managed.audit, /s3cret|k-123|ccs_/);
    assert.match(managed.audit, /"callback_url":"http:\/\/127\.0\.0\.1:\d+\/\[redacted\]"/);
    await api(srv, 'POST', `/api/slash-commands/${cmd.body.slash_command.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
    await api(srv, 'POST', `/api/event-subscriptions/${sub.body.event_subscription.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
  });

  test('blocked and timed-out members run no slash command and send no ephemeral frame', async () => {
    const cmd = await api<{ slash_command: { id: string } }>(
      srv,
      'POST',
      `/api/workspaces/${wid}/slash-commands`,
      {
        token: owner.token,
        body: { command: '/ship', callback_url: receiverUrl, bot_user_id: botId },
      },
    );
    assert.equal(cmd.status, 201);
    const invoke = (token: string) =>
      fetch(`${srv.url}/api/hooks/slash/${general}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ command: '/ship', text: 'prod' }).toString(),
      }).then((r) => r.status);
    const typing = (token: string) =>
      statusOf('POST', '/api/realtime/ephemeral', token, {
        type: 'typing.started',
        workspace_id: wid,
        channel_id: general,
      });
    assert.equal(await invoke(restricted.token), 200);
    assert.equal(callbacks, 1);
    assert.equal(await typing(restricted.token), 202);
    const moderate = (body: Record<string, unknown>) =>
      statusOf(
        'PATCH',
        `/api/workspaces/${wid}/moderation/members/${restricted.userId}`,
        owner.token,
        body,
      );
    for (const restriction of [{ blocked: true }, { timeout_minutes: 10 }]) {
      assert.equal(await moderate(restriction), 200);
      assert.equal(await invoke(restricted.token), 403);
      assert.equal(callbacks, 1, 'the callback did not fire');
      assert.equal(await typing(restricted.token), 403);
      assert.equal(
        await statusOf('POST', '/api/realtime/ephemeral', restricted.token, {
          type: 'presence.changed',
          workspace_id: wid,
        }),
        403,
      );
      assert.equal(await moderate({ blocked: false, clear_timeout: true }), 200);
    }
    assert.equal(await typing(restricted.token), 202);
    await api(srv, 'POST', `/api/slash-commands/${cmd.body.slash_command.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
  });
});

describe('workspace visibility', () => {
  test('a guest finds in the channel directory only channels they are in and may read', async () => {
    const made = await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
      body: { name: 'h-open' },
    });
    assert.equal(made.status, 201);
    const names = async (token: string) =>
      (
        await api<{ channels: { channel: { name: string } }[] }>(
          srv,
          'GET',
          `/api/workspaces/${wid}/channel-directory`,
          { token },
        )
      ).body.channels.map((c) => c.channel.name);
    assert.ok((await names(member.token)).includes('h-open'));
    assert.deepEqual(await names(guest.token), []);
  });

  test('every workspace route answers a non-member as if the workspace did not exist', async () => {
    const missing = `wsp_${'0'.repeat(26)}`;
    const ids: Record<string, string> = { user_id: member.userId, bot_user_id: botId };
    // The smallest value a schema accepts, with workspace_id pointing at `ws`.
    const sample = (schema: TSchema | undefined, ws: string): unknown => {
      if (!schema) return undefined;
      const s = schema as TSchema & Record<string, unknown>;
      if (Array.isArray(s.anyOf)) return sample(s.anyOf[0] as TSchema, ws);
      if ('const' in s) return s.const;
      if (s.type === 'object') {
        const props = (s.properties ?? {}) as Record<string, TSchema>;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(props)) {
          if (key === 'workspace_id') out[key] = ws;
          else if ((s.required as string[] | undefined)?.includes(key))
            out[key] = sample(props[key], ws);
        }
        return out;
      }
      if (s.type === 'array') return [sample(s.items as TSchema, ws)];
      if (s.type === 'integer' || s.type === 'number') return (s.minimum as number) ?? 1;
      if (s.type === 'boolean') return false;
      return 'x';
    };
    const call = async (op: Operation, ws: string) => {
      const path = op.path.replace(/:(\w+)/g, (_, p: string) =>
        p === 'workspace_id' ? ws : (ids[p] ?? 'x'),
      );
      const query = sample(op.query, ws) as Record<string, string> | undefined;
      const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
      const body = sample(op.body, ws);
      return (
        await api(srv, op.method, path + qs, {
          token: outsider.token,
          ...(body === undefined ? {} : { body }),
        })
      ).status;
    };
    const touched: string[] = [];
    const leaks: string[] = [];
    for (const [name, op] of Object.entries(OPERATIONS) as [string, Operation][]) {
      const mentions = (s: TSchema | undefined) =>
        !!s && 'workspace_id' in ((s as { properties?: object }).properties ?? {});
      if (
        !op.auth ||
        !(op.path.includes(':workspace_id') || mentions(op.query) || mentions(op.body))
      )
        continue;
      touched.push(name);
      const [real, none] = [await call(op, wid), await call(op, missing)];
      if (real !== none || real === 403)
        leaks.push(`${name}: ${real} for a real workspace, ${none} for none`);
    }
    assert.deepEqual(leaks, []);
    assert.ok(touched.length > 25, `only ${touched.length} workspace routes found`);
  });
});

describe('sign-in abuse', () => {
  test('failed magic-link redemptions and invite-token uses are limited per client address', async () => {
    const consume = (from: string, token: string) =>
      apiFrom(srv, from, 'POST', '/api/auth/magic/consume', { body: { token } });
    for (let i = 0; i < 10; i++)
      assert.equal((await consume('127.0.0.4', `mgt_guess${i}`)).status, 400);
    const held = await consume('127.0.0.4', 'mgt_guess');
    assert.equal(held.status, 429);
    const wait = Number(held.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    const link = await createMagicLink(srv.deps, { email: 'h-magic@x.io' });
    assert.equal((await consume('127.0.0.4', link.token)).status, 429, 'even a good link waits');
    assert.equal((await consume('127.0.0.5', link.token)).status, 200, 'other addresses do not');

    // Every use of an invite token counts (invite-links.test.ts tests the budget's edge).
    const accept = (from: string, token: string) =>
      apiFrom(srv, from, 'POST', `/api/invites/${token}/accept`, { token: outsider.token });
    for (let i = 0; i < INVITE_ATTEMPTS_PER_MINUTE; i++)
      assert.equal((await accept('127.0.0.6', `tok_guess${i}`)).status, 404);
    const invite = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
    assert.equal((await accept('127.0.0.6', invite.token)).status, 429);
    assert.equal((await accept('127.0.0.7', invite.token)).status, 200);
  });
});

describe('robustness', () => {
  test('deeply nested JSON is a 400 wherever it goes, never a 500', async () => {
    // Built as text: the client's own JSON.stringify would overflow on such a value.
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const post = async (path: string, raw: string) => {
      const res = await api(srv, 'POST', path, { token: owner.token, raw });
      return { status: res.status, error: res.body.error };
    };
    const bodies = (nested: string): [string, string][] => [
      [
        '/api/realtime/ephemeral',
        `{"type":"typing.started","workspace_id":"${wid}","channel_id":"${general}","payload":${nested}}`,
      ],
      [`/api/workspaces/${wid}/bots/${botId}/setup-codes`, `{"defaults":${nested}}`],
      [
        `/api/workspaces/${wid}/app-installations`,
        `{"app_slug":"deep","bot_user_id":"${botId}","config":${nested}}`,
      ],
    ];
    for (const n of [5_000, 100_000]) {
      for (const [path, raw] of bodies(deep(n))) {
        const res = await post(path, raw);
        assert.equal(res.status, 400, `${path} at depth ${n}: ${String(res.error)}`);
        assert.match(String(res.error), /nests deeper than 64 levels/);
      }
    }
    // Shallow nesting is fine.
    const [, setup] = bodies(deep(10));
    assert.equal((await post(setup![0], setup![1])).status, 201);
  });

  test('a malformed multipart upload is a 400', async () => {
    const send = async (type: string, body: string) => {
      const res = await fetch(`${srv.url}/api/uploads?workspace_id=${wid}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': type },
        body,
      });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    const b = 'XyZ';
    for (const [type, body] of [
      [`multipart/form-data; boundary=${b}`, 'garbage with no boundary at all'],
      [
        `multipart/form-data; boundary=${b}`,
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a file`,
      ],
      [`multipart/form-data; boundary=${b}`, `--${b}\r\nno headers here\r\n--${b}--\r\n`],
      ['multipart/form-data', `--${b}\r\n\r\n--${b}--\r\n`],
    ] as const) {
      const res = await send(type, body);
      assert.equal(
        res.status,
        400,
        `${JSON.stringify(body)}: ${res.status} ${String(res.body.error)}`,
      );
      assert.equal(typeof res.body.error, 'string');
    }
  });
});

describe('request timeouts', () => {
  let slow: TestServer;
  let user: SignedIn;
  let space: string;
  before(async () => {
    slow = await startTestServer({ timeouts: { headersMs: 1000, requestMs: 2000 } });
    user = await signIn(slow, 'local@clickclack.chat');
    space = (
      await api<WorkspaceListResponse>(slow, 'GET', '/api/workspaces', {
        token: user.token,
      })
    ).body.workspaces[0]!.id;
  });
  after(() => slow.close());

  /**
   * A slow-loris client: sends `head`, then one byte of `drip` every 300 ms. Resolves with
   * how long the server let it stay and what it answered, if anything.
   */
  const trickle = (head: string, drip: string, giveUpMs = 8000) =>
    new Promise<{ ms: number; answer: string }>((resolve) => {
      const started = Date.now();
      const { port } = new URL(slow.url);
      const sock = connect(Number(port), '127.0.0.1', () => sock.write(head));
      let answer = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < drip.length) sock.write(drip[i++]!);
      }, 300);
      const done = () => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ ms: Date.now() - started, answer });
      };
      const giveUp = setTimeout(() => {
        sock.destroy();
        done();
      }, giveUpMs);
      sock.on('data', (c: Buffer) => (answer += c.toString()));
      sock.on('error', () => undefined);
      sock.on('close', done);
    });

  test('a client trickling its headers or its body is cut off', async () => {
    const headers = await trickle('GET /healthz HTTP/1.1\r\n', `X-Slow: ${'a'.repeat(100)}`);
    assert.ok(headers.ms < 4000, `headers held the connection ${headers.ms} ms`);
    const body = await trickle(
      `POST /api/workspaces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n',
      `{"name":"${'a'.repeat(90)}"}`,
    );
    assert.ok(body.ms < 5000, `the body held the connection ${body.ms} ms`);
    assert.match(body.answer, /^HTTP\/1\.1 408/);
  });

  test('a long-poll and a WebSocket outlive the request timeout', async () => {
    const started = Date.now();
    const poll = await api<{ events: unknown[] }>(
      slow,
      'GET',
      `/api/realtime/events?workspace_id=${space}&after_cursor=&wait=3`,
      { token: user.token },
    );
    assert.equal(poll.status, 200);
    const tail = await api<{ tail_cursor: string }>(
      slow,
      'GET',
      `/api/realtime/events?workspace_id=${space}&limit=1`,
      { token: user.token },
    );
    const held = await api(
      slow,
      'GET',
      `/api/realtime/events?workspace_id=${space}&after_cursor=${tail.body.tail_cursor}&wait=3`,
      { token: user.token },
    );
    assert.equal(held.status, 200);
    assert.ok(Date.now() - started >= 2500, 'the second poll waited past the request timeout');
    const sock = await TestSocket.open(
      `${slow.url}/api/realtime/ws?workspace_id=${space}&after_cursor=${tail.body.tail_cursor}`,
      { headers: { authorization: `Bearer ${user.token}` } },
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(sock.closed, undefined);
    const made = await api(slow, 'POST', `/api/workspaces/${space}/channels`, {
      token: user.token,
      body: { name: 'late' },
    });
    assert.equal(made.status, 201);
    await sock.until(() => sock.frames.some((f) => f.type === 'channel.created'));
    sock.ws.close();
  });
});
