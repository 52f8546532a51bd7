import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { http, sessionFor } from './helpers.js';
import { article, composer, sidebar, skip, startWebWorld, type WebWorld } from './web-harness.js';

const require = createRequire(import.meta.url);
let w: WebWorld;
/** Screenshots a person can look at after a run (CI keeps the directory). */
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  w = await startWebWorld(['--allow-loopback-callbacks']);
});
afterEach(async () => {
  if (skip) return;
  await w.closePages();
});
after(async () => {
  if (skip) return;
  await w.close();
});

test(
  'drafts are kept per conversation and thread, across switching and reload',
  { skip },
  async () => {
    await w.channel('draft-notes');
    const root = await w.post(w.bobToken, w.generalId, 'a thread to half-answer');
    const ada = await w.signedIn('ada@example.com');
    const general = sidebar(ada).getByRole('button', { name: /general/ });
    const notesButton = sidebar(ada).getByRole('button', { name: /draft-notes/ });
    await composer(ada).fill('half-written thought');
    await notesButton.click();
    await ada.getByRole('heading', { name: '#draft-notes' }).waitFor();
    assert.equal(await composer(ada).inputValue(), '');
    // The conversation left behind carries the marker; the open one does not.
    await general.getByRole('img', { name: 'Draft' }).waitFor();
    assert.equal(await notesButton.getByRole('img', { name: 'Draft' }).count(), 0);
    await composer(ada).fill('notes draft');
    await general.click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    assert.equal(await composer(ada).inputValue(), 'half-written thought');
    await notesButton.getByRole('img', { name: 'Draft' }).waitFor();

    // A thread keeps its own draft, separate from the channel's.
    const rootMessage = article(ada, 'a thread to half-answer');
    await rootMessage.hover();
    await rootMessage.getByRole('button', { name: 'Reply in thread' }).click();
    const reply = ada.getByRole('textbox', { name: 'Reply' });
    await reply.fill('a reply in progress');
    await ada.getByRole('button', { name: 'Close thread' }).click();

    // A reload keeps all three.
    await ada.reload();
    await composer(ada).waitFor();
    assert.equal(await composer(ada).inputValue(), 'half-written thought');
    await notesButton.getByRole('img', { name: 'Draft' }).waitFor();
    await ada.goto(`${w.srv.url}/app/clickclack/general/t/${root.id}`);
    assert.equal(
      await ada.getByRole('textbox', { name: 'Reply' }).inputValue(),
      'a reply in progress',
    );
    await ada.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await ada
      .getByRole('complementary', { name: 'Thread' })
      .locator('article', { hasText: 'a reply in progress' })
      .waitFor();
    assert.equal(await ada.getByRole('textbox', { name: 'Reply' }).inputValue(), '');

    // Sending clears the draft and its marker.
    await notesButton.click();
    assert.equal(await composer(ada).inputValue(), 'notes draft');
    await composer(ada).press('Enter');
    await article(ada, 'notes draft').waitFor();
    await general.click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    assert.equal(await notesButton.getByRole('img', { name: 'Draft' }).count(), 0);
    await ada.reload();
    await composer(ada).waitFor();
    assert.equal(await notesButton.getByRole('img', { name: 'Draft' }).count(), 0);
    assert.deepEqual(w.pageErrors, []);
  },
);

