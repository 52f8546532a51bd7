// The store announces every commit that appended events (store.ts `onCommitted`); that one
// announcement is what wakes the realtime tailer. Here the tail check (the periodic re-read
// of the log, for writes by other processes) runs once an hour, so an event that reaches a
// socket or a long-poll within seconds got there through the announcement.
// Across nodes on PostgreSQL (the announcement relayed over the bus): multinode.test.ts.
import assert from 'node:assert/strict';
import type { Event } from '@clickclack/protocol';
import { after, before, test } from 'node:test';
import { api, startTestServer, team, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';
import { createChannelMessage } from '../src/services/messages/messages.js';

const HOUR = 3_600_000;
/** Far below the tail check, far above a commit on a loaded machine. */
const PROMPT_MS = 5000;

let srv: TestServer;
let owner: { token: string; userId: string };
let wid: string;
let general: string;

before(async () => {
  srv = await startTestServer({ realtime: { pollMs: HOUR } });
  ({ owner, workspaceId: wid, generalId: general } = await team(srv, []));
});
after(() => srv.close());

const openSocket = () =>
  TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${wid}`, {
    headers: { authorization: `Bearer ${owner.token}` },
  });

const post = (body: string) =>
  api<{ message: { id: string }; event: Event }>(srv, 'POST', `/api/channels/${general}/messages`, {
    token: owner.token,
    body: { body },
  });

test('a posted message reaches a WebSocket right after its commit, not at the next tail check', async () => {
  const sock = await openSocket();
  const posted = await post('announced');
  const cursor = posted.body.event.cursor;
  await sock.until(() => sock.frames.some((f) => f.cursor === cursor), PROMPT_MS, 'the message');
  sock.close();
});

test('a long-poll (wait=) is answered by the commit', async () => {
  const tail = await api<{ tail_cursor: string }>(
    srv,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&limit=1`,
    { token: owner.token },
  );
  const started = Date.now();
  const waiting = api<{ events: Event[] }>(
    srv,
    'GET',
    `/api/realtime/events?workspace_id=${wid}&after_cursor=${tail.body.tail_cursor}&wait=10`,
    { token: owner.token },
  );
  await new Promise((r) => setTimeout(r, 200));
  const posted = await post('wake the long-poll');
  const woke = await waiting;
  assert.equal(woke.body.events[0]?.cursor, posted.body.event.cursor);
  assert.ok(Date.now() - started < PROMPT_MS, `answered after ${Date.now() - started} ms`);
});

test('writes of every kind are announced: a reaction, a profile change, a new channel', async () => {
  const sock = await openSocket();
  const m = await post('react to me');
  await api(srv, 'POST', `/api/messages/${m.body.message.id}/reactions`, {
    token: owner.token,
    body: { emoji: '👍' },
  });
  await api(srv, 'PATCH', '/api/me', { token: owner.token, body: { display_name: 'Announced' } });
  await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
    token: owner.token,
    body: { name: 'announced' },
  });
  const wanted = ['message.created', 'reaction.added', 'user.updated', 'channel.created'];
  await sock.until(
    () => wanted.every((t) => sock.frames.some((f) => f.type === t)),
    PROMPT_MS,
    wanted.join(', '),
  );
  sock.close();
});

test('a write through a service in this process (no HTTP request) is announced too', async () => {
  const sock = await openSocket();
  const res = await createChannelMessage(
    srv.deps,
    { kind: 'human', user: srv.devUser, via: 'bearer' },
    general,
    { body: 'written in process' },
  );
  const cursor = res.response.event!.cursor;
  await sock.until(() => sock.frames.some((f) => f.cursor === cursor), PROMPT_MS, 'the message');
  sock.close();
});
