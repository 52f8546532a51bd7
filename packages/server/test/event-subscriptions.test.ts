import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  ChannelResponse,
  DeliveryAttempt,
  EventSubscription,
  EventSubscriptionResponse,
  WorkspaceListResponse,
  WorkspaceResponse,
} from '@clickclack/protocol';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, poll, signIn, startTestServer, type TestServer } from './helpers.js';
import { verifySignature } from '../src/lib/signing.js';
import { mintInvite } from '../src/services/invites/invites.js';

/** A real HTTP receiver on loopback that verifies signatures and can be told to fail. */
class Receiver {
  readonly hits: { body: string; valid: boolean; eventId: string; status: number }[] = [];
  secret = '';
  failNext = 0;
  private server: Server;
  url = '';
  constructor() {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const ts = String(req.headers['x-clickclack-timestamp']);
        const valid =
          Math.abs(Date.now() / 1000 - Number(ts)) < 300 &&
          verifySignature(this.secret, ts, body, String(req.headers['x-clickclack-signature']));
        const status = this.failNext > 0 ? 503 : 200;
        if (this.failNext > 0) this.failNext--;
        this.hits.push({
          body,
          valid,
          eventId: String(req.headers['x-clickclack-event-id']),
          status,
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  }
  listen(): Promise<void> {
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address();
        this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
        resolve();
      }),
    );
  }
  close(): void {
    this.server.close();
  }
  async until(pred: () => boolean, ms = 8000): Promise<void> {
    if (!(await poll(pred, (ok) => ok, ms)))
      throw new Error(`receiver timed out with ${this.hits.length} hits`);
  }
}

let srv: TestServer;
let owner: { token: string; userId: string };
let member: { token: string; userId: string };
let wid: string;
let general: string;
const receiver = new Receiver();
const integrations = { allowLoopbackCallbacks: true, retryBaseMs: 40, pollMs: 30 };

before(async () => {
  await receiver.listen();
  srv = await startTestServer({ integrations });
  owner = await signIn(srv, 'local@clickclack.chat');
  member = await signIn(srv, 'member@x.io');
  const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
    token: owner.token,
  });
  wid = ws.body.workspaces[0]!.id;
  const inv = await mintInvite(srv.deps, { workspaceId: wid, createdBy: owner.userId });
  await api(srv, 'POST', `/api/invites/${inv.token}/accept`, { token: member.token });
  const chs = await api<ChannelListResponse>(srv, 'GET', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
  });
  general = chs.body.channels.find((c) => c.name === 'general')!.id;
});
after(async () => {
  receiver.close();
  await srv.close();
});

const subscribe = (types: string[], url = receiver.url, token = owner.token) =>
  api<EventSubscriptionResponse>(srv, 'POST', `/api/workspaces/${wid}/event-subscriptions`, {
    token,
    body: { event_types: types, callback_url: url },
  });

/**
 * A subscription revoked when the test ends, pass or fail: one left active would receive
 * the next test's events and count toward its receiver's hits.
 */