/** A slash command integration on loopback: answers every call with `answer`, records the calls. */
async function commandServer(
  answer: object,
): Promise<{ url: string; calls: string[]; close(): void }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(body);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slash`, calls, close: () => server.close() };
}

test(
  'composer help: @people, #channels, :emoji:, /commands with hints and ephemeral answers',
  { skip },
  async () => {
    await w.channel('launch-plans');
    const ada = await w.signedIn('ada@example.com');
    const bob = await w.signedIn('bob@example.com');
    const box = composer(ada);
    const options = ada.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');

    // @: people by handle or name, then @channel and @here.
    await box.pressSequentially('hey @bo');
    await options.filter({ hasText: 'Bob Stone' }).waitFor();
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'hey @bob ');
    await box.pressSequentially('and @he');
    await options.filter({ hasText: '@here' }).waitFor();
    await box.press('Tab');
    // #: channels; :: emoji by shortcode.
    await box.pressSequentially('see #launch');
    await options.filter({ hasText: '#launch-plans' }).waitFor();
    await box.press('Enter');
    await box.pressSequentially(':rock');
    await options.filter({ hasText: ':rocket:' }).waitFor();
    await box.press('ArrowDown');
    await box.press('ArrowUp');
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'hey @bob and @here see #launch-plans 🚀 ');
    // Escape closes the list without touching the text.
    await box.pressSequentially('@');
    await options.first().waitFor();
    await box.press('Escape');
    assert.equal(await options.count(), 0);
    await box.press('Backspace');
    await box.press('Enter');
    const sent = article(bob, 'see #launch-plans');
    await sent.waitFor();
    // A `:shortcode:` in any message shows as the emoji, except in code.
    await w.post(w.bobToken, w.generalId, 'looking :eyes: at `:eyes:` now');
    const eyes = article(ada, 'looking 👀 at');
    await eyes.waitFor();
    assert.equal(await eyes.locator('code').textContent(), ':eyes:');
    // A #channel in a message is a link into the app, followed in place.
    await sent.getByRole('link', { name: '#launch-plans' }).click();
    await bob.getByRole('heading', { name: '#launch-plans' }).waitFor();
    await bob.waitForURL(/\/app\/clickclack\/launch-plans$/);

    // /: the workspace's registered commands with their hints; an ephemeral answer is the
    // caller's alone.
    const integration = await commandServer({
      response_type: 'ephemeral',
      text: 'Deploying **main** now :rocket:',
    });
    try {
      const bot = await http<{ bot: { id: string } }>(
        w.srv.url,
        'POST',
        `/api/workspaces/${w.workspaceId}/bots`,
        { token: w.adaToken, body: { display_name: 'Deployer', scopes: ['messages:write'] } },
      );
      assert.equal(bot.status, 201, JSON.stringify(bot.body));
      const created = await http(
        w.srv.url,
        'POST',
        `/api/workspaces/${w.workspaceId}/slash-commands`,
        {
          token: w.adaToken,
          body: {
            command: '/deploy',
            callback_url: integration.url,
            bot_user_id: bot.body.bot.id,
            description: 'Deploy a branch: /deploy [branch]',
          },
        },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await box.pressSequentially('/de');
      await options.filter({ hasText: 'Deploy a branch: /deploy [branch]' }).waitFor();
      await box.press('Enter');
      await box.pressSequentially('main');
      await box.press('Enter');
      const answer = ada.getByRole('note', { name: 'Answer to /deploy, only visible to you' });
      await answer.getByText('Deploying').waitFor();
      assert.equal(await answer.locator('strong', { hasText: 'main' }).count(), 1);
      await answer.getByText('🚀').waitFor();
      assert.equal(await box.inputValue(), '');
      assert.equal(integration.calls.length, 1);
      assert.equal((JSON.parse(integration.calls[0]!) as { text: string }).text, 'main');
      // Nothing was posted: Bob sees no trace of it.
      await bob
        .getByRole('navigation', { name: 'Sidebar' })
        .getByRole('button', { name: /general/ })
        .click();
      await article(bob, 'looking 👀 at').waitFor();
      assert.equal(await bob.getByText('Deploying').count(), 0);
      assert.equal(await article(bob, '/deploy').count(), 0);
    } finally {
      integration.close();
    }
    assert.deepEqual(w.pageErrors, []);
  },
);

test(
  'where I left off: a new-messages divider, jump to first unread, mark unread',
  { skip },
  async () => {
    const ch = await w.channel('catch-up');
    let last = { channel_seq: 0 };
    for (let i = 1; i <= 5; i++) last = await w.post(w.bobToken, ch.id, `catch-up ${i}.`);
    await http(w.srv.url, 'POST', `/api/channels/${ch.id}/read`, {
      token: w.adaToken,
      body: { seq: last.channel_seq },
    });
    for (let i = 6; i <= 90; i++) await w.post(w.bobToken, ch.id, `catch-up ${i}.`);
    const ada = await w.signedIn('ada@example.com', { path: '/app/clickclack/catch-up' });
    const divider = ada.getByRole('separator', { name: 'New messages' });
    const list = ada.getByRole('region', { name: 'Messages', exact: true });
    const after = () =>
      divider.evaluate((el) => el.nextElementSibling?.querySelector('.body')?.textContent?.trim());
    const onScreen = () =>
      divider.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const pane = el.closest('section')!.getBoundingClientRect();
        return box.top >= pane.top && box.bottom <= pane.bottom;
      });
    // It opens where Ada left off: the divider sits before the first unread, on screen.
    await divider.waitFor();
    assert.equal(await after(), 'catch-up 6.');
    assert.ok(await onScreen());
    await article(ada, 'catch-up 5.').waitFor();

    // Read on to the end, then jump back.
    const jump = ada.getByRole('button', { name: 'Jump to first unread' });
    for (let i = 0; i < 30 && (await article(ada, 'catch-up 90.').count()) === 0; i++) {
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await ada.waitForTimeout(100);
    }
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await jump.waitFor();
    await jump.click();
    await ada.waitForFunction(() => {
      const el = document.querySelector('.unread-divider');
      const pane = el?.closest('section')?.getBoundingClientRect();
      const box = el?.getBoundingClientRect();
      return box && pane && box.top >= pane.top && box.bottom <= pane.bottom;
    });
    await jump.waitFor({ state: 'detached' });

    // Mark unread from a message: the divider moves there, the badge returns once Ada leaves,
    // and the server keeps it across a reload.
    const target = article(ada, 'catch-up 80.');
    await target.hover();
    await target.getByRole('button', { name: 'Mark unread' }).click();
    await ada.waitForFunction(() =>
      document
        .querySelector('.unread-divider')
        ?.nextElementSibling?.textContent?.includes('catch-up 80.'),
    );
    const room = sidebar(ada).getByRole('button', { name: /catch-up/ });
    await sidebar(ada)
      .getByRole('button', { name: /general/ })
      .click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    await room.getByLabel('11 unread').waitFor();
    await ada.reload();
    await composer(ada).waitFor();
    await room.getByLabel('11 unread').waitFor();
    await room.click();
    await divider.waitFor();
    assert.equal(await after(), 'catch-up 80.');
    await room.getByLabel(/unread/).waitFor({ state: 'detached' });
    assert.deepEqual(w.pageErrors, []);
  },
);

test('hostile content renders as text: nothing runs and the layout holds', { skip }, async (t) => {
  t.after(() =>
    http(w.srv.url, 'PATCH', '/api/me', { token: w.bobToken, body: { display_name: 'Bob Stone' } }),
  );
  const evil = '<img src=x onerror="window.__pwned=1"><b>Bob</b>';
  const renamed = await http(w.srv.url, 'PATCH', '/api/me', {
    token: w.bobToken,
    body: { display_name: evil },
  });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  const ch = await w.channel('<script>window.__pwned=2</script>den');
  const topic =
    '<img src=x onerror="window.__pwned=3"> **no bold** [x](javascript:window.__pwned=4)';
  await http(w.srv.url, 'PATCH', `/api/channels/${ch.id}`, {
    token: w.adaToken,
    body: { topic },
  });
  const bodies = [
    '<script>window.__pwned=5</script>script-marker',
    '<iframe src="javascript:window.__pwned=6"></iframe><style>body{display:none}</style>style-marker',
    '[click](javascript:window.__pwned=7) [data](data:text/html,<script>alert(8)</script>) link-marker',
    '![x](x" onerror="window.__pwned=9) <svg onload="window.__pwned=10"></svg> svg-marker',
    '<div style="position:fixed;inset:0;background:red">cover-marker</div>',
    '<a href="/app/x" onclick="window.__pwned=11">in-app</a> :eyes: <details open ontoggle="window.__pwned=12">toggle-marker</details>',
    `${'W'.repeat(3000)} long-marker`,
    '```\n</code></pre><img src=x onerror="window.__pwned=13">\n``` fence-marker',
  ];
  for (const body of bodies) await w.post(w.bobToken, ch.id, body);
  await http(w.srv.url, 'POST', `/api/channels/${ch.id}/messages`, {
    token: w.bobToken,
    body: {
      body: 'see <b>quote</b> quoted-marker',
      quoted_message_id: (
        await w.post(w.bobToken, ch.id, '<img src=x onerror="window.__pwned=14">q')
      ).id,
    },
  });
  const ada = await w.signedIn('ada@example.com', {
    path: `/app/clickclack/${encodeURIComponent(ch.name)}`,
    viewport: { width: 1100, height: 760 },
  });
  let dialogs = 0;
  ada.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  // A file whose name is markup, uploaded like any other.
  await ada.getByLabel('Choose files').setInputFiles({
    name: '"><img src=x onerror="window.__pwned=15">.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hi\n'),
  });
  await ada.getByRole('list', { name: 'Attachments' }).getByText('uploaded').waitFor();
  await composer(ada).fill('file-marker');
  await composer(ada).press('Enter');
  await article(ada, 'file-marker').waitFor();
  await article(ada, 'long-marker').waitFor();
  await article(ada, 'quoted-marker').waitFor();
  // Names and topics are text, shown as typed.
  await ada.getByRole('heading', { name: `#${ch.name}` }).waitFor();
  assert.equal(await ada.locator('.topic').textContent(), topic);
  assert.equal(await article(ada, 'script-marker').locator('strong.author').textContent(), evil);
  assert.match(
    (await article(ada, 'script-marker').getAttribute('aria-label')) ?? '',
    /^<img src=x onerror=/,
  );
  // The file's name is shown as text, whatever the browser did to its quotes.
  const fileLink = article(ada, 'file-marker').locator('a[download]');
  assert.match(
    (await fileLink.textContent()) ?? '',
    /<img src=x onerror=.*window\.__pwned=15.*\.txt/,
  );
  // Nothing ran, nothing active made it into the page.
  await ada.waitForTimeout(300);
  assert.equal(await ada.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
  assert.equal(dialogs, 0);
  const active = await ada.evaluate(() => {
    const found: string[] = [];
    for (const el of document.querySelectorAll('section.messages *, header *, nav *')) {
      for (const a of el.attributes) if (/^on/i.test(a.name)) found.push(`${el.tagName} ${a.name}`);
      if (/^(SCRIPT|IFRAME|STYLE|SVG|DETAILS|OBJECT|EMBED)$/i.test(el.tagName))
        found.push(el.tagName);
      const href = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
      if (/^\s*(javascript|data):/i.test(href)) found.push(`${el.tagName} ${href}`);
      if (el.closest('.body') && el.getAttribute('style')) found.push(`${el.tagName} style`);
    }
    return found;
  });
  assert.deepEqual(active, []);
  // The layout holds: nothing wider than the window, the composer still on screen, the
  // cover-up stays inside its message.
  const layout = await ada.evaluate(() => {
    const box = document.querySelector('textarea[aria-label="Message"]')!.getBoundingClientRect();
    return {
      width: document.documentElement.scrollWidth,
      composerVisible: box.bottom <= window.innerHeight && box.top >= 0,
      bodyDisplay: getComputedStyle(document.body).display,
    };
  });
  assert.ok(layout.width <= 1100, `page is ${layout.width}px wide`);
  assert.ok(layout.composerVisible);
  assert.notEqual(layout.bodyDisplay, 'none');
  const cover = await article(ada, 'cover-marker').boundingBox();
  assert.ok(cover && cover.height < 200, JSON.stringify(cover));
  await ada.screenshot({ path: join(SHOTS, 'hostile-content.png') });
  assert.deepEqual(w.pageErrors, []);
});

