import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventSubscriptionResponse, WorkspaceListResponse } from '@clickclack/protocol';
import { createServer } from 'node:http';
import {
  DEFAULT_OUTBOUND,
  isPublicAddress,
  OutboundError,
  postCallback,
} from '../src/lib/outbound.js';
import { api, signIn, startTestServer } from './helpers.js';

const strict = { ...DEFAULT_OUTBOUND, timeoutMs: 1000 };

test('non-public addresses are refused before any connection', async () => {
  for (const url of [
    'http://127.0.0.1:9/x',
    'http://10.1.2.3/x',
    'http://172.20.0.1/x',
    'http://192.168.1.1/x',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:9/x',
    'http://[::ffff:127.0.0.1]:9/x',
    'http://[fd00::1]/x',
    'http://0.0.0.0/x',
    'http://localhost:9/x',
    'http://metadata.google.internal/x',
  ]) {
    await assert.rejects(postCallback(url, '{}', {}, strict), OutboundError, url);
  }
  assert.equal(isPublicAddress('8.8.8.8', strict), true);
  assert.equal(isPublicAddress('2606:4700::1111', strict), true);
  assert.equal(isPublicAddress('100.64.0.1', strict), false);
  assert.equal(isPublicAddress('127.0.0.1', { allowLoopback: true }), true);
  assert.equal(isPublicAddress('10.0.0.1', { allowLoopback: true }), false);
});

test('redirects are not followed, slow receivers time out, big answers are capped', async () => {
  let followed = false;
  const server = createServer((req, res) => {
    if (req.url === '/redirect') return res.writeHead(302, { location: '/target' }).end();
    if (req.url === '/target') {
      followed = true;
      return res.end('ok');
    }
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
    res.end('x'.repeat(200 * 1024));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  const loop = { ...strict, allowLoopback: true };
  const redirected = await postCallback(`${base}/redirect`, '{}', {}, loop);
  assert.equal(redirected.status, 302);
  assert.equal(followed, false);
  await assert.rejects(
    postCallback(`${base}/slow`, '{}', {}, { ...loop, timeoutMs: 300 }),
    /timed out/,
  );
  const big = await postCallback(`${base}/big`, '{}', {}, loop);
  assert.equal(Buffer.byteLength(big.body), 64 * 1024);
  server.closeAllConnections();
  server.close();
});

test('with the loopback setting off, a subscription to 127.0.0.1 is logged as refused', async () => {
  const srv = await startTestServer({ integrations: { pollMs: 30 } });
  try {
    let hits = 0;
    const receiver = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const a = receiver.address();
    const owner = await signIn(srv, 'local@clickclack.chat');
    const ws = await api<WorkspaceListResponse>(srv, 'GET', '/api/workspaces', {
      token: owner.token,
    });
    const wid = ws.body.workspaces[0]!.id;
    const sub = await api<EventSubscriptionResponse>(
      srv,
      'POST',
      `/api/workspaces/${wid}/event-subscriptions`,
      {
        token: owner.token,
        body: {
          event_types: ['*'],
          callback_url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`,
        },
      },
    );
    await api(srv, 'POST', `/api/workspaces/${wid}/channels`, {
      token: owner.token,
      body: { name: 'trigger' },
    });
    let errors: string[] = [];
    for (let i = 0; i < 100 && errors.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 30));
      const log = await api<{ deliveries: { error?: string }[] }>(
        srv,
        'GET',
        `/api/event-subscriptions/${sub.body.event_subscription.id}/deliveries`,
        { token: owner.token },
      );
      errors = log.body.deliveries.map((d) => d.error ?? '');
    }
    assert.match(errors[0] ?? '', /non-public address/);
    assert.equal(hits, 0);
    receiver.close();
  } finally {
    await srv.close();
  }
});
