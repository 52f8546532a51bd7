// SIGTERM through the real `serve` binary with clients attached (issue 27): it stops
// accepting, answers a parked long-poll, closes sockets with 1001, finishes a request whose
// body was still arriving, cuts one that never finishes after the grace period, keeps every
// answered write, and exits 0 within the bound. On PostgreSQL too when configured.
import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPgTestDatabase, dropPgTestDatabase, TEST_PG_URL } from './helpers.js';
import { startServer, type RunningServer } from './processes.js';
import { TestSocket } from './ws-client.js';

const GRACE_MS = 3000;

/** A POST whose body is sent only as far as the caller says; resolves with the answer. */
function partialPost(
  url: string,
  body: string,
): { req: ClientRequest; answer: Promise<{ status: number; text: string }> } {
  const req = request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  return { req, answer };
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

test('SIGTERM drains: long-poll answered, sockets 1001, in-flight body finished, exit 0', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-shutdown-'));
  const db = TEST_PG_URL ? await createPgTestDatabase(dataDir) : undefined;
  const args = [...(db ? ['--db', db] : []), '--shutdown-grace-ms', String(GRACE_MS)];
  let srv: RunningServer | undefined = await startServer({ devBootstrap: true, dataDir, args });
  try {
    const base = srv.url;
    const wid = (
      await json<{ workspaces: { id: string }[] }>(await fetch(`${base}/api/workspaces`))
    ).workspaces[0]!.id;
    const general = (
      await json<{ channels: { id: string; name: string }[] }>(
        await fetch(`${base}/api/workspaces/${wid}/channels`),
      )
    ).channels.find((c) => c.name === 'general')!.id;
    const posted = await fetch(`${base}/api/channels/${general}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'before', nonce: 'before-1' }),
    });
    assert.equal(posted.status, 201);
    const tail = (await json<{ event: { cursor: string } }>(posted)).event.cursor;

    // Attached clients: a long-poll parked for 30 s, a socket, a body half sent, and a
    // body that will never be finished.
    const started = Date.now();
    const longPoll = fetch(
      `${base}/api/realtime/events?workspace_id=${wid}&after_cursor=${tail}&wait=30`,
    );
    const sock = await TestSocket.open(`${base}/api/realtime/ws?workspace_id=${wid}`);
    const body = JSON.stringify({ body: 'sent while stopping', nonce: 'during-1' });
    const halfSent = partialPost(`${base}/api/channels/${general}/messages`, body);
    halfSent.req.write(body.slice(0, 10));
    const stuck = partialPost(`${base}/api/channels/${general}/messages`, body);
    stuck.req.write(body.slice(0, 5));
    const stuckOutcome = stuck.answer.then(
      (r) => `answered ${r.status}`,
      (err: NodeJS.ErrnoException) => `cut: ${err.code ?? err.message}`,
    );
    await new Promise((r) => setTimeout(r, 300));

    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      srv!.child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    const signalledAt = Date.now();
    srv.child.kill('SIGTERM');

    // The long-poll is answered at once with what there is (nothing new), not after 30 s.
    const polled = await longPoll;
    assert.equal(polled.status, 200);
    assert.deepEqual((await json<{ events: unknown[] }>(polled)).events, []);
    assert.ok(Date.now() - started < 5000, 'the long-poll did not wait out its 30 s');
    await sock.until(() => sock.closed !== undefined, 5000, 'socket closed');
    assert.equal(sock.closed?.code, 1001);
    // No new connections are accepted.
    await assert.rejects(fetch(`${base}/api/workspaces`));
    // The request already in flight finishes and is answered.
    halfSent.req.end(body.slice(10));
    const answered = await halfSent.answer;
    assert.equal(answered.status, 201, answered.text);

    const { code, at } = await exited;
    assert.equal(code, 0, srv.log());
    assert.match(await stuckOutcome, /^cut/);
    assert.ok(at - signalledAt < GRACE_MS + 3000, `exited ${at - signalledAt} ms after SIGTERM`);
    assert.match(srv.log(), /shut down cleanly/);

    // Every answered write is there after a restart.
    srv = await startServer({ devBootstrap: true, dataDir, args });
    const page = await json<{ messages: { body: string }[] }>(
      await fetch(`${srv.url}/api/channels/${general}/messages`),
    );
    assert.ok(page.messages.some((m) => m.body === 'sent while stopping'));
  } finally {
    await srv?.stop();
    if (TEST_PG_URL) await dropPgTestDatabase(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
