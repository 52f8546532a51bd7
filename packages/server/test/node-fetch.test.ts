// The CLI's fetch over node:http, against a real HTTP server on a loopback port: what the
// SDK reads of a response, and failures shaped like the global fetch's.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { nodeFetch } from '../src/cli/client/node-fetch.js';

let server: Server;
let base: string;
const seen: { method: string; body: string; auth: string | undefined }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', body, auth: req.headers.authorization });
      if (req.url === '/hang') return; // never answers
      res.writeHead(req.url === '/missing' ? 404 : 200, 'Custom Status', {
        'content-type': 'application/json',
        'retry-after': '7',
      });
      res.end(JSON.stringify({ echo: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('sends method, headers and a string body; the response has status, headers, text and json', async () => {
  const res = await nodeFetch(`${base}/x`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  assert.equal(res.ok, true);
  assert.equal(res.status, 200);
  assert.equal(res.statusText, 'Custom Status');
  assert.equal(res.headers.get('Retry-After'), '7');
  assert.equal(res.headers.get('x-absent'), null);
  assert.deepEqual(await res.json(), { echo: '{"a":1}' });
  assert.deepEqual(seen.at(-1), { method: 'POST', body: '{"a":1}', auth: 'Bearer t' });
  const missing = await nodeFetch(`${base}/missing`);
  assert.equal(missing.ok, false);
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), '{"echo":""}');
});

test('a streamed request body goes through the global fetch unchanged', async () => {
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('streamed'));
      c.close();
    },
  });
  const res = await nodeFetch(`${base}/s`, {
    method: 'POST',
    body: stream,
    duplex: 'half',
  } as RequestInit);
  assert.deepEqual(await res.json(), { echo: 'streamed' });
});

test('a refused connection is fetch’s TypeError with the cause; a timeout is the signal’s reason', async () => {
  // A port that was just free: listen, note it, close.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const dead = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
  await new Promise((r) => probe.close(r));
  await assert.rejects(nodeFetch(`${dead}/x`), (err: Error) => {
    assert.equal(err.name, 'TypeError');
    assert.equal(err.message, 'fetch failed');
    assert.match((err.cause as Error).message, /ECONNREFUSED/);
    return true;
  });
  await assert.rejects(
    nodeFetch(`${base}/hang`, { signal: AbortSignal.timeout(100) }),
    (err: Error) => err.name === 'TimeoutError',
  );
});
