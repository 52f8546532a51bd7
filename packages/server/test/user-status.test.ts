import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemberListResponse, UserStatus } from '@clickclack/protocol';
import { ClickClackClient, ClickClackError } from '@clickclack/sdk';
import { createBot } from '../src/services/bots/bots.js';
import { api, sqlOf, startTestServer, team, type Team, type TestServer } from './helpers.js';
import { TestSocket } from './ws-client.js';

/** Issue 32: a person's status (emoji, text, when it clears itself), seen by their workspace. */

let srv: TestServer;
let t: Team;
let ada: ClickClackClient;
let bob: ClickClackClient;

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/** `userId`'s status as bob sees it in the member directory. */
async function seenByBob(userId: string): Promise<UserStatus | undefined> {
  const res = await api<MemberListResponse>(
    srv,
    'GET',
    `/api/workspaces/${t.workspaceId}/members`,
    { token: t.members[1]!.token },
  );
  return res.body.members.find((m) => m.user.id === userId)?.user.status;
}

before(async () => {
  srv = await startTestServer();
  t = await team(srv, [
    ['ada@example.com', 'Ada'],
    ['bob@example.com', 'Bob'],
  ]);
  ada = new ClickClackClient({ baseUrl: srv.url, token: t.members[0]!.token });
  bob = new ClickClackClient({ baseUrl: srv.url, token: t.members[1]!.token });
});
after(() => srv.close());

describe('user status', () => {
  test('a status set through the SDK reaches other members live and on every user listing', async () => {
    const adaId = t.members[0]!.userId;
    const sock = await TestSocket.open(`${srv.url}/api/realtime/ws?workspace_id=${t.workspaceId}`, {
      headers: { authorization: `Bearer ${t.members[1]!.token}` },
    });
    try {
      const expires = inAnHour();
      const me = await ada.auth.setStatus({
        emoji: '🌴',
        text: '  On holiday ',
        expires_at: expires,
      });
      assert.deepEqual(me.status, { emoji: '🌴', text: 'On holiday', expires_at: expires });
      await sock.until(
        () =>
          sock.frames.some(
            (f) =>
              f.type === 'user.updated' &&
              (f.payload.user as { status?: UserStatus }).status?.text === 'On holiday',
          ),
        5000,
        'user.updated with the status',
      );
      assert.deepEqual(await seenByBob(adaId), {
        emoji: '🌴',
        text: 'On holiday',
        expires_at: expires,
      });
      // Message authors carry it too.
      const sent = await ada.channels.sendMessage(t.generalId, { body: 'back soon' });
      const page = await bob.channels.messages(t.generalId, { limit: 5 });
      const mine = page.find((m) => m.id === sent.id);
      assert.equal(mine?.author?.status?.emoji, '🌴');

      // A text-only status without expiry; then clearing removes it everywhere.
      assert.deepEqual((await ada.auth.setStatus({ text: 'Heads down' })).status, {
        emoji: '',
        text: 'Heads down',
      });
      assert.equal((await ada.auth.clearStatus()).status, undefined);
      assert.equal(await seenByBob(adaId), undefined);
      assert.equal((await bob.me()).status, undefined);
    } finally {
      sock.close();
    }
  });

  test('a status past its expiry is no longer shown', async () => {
    const adaId = t.members[0]!.userId;
    await ada.auth.setStatus({ emoji: '🤒', text: 'Out sick', expires_at: inAnHour() });
    assert.equal((await seenByBob(adaId))?.text, 'Out sick');
    // Time passing, without waiting for it: the stored expiry moves into the past.
    const sql = sqlOf(srv);
    try {
      await sql.run(
        'UPDATE users SET status_expires_at = ? WHERE id = ?',
        new Date(Date.now() - 1000).toISOString(),
        adaId,
      );
    } finally {
      await sql.close();
    }
    assert.equal(await seenByBob(adaId), undefined);
    assert.equal((await ada.me()).status, undefined);
  });

  test('bad statuses are refused with a 400 naming the problem; bots cannot set one', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ emoji: 'ab', text: 'x' }, /one emoji/],
      [{ emoji: '🌴🌴', text: 'x' }, /one emoji/],
      [{ emoji: '🌴', text: 'x'.repeat(101) }, /too long/],
      [{ emoji: '🌴', text: 'two\nlines' }, /one line/],
      [{ emoji: '🌴', text: 'x', expires_at: 'tomorrow' }, /ISO 8601/],
      [
        { emoji: '🌴', text: 'x', expires_at: new Date(Date.now() - 60_000).toISOString() },
        /future/,
      ],
      [
        {
          emoji: '🌴',
          text: 'x',
          expires_at: new Date(Date.now() + 400 * 86400_000).toISOString(),
        },
        /within a year/,
      ],
      [{ emoji: 7 }, /emoji/],
    ];
    for (const [body, message] of bad) {
      const res = await api<{ error: string }>(srv, 'PUT', '/api/me/status', {
        token: t.members[0]!.token,
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error, message, JSON.stringify(body));
    }
    // Flags, keycaps and joined emoji are one emoji each.
    for (const emoji of ['🇳🇴', '👩‍💻', '👍🏽']) {
      assert.equal((await ada.auth.setStatus({ emoji, text: '' })).status?.emoji, emoji);
    }
    const bot = await createBot(srv.deps, {
      workspaceId: t.workspaceId,
      createdBy: t.owner.userId,
      displayName: 'Agent',
      handle: 'agent',
      scopes: 'bot:read',
    });
    const botClient = new ClickClackClient({ baseUrl: srv.url, token: bot.token });
    await assert.rejects(
      botClient.auth.setStatus({ emoji: '🤖', text: 'beep' }),
      (e) => e instanceof ClickClackError && e.status === 403,
    );
    const anonymous = await api(srv, 'PUT', '/api/me/status', { body: { text: 'x' } });
    assert.equal(anonymous.status, 401);
  });
});