test(
  'channel details: members with roles, add/remove, topic, rename, pins, leave, archive',
  { skip },
  async () => {
    const ch = await w.channel('design-crit');
    await w.post(w.bobToken, ch.id, 'the mockups are in the drive');
    const ada = await w.signedIn('ada@example.com', {
      path: '/app/clickclack/design-crit',
      viewport: { width: 1280, height: 800 },
    });
    const bob = await w.signedIn('bob@example.com', { path: '/app/clickclack/design-crit' });
    // Pin from the message's actions; the details list it.
    const msg = article(ada, 'the mockups are in the drive');
    await msg.hover();
    await msg.getByRole('button', { name: 'Pin message' }).click();
    await ada.getByRole('alert').filter({ hasText: 'Pinned to the channel' }).waitFor();
    await ada.getByRole('button', { name: 'Channel details' }).click();
    const panel = ada.getByRole('complementary', { name: 'Channel details' });
    const members = panel.locator('ul.members li');
    await members.filter({ hasText: 'Ada Lovelace' }).filter({ hasText: 'owner' }).waitFor();
    await members.filter({ hasText: 'Bob Stone' }).filter({ hasText: 'member' }).waitFor();
    await panel.getByRole('heading', { name: 'Pinned messages (1)' }).waitFor();
    await panel.getByRole('button', { name: /the mockups are in the drive/ }).waitFor();

    // Topic, purpose and a rename, seen live by Bob.
    await panel.getByLabel('Topic').fill('Weekly critique, Thursdays');
    await panel.getByLabel('Purpose').fill('Show work early');
    await panel.getByLabel('Name').fill('design-review');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await ada.getByRole('heading', { name: '#design-review', level: 1 }).waitFor();
    await ada.locator('header .topic', { hasText: 'Weekly critique, Thursdays' }).waitFor();
    await sidebar(bob)
      .getByRole('button', { name: /design-review/ })
      .waitFor();
    await ada.screenshot({ path: join(SHOTS, 'channel-details.png') });

    // Remove Bob, then add him back.
    await panel.getByRole('button', { name: 'Remove Bob Stone' }).click();
    await panel.getByRole('heading', { name: 'Members (1)' }).waitFor();
    await panel.getByLabel('Person to add').selectOption({ label: 'Bob Stone' });
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await panel.getByRole('heading', { name: 'Members (2)' }).waitFor();

    // Notifications from the details; unpin.
    await panel.getByLabel('Notifications').selectOption('mentions');
    await ada.waitForFunction(
      () =>
        document.querySelector<HTMLSelectElement>('header select.notifications')?.value ===
        'mentions',
    );
    await panel.getByRole('button', { name: 'Unpin' }).click();
    await panel.getByRole('heading', { name: 'Pinned messages (0)' }).waitFor();

    // Bob, a member, sees no management controls, and leaves.
    await bob.getByRole('button', { name: 'Channel details' }).click();
    const bobPanel = bob.getByRole('complementary', { name: 'Channel details' });
    await bobPanel.getByText('Weekly critique, Thursdays').waitFor();
    assert.equal(await bobPanel.getByRole('button', { name: /Remove|Archive/ }).count(), 0);
    await bobPanel.getByRole('button', { name: 'Leave channel' }).click();
    await bob.getByRole('heading', { name: '#general' }).waitFor();
    await bob.getByRole('alert').filter({ hasText: 'You left #design-review' }).waitFor();
    // Ada's open panel follows: Bob's leaving arrives as an event.
    await panel.getByRole('heading', { name: 'Members (1)' }).waitFor();

    // Archive: the channel leaves the sidebar.
    await panel.getByRole('button', { name: 'Archive channel' }).click();
    await panel.getByRole('status').filter({ hasText: 'Archived' }).waitFor();
    await sidebar(ada)
      .getByRole('button', { name: /design-review/ })
      .waitFor({ state: 'detached' });
    assert.deepEqual(w.pageErrors, []);
  },
);

