import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DmResponse, MessageResponse } from '@clickclack/protocol';
import { ClickClackClient } from '@clickclack/sdk';
import { buildApp } from '../src/app.js';
import { smtpMailer } from '../src/lib/mailer.js';
import { createBot } from '../src/services/bots/bots.js';
import { openStore } from '../src/store/open.js';
import { api, poll, startTestServer, team, type Team, type TestServer } from './helpers.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from './smtp-receiver.js';

const PUBLIC_URL = 'https://chat.example.test';
/** Short enough for a test, long enough that two sends in a row land in one batch. */
const DELAY_MS = 1500;

describe('email when away (real SMTP receiver)', () => {
  let smtp: SmtpReceiver;
  let srv: TestServer;
  let t: Team;
  let ada: Team['members'][number];
  let grace: Team['members'][number];
  let lin: Team['members'][number];

  const post = (token: string, body: string, channelId = t.generalId) =>
    api<MessageResponse>(srv, 'POST', `/api/channels/${channelId}/messages`, {
      token,
      body: { body },
    });
  /** The mails a user got, in order. */
  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
  /** Resolves with the n-th mail (1-based) to `email`. */
  const nthMail = (email: string, n: number) =>
    smtp.waitFor(email, (m) => mailsTo(email).indexOf(m) === n - 1, 15_000);

  before(async () => {
    smtp = await startSmtpReceiver();
    srv = await startTestServer({
      smtpUrl: smtp.url,
      publicUrl: PUBLIC_URL,
      emailNotifyDelayMs: DELAY_MS,
    });
    t = await team(srv, [
      ['ada@example.com', 'Ada'],
      ['grace@example.com', 'Grace'],
      ['lin@example.com', 'Lin'],
    ]);
    [ada, grace, lin] = t.members as [typeof ada, typeof grace, typeof lin];
    for (const [who, handle] of [
      [ada, 'ada'],
      [grace, 'grace'],
      [lin, 'lin'],
    ] as const) {
      assert.equal(
        (await api(srv, 'PATCH', '/api/me', { token: who.token, body: { handle } })).status,
        200,
      );
    }
  });
  after(async () => {
    await srv.close();
    await smtp.close();
  });

  test('an unread mention is mailed after the delay, with a link and an unsubscribe link', async () => {
    const sent = await post(t.owner.token, 'hey @ada, the release notes need you');
    const mail = await nthMail('ada@example.com', 1);
    const id = sent.body.message.id;
    assert.match(mail.subject, /mentioned you in #general/);
    assert.ok(mail.text.includes('hey @ada, the release notes need you'));
    assert.ok(mail.text.includes(`${PUBLIC_URL}/app/clickclack/general/m/${id}`), mail.text);
    const unsubscribe = /https:\/\/chat\.example\.test\/unsubscribe\?token=\S+/.exec(
      mail.text,
    )?.[0];
    assert.ok(unsubscribe);
    assert.equal(mail.headers.get('list-unsubscribe'), `<${unsubscribe}>`);
    assert.equal(mail.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    const pending = await poll(
      () => srv.store.read.emailNotify.nextDueAt(),
      (v) => v === undefined,
    );
    assert.equal(pending, undefined, 'nothing left pending');
  });

  test('a DM and a mention within the delay arrive as one email', async () => {
    const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: t.owner.token,
      body: { workspace_id: t.workspaceId, member_ids: [grace.userId] },
    });
    assert.equal(dm.status, 201, JSON.stringify(dm.body));
    const dmId = dm.body.conversation.id;
    const first = await api<MessageResponse>(srv, 'POST', `/api/dms/${dmId}/messages`, {
      token: t.owner.token,
      body: { body: 'private question for you' },
    });
    const second = await post(ada.token, '@grace can you look at the build?');
    const mail = await nthMail('grace@example.com', 1);
    assert.equal(mail.subject, '2 messages for you on ClickClack');
    assert.ok(
      mail.text.includes('sent you a direct message in a direct message (ClickClack)'),
      mail.text,
    );
    assert.ok(mail.text.includes(`/app/clickclack/dm/${dmId}/m/${first.body.message.id}`));
    assert.ok(mail.text.includes(`Ada mentioned you in #general`));
    assert.ok(mail.text.includes(`/app/clickclack/general/m/${second.body.message.id}`));
  });

  test('a message read within the delay is not mailed; a muted channel mails nothing', async () => {
    const read = await post(t.owner.token, '@lin first');
    const seq = read.body.message.channel_seq;
    assert.ok(typeof seq === 'number', JSON.stringify(read.body));
    const mark = await api(srv, 'POST', `/api/channels/${t.generalId}/read`, {
      token: lin.token,
      body: { seq },
    });
    assert.equal(mark.status, 200);
    const mute = await api(srv, 'PATCH', `/api/channels/${t.generalId}/notification-settings`, {
      token: ada.token,
      body: { preference: 'muted' },
    });
    assert.equal(mute.status, 200, JSON.stringify(mute.body));
    await post(t.owner.token, '@ada in a channel you muted');
    // After the delay of the ones above: these are unread and unmuted.
    await new Promise((r) => setTimeout(r, DELAY_MS));
    const dm = await api<DmResponse>(srv, 'POST', '/api/dms', {
      token: t.owner.token,
      body: { workspace_id: t.workspaceId, member_ids: [ada.userId] },
    });
    await api(srv, 'POST', `/api/dms/${dm.body.conversation.id}/messages`, {
      token: t.owner.token,
      body: { body: 'to ada directly' },
    });
    const third = await post(t.owner.token, '@lin second');
    const linMail = await nthMail('lin@example.com', 1);
    assert.ok(linMail.text.includes('@lin second'));
    assert.ok(!linMail.text.includes('@lin first'), 'the one Lin read is not in it');
    assert.ok(linMail.text.includes(third.body.message.id));
    const adaMail = await nthMail('ada@example.com', 2);
    assert.ok(adaMail.text.includes('to ada directly'));
    assert.ok(!adaMail.text.includes('muted'), 'the muted channel is not in it');
    await api(srv, 'PATCH', `/api/channels/${t.generalId}/notification-settings`, {
      token: ada.token,
      body: { preference: 'all' },
    });
  });

  test('a reply in a followed thread is mailed with a link to the thread', async () => {
    const root = await post(lin.token, 'a thread of my own');
    const rootId = root.body.message.id;
    const reply = await api(srv, 'POST', `/api/messages/${rootId}/thread/replies`, {
      token: ada.token,
      body: { body: 'an answer in your thread' },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const mail = await nthMail('lin@example.com', 2);
    assert.match(mail.subject, /Ada replied in a thread you follow in #general/);
    assert.ok(mail.text.includes(`/app/clickclack/general/t/${rootId}`));
  });

  test('settings: per user, off for bots; the unsubscribe link works without signing in', async () => {
    const client = new ClickClackClient({ baseUrl: srv.url, token: grace.token });
    assert.deepEqual(await client.auth.emailNotifications(), {
      enabled: true,
      delay_seconds: DELAY_MS / 1000 > 1 ? Math.round(DELAY_MS / 1000) : 1,
    });
    assert.deepEqual(await client.auth.updateEmailNotifications({ delay_seconds: 120 }), {
      enabled: true,
      delay_seconds: 120,
    });
    const bad = await api(srv, 'PATCH', '/api/me/email-notifications', {
      token: grace.token,
      body: { delay_seconds: -1 },
    });
    assert.equal(bad.status, 400);
    await client.auth.updateEmailNotifications({ delay_seconds: null });
    const bot = await createBot(srv.deps, {
      workspaceId: t.workspaceId,
      createdBy: t.owner.userId,
      displayName: 'Helper',
    });
    const botRes = await api(srv, 'GET', '/api/me/email-notifications', { token: bot.token });
    assert.equal(botRes.status, 403);

    const mail = mailsTo('ada@example.com')[0] as ReceivedMail;
    const link = /https:\/\/chat\.example\.test(\/unsubscribe\?token=\S+)/.exec(mail.text)![1]!;
    const page = await fetch(srv.url + link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post"/);
    // Still on: GET only asks.
    assert.equal(
      (
        await api<{ email_notifications: { enabled: boolean } }>(
          srv,
          'GET',
          '/api/me/email-notifications',
          { token: ada.token },
        )
      ).body.email_notifications.enabled,
      true,
    );
    const forged = await fetch(`${srv.url}/unsubscribe?token=${ada.userId}.AAAA`, {
      method: 'POST',
    });
    assert.equal(forged.status, 400);
    // A mail client's one-click unsubscribe (RFC 8058).
    const done = await fetch(srv.url + link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(done.status, 200);
    const after = await api<{ email_notifications: { enabled: boolean } }>(
      srv,
      'GET',
      '/api/me/email-notifications',
      { token: ada.token },
    );
    assert.equal(after.body.email_notifications.enabled, false);
    // Unsubscribed: a mention is not mailed, while Lin's (sent after it) is.
    const before = mailsTo('ada@example.com').length;
    await post(t.owner.token, '@ada you unsubscribed');
    await post(t.owner.token, '@lin you did not');
    await smtp.waitFor('lin@example.com', (m) => m.text.includes('you did not'), 15_000);
    assert.equal(mailsTo('ada@example.com').length, before);
  });
});

describe('email when away: retries and one sender per database', () => {
  test('a refused send is retried; two nodes on one database mail each batch once', async () => {
    const smtp = await startSmtpReceiver();
    const srv = await startTestServer({
      smtpUrl: smtp.url,
      publicUrl: PUBLIC_URL,
      emailNotifyDelayMs: 300,
    });
    // A second node on the same database, with its own notifier.
    const store2 = await openStore(srv.dbUrl, { migrate: false });
    const node2 = await buildApp({
      store: store2,
      devBootstrap: false,
      publicUrl: PUBLIC_URL,
      email: {
        mailer: smtpMailer(smtp.url, 'ClickClack <noreply@clickclack.test>'),
        notifyDelayMs: 300,
        notify: { pollMs: 100, retryBaseMs: 200 },
      },
    });
    try {
      const members: [string, string][] = [];
      for (let i = 0; i < 6; i++) members.push([`u${i}@example.com`, `U${i}`]);
      const t = await team(srv, members);
      for (const [i, m] of t.members.entries()) {
        await api(srv, 'PATCH', '/api/me', { token: m.token, body: { handle: `u${i}` } });
      }
      smtp.refuseNext(1);
      for (let i = 0; i < 6; i++) {
        await api(srv, 'POST', `/api/channels/${t.generalId}/messages`, {
          token: t.owner.token,
          body: { body: `ping @u${i}` },
        });
      }
      for (let i = 0; i < 6; i++) await smtp.waitFor(`u${i}@example.com`, undefined, 20_000);
      // Time for a duplicate to show up, were one coming.
      await new Promise((r) => setTimeout(r, 1000));
      for (let i = 0; i < 6; i++) {
        assert.equal(
          smtp.messages.filter((m) => m.to.includes(`u${i}@example.com`)).length,
          1,
          `u${i} got one email`,
        );
      }
      assert.equal(smtp.refused, 1, 'one send was refused and retried');
    } finally {
      await node2.close();
      await store2.close();
      await srv.close();
      await smtp.close();
    }
  });
});