async function subscribeForTest(
  t: TestContext,
  types: string[],
  url = receiver.url,
): Promise<EventSubscription> {
  const sub = (await subscribe(types, url)).body.event_subscription;
  t.after(async () => {
    await api(srv, 'POST', `/api/event-subscriptions/${sub.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
  });
  return sub;
}

/** A subscription of the test workspace as its list shows it now. */
async function subscriptionNow(id: string): Promise<EventSubscription> {
  const list = await api<{ event_subscriptions: EventSubscription[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/event-subscriptions`,
    { token: owner.token },
  );
  return list.body.event_subscriptions.find((s) => s.id === id)!;
}

/** Listens on a loopback port until the test ends; returns the callback URL. */
async function listenForTest(t: TestContext, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** The delivery log, once it holds `n` attempts: the receiver answers before the log commits. */
function deliveriesWhen(subId: string, n: number): Promise<DeliveryAttempt[]> {
  return poll(
    async () =>
      (
        await api<{ deliveries: DeliveryAttempt[] }>(
          srv,
          'GET',
          `/api/event-subscriptions/${subId}/deliveries`,
          { token: owner.token },
        )
      ).body.deliveries,
    (log) => log.length >= n,
  );
}

test('management: managers only, validated, secrets shown once', async () => {
  assert.equal((await subscribe(['message.created'], receiver.url, member.token)).status, 403);
  assert.equal((await subscribe(['nope.event'])).status, 400);
  assert.equal((await subscribe([])).status, 400);
  assert.equal((await subscribe(['*'], 'ftp://example.com/x')).status, 400);
  assert.equal((await subscribe(['*'], 'http://user:pw@example.com/x')).status, 400);
  const created = await subscribe(['channel.created']);
  assert.equal(created.status, 201);
  assert.match(created.body.event_subscription.signing_secret!, /^ccs_/);
  const list = await api<{ event_subscriptions: EventSubscription[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/event-subscriptions`,
    {
      token: member.token,
    },
  );
  const listed = list.body.event_subscriptions.find(
    (s) => s.id === created.body.event_subscription.id,
  )!;
  assert.equal(listed.signing_secret, undefined);
  const rotated = await api<EventSubscriptionResponse>(
    srv,
    'POST',
    `/api/event-subscriptions/${listed.id}/rotate-secret`,
    { token: owner.token, raw: '' },
  );
  assert.notEqual(
    rotated.body.event_subscription.signing_secret,
    created.body.event_subscription.signing_secret,
  );
  assert.equal(
    (
      await api(srv, 'POST', `/api/event-subscriptions/${listed.id}/revoke`, {
        token: member.token,
        raw: '',
      })
    ).status,
    403,
  );
  const revoked = await api<{ event_subscription: { revoked_at?: string } }>(
    srv,
    'POST',
    `/api/event-subscriptions/${listed.id}/revoke`,
    { token: owner.token, raw: '' },
  );
  assert.ok(revoked.body.event_subscription.revoked_at);
  assert.equal(
    (
      await api(srv, 'POST', `/api/event-subscriptions/${listed.id}/rotate-secret`, {
        token: owner.token,
        raw: '',
      })
    ).status,
    400,
  );
});

test('signed delivery, retried through 503s: delivered once with every attempt logged', async (t) => {
  const sub = await subscribeForTest(t, ['message.created']);
  receiver.secret = sub.signing_secret!;
  receiver.hits.length = 0;
  receiver.failNext = 2;
  const posted = await api<{ event: { id: string } }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    {
      token: member.token,
      body: { body: 'deliver me' },
    },
  );
  await receiver.until(() => receiver.hits.some((h) => h.status === 200));
  assert.equal(receiver.hits.length, 3);
  assert.ok(receiver.hits.every((h) => h.valid && h.eventId === posted.body.event.id));
  const payload = JSON.parse(receiver.hits[2]!.body) as {
    event: { id: string; type: string };
    subscription_id: string;
  };
  assert.equal(payload.event.type, 'message.created');
  assert.equal(payload.subscription_id, sub.id);
  assert.deepEqual(
    (await deliveriesWhen(sub.id, 3)).map((d) => [d.attempt, d.response_status]),
    [
      [3, 200],
      [2, 503],
      [1, 503],
    ],
  );
  const page = await api<{ deliveries: DeliveryAttempt[]; next_cursor: string | null }>(
    srv,
    'GET',
    `/api/event-subscriptions/${sub.id}/deliveries?limit=2`,
    { token: owner.token },
  );
  assert.equal(page.body.deliveries.length, 2);
  const rest = await api<{ deliveries: DeliveryAttempt[] }>(
    srv,
    'GET',
    `/api/event-subscriptions/${sub.id}/deliveries?limit=2&before=${page.body.next_cursor}`,
    { token: owner.token },
  );
  assert.deepEqual(
    rest.body.deliveries.map((d) => d.attempt),
    [1],
  );
});

test('private channel events go only to subscriptions whose creator can see them', async (t) => {
  const sub = await subscribeForTest(t, ['message.created']);
  receiver.secret = sub.signing_secret!;
  receiver.hits.length = 0;
  const mine = await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: member.token,
    body: { name: 'members-only', kind: 'private' },
  });
  const hidden = await api<{ event: { id: string } }>(
    srv,
    'POST',
    `/api/channels/${mine.body.channel.id}/messages`,
    {
      token: member.token,
      body: { body: 'owner cannot see this' },
    },
  );
  const visible = await api<{ event: { id: string } }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    {
      token: member.token,
      body: { body: 'public' },
    },
  );
  await receiver.until(() => receiver.hits.some((h) => h.eventId === visible.body.event.id));
  assert.ok(!receiver.hits.some((h) => h.eventId === hidden.body.event.id));
});

test('a receiver that never recovers marks the subscription failing', async (t) => {
  const sub = await subscribeForTest(t, ['message.created']);
  receiver.secret = sub.signing_secret!;
  receiver.hits.length = 0;
  receiver.failNext = 1000;
  await api(srv, 'POST', `/api/channels/${general}/messages`, {
    token: member.token,
    body: { body: 'doomed' },
  });
  const status = await poll(
    async () => (await subscriptionNow(sub.id)).status,
    (st) => st === 'failing',
    20000,
  );
  assert.equal(status, 'failing');
  assert.equal(receiver.hits.length, 8);
  receiver.failNext = 0;
});

test('deliveries failing at the same time each count toward consecutive_failures', async (t) => {
  // A receiver that refuses for good (400, not retried), slowly: the two deliveries are in
  // flight together, and both read the subscription before either outcome is written.
  let refused = 0;
  const slow = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        refused++;
        res.writeHead(400, { 'content-type': 'application/json' }).end('{}');
      }, 300),
    );
  });
  const sub = await subscribeForTest(t, ['message.created'], await listenForTest(t, slow));
  for (const body of ['first refused', 'second refused'])
    await api(srv, 'POST', `/api/channels/${general}/messages`, {
      token: member.token,
      body: { body },
    });
  const failures = await poll(
    () => subscriptionNow(sub.id),
    (s) => s.consecutive_failures >= 2,
    5000,
  );
  assert.equal(refused, 2);
  assert.equal(failures.status, 'failing');
  assert.equal(failures.consecutive_failures, 2);
});

test('a receiver that does not answer holds only its own workspace share of deliveries', async (t) => {
  // Every request to this receiver stays open (until the 3 s callback timeout).
  const open = new Set<IncomingMessage>();
  let mostOpen = 0;
  const mute = createServer((req) => {
    open.add(req);
    mostOpen = Math.max(mostOpen, open.size);
    req.resume();
    req.socket.on('close', () => open.delete(req));
  });
  await subscribeForTest(t, ['message.created'], await listenForTest(t, mute));
  // A second workspace, subscribed to the answering receiver.
  const other = await api<WorkspaceResponse>(srv, 'POST', '/api/workspaces', {
    token: owner.token,
    body: { name: 'Elsewhere' },
  });
  const otherWid = other.body.workspace.id;
  const otherChannel = (
    await api<ChannelResponse>(srv, 'POST', `/api/workspaces/${otherWid}/channels`, {
      token: owner.token,
      body: { name: 'elsewhere' },
    })
  ).body.channel.id;
  const sub = (
    await api<EventSubscriptionResponse>(
      srv,
      'POST',
      `/api/workspaces/${otherWid}/event-subscriptions`,
      {
        token: owner.token,
        body: { event_types: ['message.created'], callback_url: receiver.url },
      },
    )
  ).body.event_subscription;
  t.after(async () => {
    await api(srv, 'POST', `/api/event-subscriptions/${sub.id}/revoke`, {
      token: owner.token,
      raw: '',
    });
  });
  receiver.secret = sub.signing_secret!;
  receiver.hits.length = 0;

  for (const body of ['unanswered 1', 'unanswered 2', 'unanswered 3'])
    await api(srv, 'POST', `/api/channels/${general}/messages`, {
      token: member.token,
      body: { body },
    });
  await poll(
    () => open.size,
    (n) => n >= 2,
  );
  const posted = await api<{ event: { id: string } }>(
    srv,
    'POST',
    `/api/channels/${otherChannel}/messages`,
    { token: owner.token, body: { body: 'answered elsewhere' } },
  );
  await receiver.until(() => receiver.hits.some((h) => h.eventId === posted.body.event.id));
  assert.equal(open.size, 2, 'the unanswered deliveries are still waiting');
  assert.equal(mostOpen, 2, 'no more than the per-workspace share at once');
});

test('a delivery waiting on backoff survives a server restart', async (t) => {
  // Restart on a slow retry schedule so the retry is still pending when the server stops.
  await srv.stop();
  srv = await startTestServer({
    integrations: { ...integrations, retryBaseMs: 1500 },
    dataDir: srv.dataDir,
  });
  const sub = await subscribeForTest(t, ['message.created']);
  receiver.secret = sub.signing_secret!;
  receiver.hits.length = 0;
  receiver.failNext = 1;
  const posted = await api<{ event: { id: string } }>(
    srv,
    'POST',
    `/api/channels/${general}/messages`,
    {
      token: member.token,
      body: { body: 'survive' },
    },
  );
  await receiver.until(() => receiver.hits.length === 1);
  const dataDir = srv.dataDir;
  await srv.stop();
  srv = await startTestServer({ integrations, dataDir });
  await receiver.until(() => receiver.hits.some((h) => h.status === 200));
  assert.deepEqual(
    receiver.hits.map((h) => [h.eventId, h.status]),
    [
      [posted.body.event.id, 503],
      [posted.body.event.id, 200],
    ],
  );
});