test(
  'workspace administration: moderation, invites, bots, webhooks, commands, events, audit, settings',
  { skip },
  async () => {
    const receiver = await commandServer({ ok: true });
    try {
      const ada = await w.signedIn('ada@example.com', { viewport: { width: 1280, height: 800 } });
      const bob = await w.signedIn('bob@example.com');
      // Members see no administration at all.
      assert.equal(await sidebar(bob).getByRole('button', { name: 'Administration' }).count(), 0);
      await sidebar(ada).getByRole('button', { name: 'Administration' }).click();
      const admin = ada.getByRole('main', { name: 'Workspace administration' });
      const tab = (name: string) => admin.getByRole('tab', { name }).click();
      const secret = admin.getByRole('status').locator('code');

      // Members: block and time out, each refusing Bob's writes, then lifted.
      const bobRow = admin.getByRole('row', { name: /Bob Stone/ });
      await bobRow.getByText('active').waitFor();
      await admin.getByRole('button', { name: 'Block Bob Stone' }).click();
      await bobRow.getByText('blocked').waitFor();
      const refused = await http(w.srv.url, 'POST', `/api/channels/${w.generalId}/messages`, {
        token: w.bobToken,
        body: { body: 'blocked bob' },
      });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      await admin.getByRole('button', { name: 'Unblock Bob Stone' }).click();
      await admin.getByRole('button', { name: 'Time out 1 h: Bob Stone' }).click();
      await bobRow.getByText(/timed out until/).waitFor();
      await ada.screenshot({ path: join(SHOTS, 'admin.png') });
      await admin.getByRole('button', { name: 'End timeout of Bob Stone' }).click();
      await bobRow.getByText('active').waitFor();
      await w.post(w.bobToken, w.generalId, 'bob is back');

      // Invites: a single-use token that really lets someone in.
      await tab('Invites');
      await admin.getByRole('button', { name: 'Create invite' }).click();
      const invite = (await secret.textContent())!;
      const carol = await sessionFor(w.srv, 'carol@example.com', 'Carol');
      const accepted = await http(w.srv.url, 'POST', `/api/invites/${invite}/accept`, {
        token: carol,
      });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));

      // Bots: create (its first token shown once), another token, a setup code, revoke.
      await tab('Bots');
      await admin.getByLabel('Bot name').fill('Helper');
      await admin.getByRole('button', { name: 'Create bot' }).click();
      await admin.getByText('Helper', { exact: true }).waitFor();
      assert.match((await secret.textContent())!, /^ccb_/);
      await admin.getByRole('button', { name: 'Setup code for Helper' }).click();
      await admin
        .getByRole('status')
        .locator('code', { hasText: /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/ })
        .waitFor();
      await admin.getByRole('button', { name: 'New token for Helper' }).click();
      const token = (await admin
        .getByRole('status')
        .locator('code', { hasText: /^ccb_/ })
        .textContent())!;
      const asBot = await http(w.srv.url, 'GET', `/api/workspaces/${w.workspaceId}/channels`, {
        token,
      });
      assert.equal(asBot.status, 200);

      // Incoming webhooks: the URL is shown once and posts into the channel.
      await tab('Webhooks');
      await admin.getByLabel('Name').fill('Alerts');
      await admin.getByLabel('Channel').selectOption({ label: '#general' });
      await admin.getByRole('button', { name: 'Create webhook' }).click();
      const hookUrl = (await secret.textContent())!;
      const hooked = await fetch(w.srv.url + hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'alert from the webhook' }),
      });
      assert.ok(hooked.status < 300, String(hooked.status));

      // Slash commands: registered with a hint, listed, revoked.
      await tab('Slash commands');
      await admin.getByLabel('Command', { exact: true }).fill('/standup');
      await admin.getByLabel('Hint').fill('Post your standup');
      await admin.getByLabel('Callback URL').fill(receiver.url);
      await admin.getByLabel('Answers as').selectOption({ label: 'Helper' });
      await admin.getByRole('button', { name: 'Register' }).click();
      await admin.getByText('Post your standup').waitFor();
      await admin.getByRole('button', { name: 'Revoke /standup' }).click();
      await admin.getByText('Post your standup').waitFor({ state: 'detached' });

      // Event subscriptions with their delivery log.
      await tab('Event subscriptions');
      await admin.getByLabel('Callback URL').fill(receiver.url);
      await admin.getByRole('button', { name: 'Subscribe' }).click();
      await admin.getByText(receiver.url).waitFor();
      await w.post(w.bobToken, w.generalId, 'an event worth delivering');
      for (let i = 0; i < 100 && !receiver.calls.some((c) => c.includes('worth delivering')); i++)
        await ada.waitForTimeout(100);
      await admin.getByText('Delivery log').click();
      await admin.getByRole('cell', { name: '200' }).first().waitFor();

      // Audit log: the bot and token changes above, by Ada.
      await tab('Audit log');
      await admin.getByRole('cell', { name: 'Ada Lovelace' }).first().waitFor();
      assert.ok((await admin.getByRole('row').count()) > 2);

      // Settings: rename shows in the workspace switcher.
      await tab('Settings');
      await admin.getByLabel('Workspace name', { exact: true }).fill('ClickClack HQ');
      await admin.getByRole('button', { name: 'Rename' }).click();
      await sidebar(ada)
        .getByRole('combobox', { name: 'Workspace' })
        .getByRole('option', { name: 'ClickClack HQ' })
        .waitFor({ state: 'attached' });
      await admin.getByRole('button', { name: 'Close administration' }).click();
      await composer(ada).waitFor();
      assert.deepEqual(w.pageErrors, []);
    } finally {
      receiver.close();
    }
  },
);

