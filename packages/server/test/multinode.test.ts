// Several `clickclack serve` processes on one PostgreSQL database: realtime crosses nodes
// through LISTEN/NOTIFY. Every node runs with a 60 s tail check, so an event that arrives
// within the test's time came through a notification, not through the periodic re-read.
import assert from 'node:assert/strict';
import type {
  ChannelListResponse,
  Event as Frame,
  EventSubscriptionResponse,
  MessageResponse,
  WorkspaceListResponse,
} from '@clickclack/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { createPgTestDatabase, dropPgTestDatabase, poll, TEST_PG_URL, until } from './helpers.js';
import { cliOk, startServer, type RunningServer as Node } from './processes.js';

const SKIP = TEST_PG_URL
  ? false
  : 'CLICKCLACK_TEST_PG_URL is not set: multi-node tests need PostgreSQL, skipped';
if (SKIP) console.log(`# ${SKIP}`);

/** A node on the shared database; its tail check is a minute, so only NOTIFY is fast. */
const startNode = (db: string, uploads: string): Promise<Node> =>
  startServer({
    args: [
      '--db',
      db,
      '--uploads',
      uploads,
      '--realtime-tail-check-ms',
      '60000',
      '--allow-loopback-callbacks',
    ],
  });

async function api<T>(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** A WebSocket client that keeps every frame and its last durable cursor. */
class Listener {
  frames: Frame[] = [];
  cursor = '';
  closed: { code: number; reason: string } | undefined;
  private ws!: WebSocket;

  connect(node: Node, workspaceId: string, token: string): Promise<void> {
    const q = new URLSearchParams({ workspace_id: workspaceId });
    if (this.cursor) q.set('after_cursor', this.cursor);
    this.closed = undefined;
    this.ws = new WebSocket(`${node.url.replace('http', 'ws')}/api/realtime/ws?${q}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    this.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (frame.cursor) this.cursor = frame.cursor;
    });
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
    this.ws.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
  }

  created(): string[] {
    return this.frames
      .filter((f) => f.type === 'message.created')
      .map((f) => String(f.payload.message_id));
  }

  close(): void {
    this.ws.terminate();
  }
}

describe('several nodes on one PostgreSQL database', { skip: SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-multi-'));
  const uploads = join(dir, 'uploads');
  let db: string;
  let nodes: Node[] = [];
  let token: string;
  let workspaceId: string;
  let channelId: string;

  before(async () => {
    db = await createPgTestDatabase(dir);
    await cliOk(['migrate', '--db', db]);
    await cliOk(['admin', 'bootstrap', '--db', db, '--name', 'Owner', '--email', 'o@example.com']);
    nodes = await Promise.all([0, 1, 2].map(() => startNode(db, uploads)));
    const magic = await cliOk([
      'admin',
      'magic-link',
      'create',
      '--db',
      db,
      '--email',
      'o@example.com',
    ]);
    const res = await fetch(`${nodes[0]!.url}/api/auth/magic/consume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: magic }),
    });
    token = ((await res.json()) as { token: string }).token;
    workspaceId = (await api<WorkspaceListResponse>(nodes[0]!.url, 'GET', '/api/workspaces', token))
      .workspaces[0]!.id;
    channelId = (
      await api<ChannelListResponse>(
        nodes[0]!.url,
        'GET',
        `/api/workspaces/${workspaceId}/channels`,
        token,
      )
    ).channels.find((c) => c.name === 'general')!.id;
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.cleanup()));
    await dropPgTestDatabase(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (node: Node, body: string) =>
    api<MessageResponse>(node.url, 'POST', `/api/channels/${channelId}/messages`, token, {
      body,
    }).then((r) => r.message.id);

  /**
   * A callback receiver subscribed (through `node`) to message.created; `onHit` answers each
   * delivery or leaves it waiting. `end` revokes the subscription (through any live node) and
   * closes the receiver.
   */
  const subscribeReceiver = async (
    node: Node,
    onHit: (eventId: string, res: ServerResponse) => void,
  ): Promise<{ end(): Promise<void> }> => {
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => onHit(String(req.headers['x-clickclack-event-id']), res));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const sub = await api<EventSubscriptionResponse>(
      node.url,
      'POST',
      `/api/workspaces/${workspaceId}/event-subscriptions`,
      token,
      { event_types: ['message.created'], callback_url: `http://127.0.0.1:${port}/hook` },
    );
    return {
      async end() {
        const live = nodes.find((n) => n.alive())!;
        await api(
          live.url,
          'POST',
          `/api/event-subscriptions/${sub.event_subscription.id}/revoke`,
          token,
        );
        receiver.closeAllConnections();
        receiver.close();
      },
    };
  };

  test('a client on B gets every message posted on A and C exactly once, in order; typing crosses too; killing B, it resumes on C', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const listener = new Listener();
    await listener.connect(b, workspaceId, token);
    const posted = (
      await Promise.all([
        (async () => {
          const ids = [];
          for (let i = 0; i < 25; i++) ids.push(await post(a, `from A ${i}`));
          return ids;
        })(),
        (async () => {
          const ids = [];
          for (let i = 0; i < 25; i++) ids.push(await post(c, `from C ${i}`));
          return ids;
        })(),
      ])
    ).flat();
    await until('50 messages on B', () => listener.created().length >= 50);
    await new Promise((r) => setTimeout(r, 300));
    const got = listener.created();
    assert.equal(got.length, 50, 'no duplicates');
    assert.deepEqual([...got].sort(), [...posted].sort());
    const cursors = listener.frames.filter((f) => f.cursor).map((f) => f.cursor);
    assert.ok(
      cursors.every((cur, i) => i === 0 || cur > cursors[i - 1]!),
      'cursors strictly increase',
    );

    // Ephemeral events are not in the log: they cross nodes through the notification itself.
    await api(a.url, 'POST', '/api/realtime/ephemeral', token, {
      workspace_id: workspaceId,
      channel_id: channelId,
      type: 'typing.started',
    });
    await until('typing from A on B', () =>
      listener.frames.some((f) => f.type === 'typing.started'),
    );

    // B dies; the client moves to C with its cursor and loses nothing posted meanwhile.
    await b.kill();
    await until('the socket to notice', () => listener.closed !== undefined);
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await post(a, `while B is down ${i}`));
    await listener.connect(c, workspaceId, token);
    const after = [];
    for (let i = 0; i < 5; i++) after.push(await post(a, `after the move ${i}`));
    await until('every message on C', () => listener.created().length >= 65);
    await new Promise((r) => setTimeout(r, 300));
    const all = listener.created();
    assert.equal(all.length, 65, 'exactly once across the move');
    assert.deepEqual(all.slice(50), [...during, ...after], 'in order');
    listener.close();
  });

  test('a file uploaded through A downloads through C (shared uploads directory)', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const form = new FormData();
    form.append('file', new Blob(['shared across nodes\n'], { type: 'text/plain' }), 'notes.txt');
    const res = await fetch(`${a.url}/api/uploads?workspace_id=${workspaceId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { upload } = (await res.json()) as { upload: { id: string } };
    const down = await fetch(`${c.url}/api/uploads/${upload.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(down.status, 200);
    assert.equal(await down.text(), 'shared across nodes\n');
  });

  test("an incoming webhook's rate limit is one budget across nodes", async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const created = await api<{ incoming_webhook: { url: string } }>(
      a.url,
      'POST',
      `/api/workspaces/${workspaceId}/incoming-webhooks`,
      token,
      { channel_id: channelId, display_name: 'CI' },
    );
    const hookPath = created.incoming_webhook.url;
    const statuses: number[] = [];
    // 60 posts, 20 through each of three nodes (A again if B was killed above): all accepted.
    for (const node of [a, c, b.alive() ? b : a])
      for (let i = 0; i < 20; i++) {
        const r = await fetch(node.url + hookPath, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `hook ${i}` }),
        });
        statuses.push(r.status);
      }
    assert.deepEqual([...new Set(statuses)], [201]);
    const over = await fetch(c.url + hookPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'one too many' }),
    });
    assert.equal(over.status, 429, 'the 61st post of the minute, on any node, is refused');
  });

  test('an event subscription gets each event once, though every node runs a dispatcher', async () => {
    const live = nodes.filter((n) => n.alive());
    // A receiver slow to answer: each delivery is still in flight when the other nodes poll
    // for due deliveries (once a second).
    const hits: string[] = [];
    const receiver = await subscribeReceiver(live[0]!, (eventId, res) => {
      hits.push(eventId);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 1500);
    });
    try {
      for (let i = 0; i < 12; i++) await post(live[i % live.length]!, `subscribed ${i}`);
      await until('12 events delivered', () => new Set(hits).size >= 12, 30_000);
      // Three more polls of every node after the last first delivery.
      await new Promise((r) => setTimeout(r, 3500));
      assert.equal(new Set(hits).size, 12);
      assert.equal(hits.length, 12, 'each event was sent once');
    } finally {
      await receiver.end();
    }
  });

  test('a delivery leased by a node killed mid-send is sent by another node when the lease runs out', async () => {
    const live = nodes.filter((n) => n.alive());
    const doomed = await startNode(db, uploads);
    nodes.push(doomed);
    // The first request is never answered: its sender is killed while it waits.
    const hits: { eventId: string; at: number }[] = [];
    const receiver = await subscribeReceiver(doomed, (eventId, res) => {
      hits.push({ eventId, at: Date.now() });
      if (hits.length > 1) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    // The other nodes are paused, so the doomed node is the one that leases the delivery.
    for (const n of live) n.child.kill('SIGSTOP');
    try {
      await post(doomed, 'leased, then its node dies');
      await until('the doomed node to send', () => hits.length === 1, 10_000);
      await doomed.kill();
    } finally {
      for (const n of live) n.child.kill('SIGCONT');
    }
    try {
      // The lease is at least 60 s: only then does another node send the delivery again.
      await until('the delivery sent again', () => hits.length >= 2, 80_000);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(hits.length, 2, 'sent again once');
      assert.equal(hits[1]!.eventId, hits[0]!.eventId);
      const waited = hits[1]!.at - hits[0]!.at;
      assert.ok(waited >= 55_000, `sent again after ${waited} ms, within the lease`);
    } finally {
      await receiver.end();
    }
  });

  test('revoking a bot token on A closes its socket on C', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const bot = await api<{ bot_token: { id: string; token: string } }>(
      a.url,
      'POST',
      `/api/workspaces/${workspaceId}/bots`,
      token,
      { display_name: 'Watcher', scopes: ['bot:read'], initial_token: true },
    );
    const listener = new Listener();
    await listener.connect(c, workspaceId, bot.bot_token.token);
    await api(a.url, 'POST', `/api/bot-tokens/${bot.bot_token.id}/revoke`, token, {});
    await until('the socket on C to close', () => listener.closed !== undefined);
    assert.equal(listener.closed!.code, 1008);
  });

  test('a lost notification connection is healed: events posted meanwhile still arrive', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const listener = new Listener();
    await listener.connect(c, workspaceId, token);
    const first = await post(a, 'before the cut');
    await until('the first message', () => listener.created().includes(first));
    // Cut every node's LISTEN connection, then post while they are reconnecting.
    const admin = new pg.Client({ connectionString: db });
    await admin.connect();
    const cut = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'clickclack-listen' AND datname = current_database()",
    );
    await admin.end();
    assert.ok(cut.rowCount! >= 2, `cut ${cut.rowCount} listeners`);
    const id = await post(a, 'posted while nobody listens');
    // No notification can carry it and the tail check is a minute away: the reconnect must.
    await until('the healed message', () => listener.created().includes(id), 10000);
    listener.close();
  });

  /** The presence frames a listener got for one user, in order: 'online' / 'offline'. */
  const presenceOf = (listener: Listener, userId: string): string[] =>
    listener.frames
      .filter((f) => f.type === 'presence.changed' && f.payload.user_id === userId)
      .map((f) => String(f.payload.status));

  const eventually = async (what: string, check: () => Promise<boolean>): Promise<void> =>
    assert.ok(await poll(check, Boolean), `timed out waiting for ${what}`);

  /** A bot user that may only read (and so open sockets), created through `node`. */
  const readerBot = async (node: Node, name: string): Promise<{ id: string; token: string }> => {
    const made = await api<{ bot: { id: string }; bot_token: { token: string } }>(
      node.url,
      'POST',
      `/api/workspaces/${workspaceId}/bots`,
      token,
      { display_name: name, scopes: ['bot:read'], initial_token: true },
    );
    return { id: made.bot.id, token: made.bot_token.token };
  };

  const presentOn = async (node: Node): Promise<string[]> =>
    (
      await api<{ user_ids: string[] }>(
        node.url,
        'GET',
        `/api/workspaces/${workspaceId}/presence`,
        token,
      )
    ).user_ids;

  test('presence spans nodes: online on every node while any socket is open, offline when the last closes or its node is killed', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const { id: botId, token: botToken } = await readerBot(a, 'Present');
    // The watcher is on C; the bot comes and goes on A, C and a node that will be killed.
    const watcher = new Listener();
    await watcher.connect(c, workspaceId, token);
    const onA = new Listener();
    await onA.connect(a, workspaceId, botToken);
    await until('the bot online on C', () => presenceOf(watcher, botId).length === 1);
    assert.ok((await presentOn(c)).includes(botId), 'REST on C lists the user connected to A');
    assert.ok((await presentOn(a)).includes(botId));

    // A second socket on C, then the one on A closes: still online, no frame.
    const onC = new Listener();
    await onC.connect(c, workspaceId, botToken);
    onA.close();
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(presenceOf(watcher, botId), ['online']);
    assert.ok((await presentOn(a)).includes(botId), 'A still sees the socket on C');
    onC.close();
    await until('offline on C', () => presenceOf(watcher, botId).length === 2);
    assert.deepEqual(presenceOf(watcher, botId), ['online', 'offline']);
    await eventually('A to see it gone', async () => !(await presentOn(a)).includes(botId));

    // The bot's only socket is on a node that is then killed: offline within the lease.
    const doomed = await startNode(db, uploads);
    nodes.push(doomed);
    const onDoomed = new Listener();
    await onDoomed.connect(doomed, workspaceId, botToken);
    await until('online again', () => presenceOf(watcher, botId).length === 3);
    assert.ok((await presentOn(a)).includes(botId));
    await doomed.kill();
    // The lease is 5 s with a beat each second; the bound only allows for a loaded host.
    await until('offline after the kill', () => presenceOf(watcher, botId).length === 4, 30_000);
    assert.deepEqual(presenceOf(watcher, botId), ['online', 'offline', 'online', 'offline']);
    assert.ok(!(await presentOn(c)).includes(botId));
    // Each node drops the dead one when its own lease check runs: A may be a beat behind C.
    await eventually(
      'A to drop the killed node',
      async () => !(await presentOn(a)).includes(botId),
    );
    watcher.close();
  });

  test('a stopped node takes its users offline at once; a node started later sees who is online', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const watcher = new Listener();
    await watcher.connect(c, workspaceId, token);
    const { id: botId, token: botToken } = await readerBot(a, 'Leaving');
    const leaving = await startNode(db, uploads);
    nodes.push(leaving);
    const socket = new Listener();
    await socket.connect(leaving, workspaceId, botToken);
    await until('online on C', () => presenceOf(watcher, botId).includes('online'));
    // A node that starts now learns the list from the others.
    const late = await startNode(db, uploads);
    nodes.push(late);
    await eventually('the new node to list it', async () =>
      (await presentOn(late)).includes(botId),
    );
    const stoppedAt = Date.now();
    await leaving.stop();
    await until('offline after the stop', () => presenceOf(watcher, botId).includes('offline'));
    assert.ok(Date.now() - stoppedAt < 3_000, 'a graceful stop does not wait for the lease');
    await eventually(
      'the new node to drop it',
      async () => !(await presentOn(late)).includes(botId),
    );
    watcher.close();
    socket.close();
  });

  test('an ephemeral frame too large for NOTIFY still crosses nodes; the payload limit still holds', async () => {
    const [a, , c] = nodes as [Node, Node, Node];
    const watcher = new Listener();
    await watcher.connect(c, workspaceId, token);
    // 4,000 quotes: 8,012 bytes of payload JSON (under the 8 KiB limit), a frame of about
    // 8.3 KB, and a bus message of about 16.5 KB once the frame is escaped inside it.
    const text = '"'.repeat(4000);
    await api(a.url, 'POST', '/api/realtime/ephemeral', token, {
      workspace_id: workspaceId,
      channel_id: channelId,
      type: 'typing.started',
      payload: { text },
    });
    await until('the large frame on C', () =>
      watcher.frames.some((f) => f.type === 'typing.started' && f.payload.text === text),
    );
    const over = await fetch(`${a.url}/api/realtime/ephemeral`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        workspace_id: workspaceId,
        channel_id: channelId,
        type: 'typing.started',
        payload: { text: 'x'.repeat(8 * 1024) },
      }),
    });
    assert.equal(over.status, 413);
    assert.match(((await over.json()) as { error: string }).error, /over 8192 bytes/);
    watcher.close();
  });
});