test(
  'notifications while hidden, the unread count in title and favicon, presence and profile cards',
  { skip },
  async () => {
    const bob = await w.signedIn('bob@example.com');
    const ada = await w.signedIn('ada@example.com', { permissions: ['notifications'] });
    // Observes the notifications the page shows, and lets the test hide the tab.
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    await ada.context().addInitScript(`
    const Real = window.Notification;
    const seen = (window.__notes = []);
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        seen.push(title + ': ' + (options?.body ?? ''));
      }
    };
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden === true });
  `);
    await ada.reload();
    await composer(ada).waitFor();
    const bell = sidebar(ada).getByRole('button', { name: 'Desktop notifications' });
    await bell.click();
    await ada.waitForFunction(
      () => document.querySelector('button.bell')?.getAttribute('aria-pressed') === 'true',
    );
    const notes = () => ada.evaluate(() => (window as unknown as { __notes: string[] }).__notes);

    // Hidden: a mention and a DM notify, chatter does not; visible: nothing.
    await ada.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));
    await w.post(w.bobToken, w.generalId, 'just chatter');
    await w.post(w.bobToken, w.generalId, '@ada can you look at this?');
    const dm = await http<{ conversation: { id: string } }>(w.srv.url, 'POST', '/api/dms', {
      token: w.bobToken,
      body: {
        workspace_id: w.workspaceId,
        member_ids: [
          (await http<{ user: { id: string } }>(w.srv.url, 'GET', '/api/me', { token: w.adaToken }))
            .body.user.id,
        ],
      },
    });
    await http(w.srv.url, 'POST', `/api/dms/${dm.body.conversation.id}/messages`, {
      token: w.bobToken,
      body: { body: 'a private word' },
    });
    await ada.waitForFunction(
      () => (window as unknown as { __notes: string[] }).__notes.length >= 2,
    );
    const shown = await notes();
    assert.ok(
      shown.some((n) => n === 'Bob Stone in #general: @ada can you look at this?'),
      JSON.stringify(shown),
    );
    assert.ok(
      shown.some((n) => n === 'Bob Stone in a direct message: a private word'),
      JSON.stringify(shown),
    );
    assert.ok(!shown.some((n) => n.includes('just chatter')));
    await ada.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = false));
    await w.post(w.bobToken, w.generalId, '@ada while you watch');
    await article(ada, 'while you watch').waitFor();
    await bell.click();
    await ada.waitForFunction(
      () => document.querySelector('button.bell')?.getAttribute('aria-pressed') === 'false',
    );
    assert.equal((await notes()).length, shown.length);

    // The tab's title and favicon count what the sidebar counts.
    await sidebar(ada)
      .getByRole('button', { name: /launch-plans/ })
      .click();
    await ada.getByRole('heading', { name: '#launch-plans' }).waitFor();
    await w.post(w.bobToken, w.generalId, 'one for the title');
    await w.post(w.bobToken, w.generalId, 'two for the title');
    await ada.waitForFunction(() => /^\(\d+\) #launch-plans · ClickClack$/.test(document.title));
    const count = Number(/^\((\d+)\)/.exec(await ada.title())![1]);
    assert.ok(count >= 2);
    assert.equal(await ada.locator('link[rel="icon"]').getAttribute('data-count'), String(count));
    assert.match(
      (await ada.locator('link[rel="icon"]').getAttribute('href')) ?? '',
      /^data:image\/png/,
    );

    // Presence and the profile card: Bob is online; his card opens a DM.
    const dmButton = ada
      .getByRole('region', { name: 'Direct messages' })
      .getByRole('button', { name: /Bob Stone/ });
    await dmButton.getByRole('img', { name: 'online' }).waitFor();
    await sidebar(ada)
      .getByRole('button', { name: /general/ })
      .click();
    await ada.locator('article').getByRole('button', { name: 'Bob Stone' }).last().click();
    const cardDialog = ada.getByRole('dialog', { name: 'Bob Stone' });
    await cardDialog.getByText('@bob').waitFor();
    await cardDialog.getByText('Online').waitFor();
    await cardDialog.getByText('member').waitFor();
    await cardDialog.getByRole('button', { name: 'Send a direct message' }).click();
    await ada.getByRole('heading', { name: 'Bob Stone', level: 1 }).waitFor();
    await article(ada, 'a private word').waitFor();
    await bob.close();
    assert.deepEqual(w.pageErrors, []);
  },
);

test(
  'accessibility: axe finds no serious or critical violations on the main screens',
  { skip },
  async () => {
    const axe = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const ada = await w.signedIn('ada@example.com', {
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    const scan = async (screen: string) => {
      await ada.evaluate(axe);
      const found = await ada.evaluate(async () => {
        const r = await (
          window as unknown as {
            axe: {
              run(): Promise<{
                violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
              }>;
            };
          }
        ).axe.run();
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(', ')}`,
          );
      });
      assert.deepEqual(found, [], `${screen}: ${found.join('\n')}`);
    };
    await article(ada, 'two for the title').waitFor();
    await scan('conversation');
    const root = article(ada, 'two for the title');
    await root.hover();
    await root.getByRole('button', { name: 'Reply in thread' }).click();
    await ada.getByRole('complementary', { name: 'Thread' }).waitFor();
    await scan('thread');
    await ada.keyboard.press('Escape');
    await ada.getByRole('button', { name: 'Channel details' }).click();
    await ada
      .getByRole('complementary', { name: 'Channel details' })
      .getByRole('heading', { name: /Members/ })
      .waitFor();
    await scan('channel details');
    await sidebar(ada).getByRole('button', { name: 'Administration' }).click();
    await ada.getByRole('row', { name: /Bob Stone/ }).waitFor();
    await scan('administration');
    await ada.getByRole('button', { name: 'Close administration' }).click();
    await ada.getByRole('button', { name: 'Edit profile' }).click();
    await ada.getByRole('dialog', { name: 'Your profile' }).waitFor();
    await scan('profile');
    await ada.keyboard.press('Escape');
    await sidebar(ada).getByRole('button', { name: 'Set a status' }).click();
    await ada.getByRole('dialog', { name: 'Set a status' }).waitFor();
    await scan('status');
    await ada.keyboard.press('Escape');
    // Keyboard: from the composer, Shift+Tab walks back into the last message's actions,
    // which show while focused, and Enter runs one.
    await composer(ada).focus();
    let label = '';
    for (let i = 0; i < 12 && label !== 'Reply in thread'; i++) {
      await ada.keyboard.press('Shift+Tab');
      label = await ada.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    }
    assert.equal(label, 'Reply in thread');
    assert.equal(
      await ada.evaluate(
        () => getComputedStyle(document.activeElement!.closest('.toolbar')!).opacity,
      ),
      '1',
    );
    await ada.keyboard.press('Enter');
    await ada.getByRole('complementary', { name: 'Thread' }).waitFor();
    assert.deepEqual(w.pageErrors, []);
  },
);
