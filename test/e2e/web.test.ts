import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { seedMessages } from '../../bench/seed.mjs';
import { http, magicToken, sessionFor, startServer, type RunningServer } from './helpers.js';
import {
  article,
  composer,
  say,
  skip,
  startWebWorld,
  type Channel,
  type WebWorld,
} from './web-harness.js';

if (skip) console.log(`# skipping web app tests: ${skip}`);

/** Screenshots a person can look at after a run (CI keeps the directory). */
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

let w: WebWorld;
let srv: RunningServer;
let browser: Browser;
let adaToken: string;
let bobToken: string;
let workspaceId: string;
let generalId: string;
let pageErrors: string[];

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  w = await startWebWorld();
  ({ srv, browser, adaToken, bobToken, workspaceId, generalId, pageErrors } = w);
});
afterEach(async () => {
  if (skip) return;
  await w.closePages();
});
after(async () => {
  if (skip) return;
  await w.close();
});

async function channelsOf(token: string): Promise<Channel[]> {
  const res = await http<{ channels: Channel[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${workspaceId}/channels`,
    { token },
  );
  return res.body.channels;
}

const post = (token: string, channelId: string, body: string) => w.post(token, channelId, body);
const signedIn = (email: string, opts?: BrowserContextOptions & { path?: string }): Promise<Page> =>
  w.signedIn(email, opts);

/** A public channel Ada creates and Bob joins, with one message by `author`. */
async function sharedChannel(name: string, author: string, body: string): Promise<Channel> {
  const channel = await w.channel(name);
  await post(author, channel.id, body);
  return channel;
}

test(
  'sign in by magic link, send, see others live (messages and typing), threads',
  { skip },
  async () => {
    assert.equal(
      (await fetch(`${srv.url}/`, { redirect: 'manual' })).headers.get('location'),
      '/app/',
    );
    const ada = await signedIn('ada@example.com');
    const bob = await signedIn('bob@example.com');
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    await ada.waitForURL(/\/app\/clickclack\/general$/);
    const box = composer(ada);
    await box.fill('hello **world** from the browser');
    await box.press('Enter');
    await ada.locator('article strong', { hasText: 'world' }).waitFor();
    assert.equal(await box.inputValue(), '', 'the composer is cleared after sending');
    // Bob's page receives it over the WebSocket without a reload.
    await article(bob, 'hello world from the browser').waitFor();

    // Shift+Enter is a new line, Enter sends.
    const bobBox = composer(bob);
    await bobBox.fill('line one');
    await bobBox.press('Shift+Enter');
    await bobBox.pressSequentially('line two');
    assert.equal(await bobBox.inputValue(), 'line one\nline two');
    await bobBox.press('Enter');
    await article(ada, 'line two').waitFor();

    // Another user posting over the API (a script, a bot) shows up live, typing first.
    await http(srv.url, 'POST', '/api/realtime/ephemeral', {
      token: bobToken,
      body: { workspace_id: workspaceId, channel_id: generalId, type: 'typing.started' },
    });
    await ada.getByText('Bob Stone is typing…').waitFor();
    await post(bobToken, generalId, 'posted over the API by Bob');
    await article(ada, 'posted over the API by Bob').waitFor();
    await ada.getByText('Bob Stone is typing…').waitFor({ state: 'detached' });
    assert.match(
      (await article(ada, 'posted over the API by Bob').getAttribute('aria-label')) ?? '',
      /^Bob Stone at /,
    );

    // Thread: open, reply, the other side sees the reply count; Esc closes the pane.
    const root = article(ada, 'hello world');
    await root.hover();
    await root.getByRole('button', { name: 'Reply in thread' }).click();
    const pane = ada.getByRole('complementary', { name: 'Thread' });
    await pane.waitFor();
    await ada.waitForURL(/\/general\/t\/msg_/);
    await ada.getByRole('textbox', { name: 'Reply' }).fill('a threaded reply');
    await ada.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await pane.locator('article', { hasText: 'a threaded reply' }).waitFor();
    await bob.getByRole('button', { name: '1 reply' }).waitFor({ timeout: 8000 });
    // Bob opens it from the count and sees Ada's reply; his own reply reaches Ada live.
    await bob.getByRole('button', { name: '1 reply' }).click();
    await bob
      .getByRole('complementary', { name: 'Thread' })
      .locator('article', { hasText: 'a threaded reply' })
      .waitFor();
    await bob.getByRole('textbox', { name: 'Reply' }).fill('bob answers in the thread');
    await bob.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await pane.locator('article', { hasText: 'bob answers in the thread' }).waitFor();
    await ada.getByRole('button', { name: '2 replies' }).waitFor();
    await ada.keyboard.press('Escape');
    assert.equal(await pane.count(), 0);
    await ada.waitForURL(/\/general$/);
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'react with the picker, edit with Up, delete: the other user sees each live',
  { skip },
  async () => {
    const ada = await signedIn('ada@example.com');
    const bob = await signedIn('bob@example.com');
    await say(ada, 'a message to react to');
    const mine = article(ada, 'a message to react to');
    await mine.hover();
    await mine.getByRole('button', { name: 'Add reaction' }).click();
    await ada.getByRole('button', { name: 'React with 🎉' }).click();
    await mine.getByRole('button', { name: '🎉 1' }).waitFor();
    const theirs = article(bob, 'a message to react to');
    await theirs.getByRole('button', { name: '🎉 1' }).waitFor();
    // Bob adds his to the same emoji by clicking the chip: the count is shared.
    await theirs.getByRole('button', { name: '🎉 1' }).click();
    await mine.getByRole('button', { name: '🎉 2' }).waitFor();
    assert.equal(
      await theirs.getByRole('button', { name: '🎉 2' }).getAttribute('aria-pressed'),
      'true',
    );
    // Ada takes hers back.
    await mine.getByRole('button', { name: '🎉 2' }).click();
    await theirs.getByRole('button', { name: '🎉 1' }).waitFor();

    // Up in an empty composer edits your last message.
    await say(ada, 'a typo mesage');
    await composer(ada).press('ArrowUp');
    const editor = ada.getByRole('textbox', { name: 'Edit message' });
    await editor.waitFor();
    assert.equal(await editor.inputValue(), 'a typo mesage');
    await editor.fill('a fixed message');
    await editor.press('Enter');
    await article(ada, 'a fixed message').getByText('(edited)').waitFor();
    await article(bob, 'a fixed message').getByText('(edited)').waitFor();
    assert.equal(await article(bob, 'a typo mesage').count(), 0);

    // Delete asks first, then leaves a placeholder for everyone.
    const fixed = article(ada, 'a fixed message');
    await fixed.hover();
    await fixed.getByRole('button', { name: 'Delete message' }).click();
    await ada
      .getByRole('dialog', { name: 'Delete message?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await article(ada, 'a fixed message').waitFor({ state: 'detached' });
    await bob.getByText('This message was deleted.').first().waitFor();
    assert.equal(await article(bob, 'a fixed message').count(), 0);
    // Nobody can edit or delete someone else's message from the UI.
    const bobsView = article(bob, 'a message to react to');
    await bobsView.hover();
    assert.equal(await bobsView.getByRole('button', { name: 'Edit message' }).count(), 0);
    assert.deepEqual(pageErrors, []);
  },
);

/** A real PNG (solid colour), built here so the test needs no fixture file. */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.alloc(width * 3, Buffer.from([196, 87, 46])),
  ]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('upload an image by button and a file by drag-and-drop', { skip }, async () => {
  const ada = await signedIn('ada@example.com');
  const bob = await signedIn('bob@example.com');
  await ada.getByLabel('Choose files').setInputFiles({
    name: 'sunset.png',
    mimeType: 'image/png',
    buffer: png(120, 80),
  });
  await ada.getByRole('list', { name: 'Attachments' }).getByText('sunset.png').waitFor();
  await composer(ada).fill('look at this');
  await ada.getByRole('button', { name: 'Send', exact: true }).click();
  const msg = article(ada, 'look at this');
  const img = msg.locator('img[alt="sunset.png"]');
  await img.waitFor();
  // The preview really loaded: the browser decoded the served image.
  await ada.waitForFunction(() => {
    const el = document.querySelector('article img[alt="sunset.png"]');
    return el instanceof HTMLImageElement && el.complete && el.naturalWidth === 120;
  });
  await article(bob, 'look at this').locator('img[alt="sunset.png"]').waitFor();

  // Drag-and-drop a text file onto the conversation; it becomes a download link.
  await ada.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['plain notes\n'], 'notes.txt', { type: 'text/plain' }));
    const pane = document.querySelector('main.pane')!;
    pane.dispatchEvent(
      new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
    pane.dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
  });
  await ada.getByRole('list', { name: 'Attachments' }).getByText('notes.txt').waitFor();
  // Sending waits for the upload to finish; then the file is listed as uploaded.
  await ada.getByRole('list', { name: 'Attachments' }).getByText('uploaded').waitFor();
  await composer(ada).press('Enter');
  const link = article(ada, 'notes.txt').locator('a[download="notes.txt"]');
  await link.waitFor();
  const href = await link.getAttribute('href');
  const res = await fetch(srv.url + href!, { headers: { authorization: `Bearer ${adaToken}` } });
  assert.equal(await res.text(), 'plain notes\n');
  assert.deepEqual(pageErrors, []);
});

test('search finds readable messages and opens the one clicked', { skip }, async () => {
  for (let i = 0; i < 60; i++) await post(bobToken, generalId, `filler number ${i}`);
  await post(bobToken, generalId, 'the quarterly zeppelin report is ready');
  for (let i = 0; i < 60; i++) await post(bobToken, generalId, `more filler ${i}`);
  const ada = await signedIn('ada@example.com');
  await ada.getByRole('searchbox', { name: 'Search messages' }).fill('zeppelin');
  await ada.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
  const results = ada.getByRole('complementary', { name: 'Search results' });
  const hit = results.getByRole('button', { name: /quarterly zeppelin report/ });
  await hit.waitFor();
  assert.equal(await results.locator('mark').first().textContent(), 'zeppelin');
  await hit.click();
  // A deep link to the message, which is scrolled into view and marked, far from the end.
  await ada.waitForURL(/\/app\/clickclack\/general\/m\/msg_/);
  const target = ada.locator('article.highlighted', { hasText: 'quarterly zeppelin report' });
  await target.waitFor();
  assert.ok(await target.isVisible());
  // Opening the same URL fresh lands on the same message.
  const url = ada.url();
  await ada.goto(url);
  await ada.locator('article.highlighted', { hasText: 'quarterly zeppelin report' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test(
  'typing a search while the channel loads keeps the cursor and the query',
  { skip },
  async () => {
    await post(bobToken, generalId, 'the airship manifest is final');
    const other = await http<{ channel: Channel }>(
      srv.url,
      'POST',
      `/api/workspaces/${workspaceId}/channels`,
      { token: adaToken, body: { name: 'hangar' } },
    );
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(`ada: ${e.message}`));
    // The first page of #general is held until the search has been typed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let requested = false;
    await page.route(/\/api\/channels\/[^/]+\/messages/, async (route) => {
      if (!requested) {
        requested = true;
        await held;
      }
      await route.continue();
    });
    await page.goto(`${srv.url}/app/login?token=${await magicToken(srv, 'ada@example.com')}`);
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.waitFor();
    assert.ok(requested, 'the pane shows while its first page is loading');
    await box.click();
    await box.pressSequentially('airsh');
    release();
    await article(page, 'the airship manifest is final').waitFor();
    await page.locator('section[aria-label="Messages"][aria-busy="false"]').waitFor();
    // The page arrived mid-word: the rest of the word and Enter still go to the search box.
    await page.keyboard.type('ip');
    await page.keyboard.press('Enter');
    const results = page.getByRole('complementary', { name: 'Search results' });
    await results.getByRole('button', { name: /airship manifest/ }).waitFor();
    assert.equal(await box.inputValue(), 'airship');
    assert.equal(await composer(page).inputValue(), '');
    // Opening a conversation with nothing else being typed still lands in its composer.
    await page
      .getByRole('navigation', { name: 'Sidebar' })
      .getByRole('button', { name: /hangar/ })
      .click();
    await page.getByRole('heading', { name: '#hangar' }).waitFor();
    await page.waitForFunction(
      (el) => el === document.activeElement,
      await composer(page).elementHandle(),
    );
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'a private channel is invisible to a non-member; unread and mention badges',
  { skip },
  async () => {
    const ada = await signedIn('ada@example.com');
    const bob = await signedIn('bob@example.com');
    await ada.getByRole('button', { name: 'New channel' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Create a channel' });
    await dialog.getByLabel('Name').fill('secret-plans');
    await dialog.getByLabel(/Private/).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await ada.getByRole('heading', { name: '#secret-plans' }).waitFor();
    await ada.waitForURL(/\/secret-plans$/);
    await say(ada, 'for members only');
    const sidebar = (p: Page) => p.getByRole('navigation', { name: 'Sidebar' });
    await sidebar(ada)
      .getByRole('button', { name: /secret-plans/ })
      .waitFor();
    // Bob sees nothing of it: not in his sidebar, not in the API, not by URL.
    await bob.reload();
    await composer(bob).waitFor();
    assert.equal(await sidebar(bob).getByText('secret-plans').count(), 0);
    assert.ok(!(await channelsOf(bobToken)).some((c) => c.name === 'secret-plans'));
    await bob.goto(`${srv.url}/app/clickclack/secret-plans`);
    await bob.getByRole('heading', { name: '#general' }).waitFor();
    assert.equal(await article(bob, 'for members only').count(), 0);

    // While Ada reads #secret-plans, Bob's messages in #general raise her badges live.
    await post(bobToken, generalId, 'unread one');
    await post(bobToken, generalId, 'unread two');
    const general = sidebar(ada).getByRole('button', { name: /general/ });
    await general.getByLabel('2 unread').waitFor();
    await post(bobToken, generalId, 'hey @ada look');
    await general.getByLabel('1 mentions').waitFor();
    await general.click();
    await article(ada, 'hey @ada look').waitFor();
    await general.getByLabel(/unread|mentions/).waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'mentions-only badges only mentions, muted shows no badge; route links; live renames',
  { skip },
  async () => {
    const quiet = await sharedChannel('quiet-room', bobToken, 'before the change');
    const ada = await signedIn('ada@example.com', { path: '/app/clickclack/quiet-room' });
    const sidebar = ada.getByRole('navigation', { name: 'Sidebar' });
    const room = sidebar.getByRole('button', { name: /quiet-room/ });
    const notifications = ada.getByRole('combobox', { name: 'Notifications' });
    await notifications.selectOption('mentions');
    await sidebar.getByRole('button', { name: /general/ }).click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();

    // Mentions only: chatter raises no badge, a mention does.
    await post(bobToken, quiet.id, 'chatter nobody needs');
    await post(bobToken, generalId, 'marker one');
    await article(ada, 'marker one').waitFor();
    assert.equal(await room.getByLabel(/unread|mentions/).count(), 0);
    await post(bobToken, quiet.id, 'but @ada should see this');
    await room.getByLabel('1 mentions').waitFor();

    // Muted: not even a mention, live or after a reload (the server counts the same way).
    await room.click();
    await article(ada, 'but @ada should see this').waitFor();
    await notifications.selectOption('muted');
    await sidebar.getByRole('button', { name: /general/ }).click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    await post(bobToken, quiet.id, '@ada muted ping');
    await post(bobToken, generalId, 'marker two');
    await article(ada, 'marker two').waitFor();
    assert.equal(await room.getByLabel(/unread|mentions/).count(), 0);
    await ada.reload();
    await composer(ada).waitFor();
    assert.equal(await room.getByLabel(/unread|mentions/).count(), 0);
    assert.equal(await notifications.count(), 1);

    // A canonical route link (Copy link) opens the thread it names.
    const root = await post(bobToken, quiet.id, 'a thread worth linking');
    const linked = await http<{ message: { route_id: string } }>(
      srv.url,
      'POST',
      `/api/messages/${root.id}/route`,
      { token: adaToken, body: {} },
    );
    const ws = await http<{ workspace: { route_id: string } }>(
      srv.url,
      'GET',
      `/api/workspaces/${workspaceId}`,
      { token: adaToken },
    );
    const resolved = await http<{ route: { canonical_path: string } }>(
      srv.url,
      'GET',
      `/api/routes/${ws.body.workspace.route_id}/${linked.body.message.route_id}`,
      { token: adaToken },
    );
    await ada.goto(srv.url + resolved.body.route.canonical_path);
    await ada.getByRole('heading', { name: '#quiet-room' }).waitFor();
    await ada.waitForURL(new RegExp(`/quiet-room/t/${root.id}$`));
    await ada
      .getByRole('complementary', { name: 'Thread' })
      .getByText('a thread worth linking')
      .first()
      .waitFor();

    // Bob renames himself: Ada's open conversation shows the new name on his messages, live.
    const rename = (display_name: string) =>
      http(srv.url, 'PATCH', '/api/me', { token: bobToken, body: { display_name } });
    await rename('Robert Stone');
    try {
      await ada
        .locator('article[aria-label^="Robert Stone at "]', { hasText: 'chatter nobody needs' })
        .waitFor();
    } finally {
      await rename('Bob Stone');
    }
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'a channel deleted while someone reads it leaves their screen for #general',
  { skip },
  async () => {
    const doomed = await sharedChannel('short-lived', adaToken, 'here today');
    const bob = await signedIn('bob@example.com', { path: '/app/clickclack/short-lived' });
    await article(bob, 'here today').waitFor();
    const res = await http(srv.url, 'DELETE', `/api/channels/${doomed.id}`, { token: adaToken });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await bob.getByRole('heading', { name: '#general' }).waitFor();
    await bob.getByText('#short-lived was deleted').waitFor();
    await bob.waitForURL(/\/general$/);
    const sidebar = bob.getByRole('navigation', { name: 'Sidebar' });
    assert.equal(await sidebar.getByText('short-lived').count(), 0);
    assert.equal(await article(bob, 'here today').count(), 0);
    assert.deepEqual(pageErrors, []);
  },
);

test(
  'the owner deletes a channel from its header after seeing what it holds',
  { skip },
  async () => {
    await sharedChannel('old-project', bobToken, 'wrapping up');
    const bob = await signedIn('bob@example.com', { path: '/app/clickclack/old-project' });
    await article(bob, 'wrapping up').waitFor();
    assert.equal(
      await bob.getByRole('button', { name: 'Delete channel' }).count(),
      0,
      'members see no delete',
    );

    const ada = await signedIn('ada@example.com', { path: '/app/clickclack/old-project' });
    await ada.getByRole('button', { name: 'Delete channel' }).click();
    const dialog = ada.getByRole('dialog', { name: 'Delete channel?' });
    await dialog.getByText('1 message, 0 thread replies and 0 files').waitFor();
    await ada.screenshot({ path: join(SHOTS, 'delete-channel.png') });
    const confirm = dialog.getByRole('button', { name: 'Delete channel' });
    assert.equal(await confirm.isDisabled(), true, 'nothing is deleted before the box is ticked');
    await dialog.getByLabel(/Yes, permanently delete #old-project/).check();
    await confirm.click();
    await ada.getByRole('heading', { name: '#general' }).waitFor();
    await ada.getByText('#old-project was deleted').waitFor();
    assert.ok(!(await channelsOf(adaToken)).some((c) => c.name === 'old-project'));
    await bob.getByRole('heading', { name: '#general' }).waitFor();
    assert.deepEqual(pageErrors, []);
  },
);

test('direct messages, profile editing, Ctrl+K, sign out', { skip }, async () => {
  const ada = await signedIn('ada@example.com');
  const bob = await signedIn('bob@example.com');
  await ada.getByRole('button', { name: 'New direct message' }).click();
  const dialog = ada.getByRole('dialog', { name: 'New direct message' });
  await dialog.getByLabel('To', { exact: true }).fill('bob');
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Open' }).click();
  await ada.getByRole('heading', { name: 'Bob Stone' }).waitFor();
  await ada.waitForURL(/\/app\/clickclack\/dm\/dm_/);
  await say(ada, 'psst, a direct message');
  // Bob's sidebar gains the conversation with an unread badge, live.
  const dms = bob.getByRole('region', { name: 'Direct messages' });
  await dms
    .getByRole('button', { name: /Ada Lovelace/ })
    .getByLabel('1 unread')
    .waitFor();
  await dms.getByRole('button', { name: /Ada Lovelace/ }).click();
  await article(bob, 'psst, a direct message').waitFor();
  await say(bob, 'got it');
  await article(ada, 'got it').waitFor();
  // Nobody else can read it.
  const carol = await sessionFor(srv, 'carol@example.com', 'Carol');
  const dmId = /dm\/(dm_[^/]+)/.exec(ada.url())![1];
  const peek = await http(srv.url, 'GET', `/api/dms/${dmId}/messages`, { token: carol });
  assert.ok(peek.status >= 400, `carol read the DM: ${peek.status}`);

  // Profile: a new display name shows in the sidebar and on new messages elsewhere.
  await ada.getByRole('button', { name: 'Edit profile' }).click();
  const profile = ada.getByRole('dialog', { name: 'Your profile' });
  await profile.getByLabel('Display name').fill('Countess Ada');
  await profile.getByLabel('Handle').fill('countess');
  await profile.getByRole('button', { name: 'Save' }).click();
  await ada.getByRole('button', { name: 'Edit profile' }).getByText('Countess Ada').waitFor();
  await ada.getByRole('button', { name: 'Edit profile' }).getByText('@countess').waitFor();
  await say(ada, 'signed with my new name');
  await article(bob, 'signed with my new name')
    .locator('strong.author', { hasText: 'Countess Ada' })
    .waitFor();

  // Ctrl+K jumps to a channel by name.
  await ada.keyboard.press('Control+k');
  const palette = ada.getByRole('dialog', { name: 'Jump to a conversation' });
  await palette.getByRole('combobox', { name: 'Jump to' }).fill('gen');
  await palette.getByRole('combobox', { name: 'Jump to' }).press('Enter');
  await ada.getByRole('heading', { name: '#general' }).waitFor();
  assert.equal(await palette.count(), 0);

  // Sign out ends the session: a reload shows the sign-in form.
  await ada.getByRole('button', { name: 'Sign out' }).click();
  await ada.getByLabel('Magic-link token').waitFor();
  await ada.reload();
  await ada.getByLabel('Magic-link token').waitFor();
  // Pasting a token into the form signs in again.
  const magic = await magicToken(srv, 'ada@example.com');
  await ada.getByLabel('Magic-link token').fill(magic);
  await ada.getByRole('button', { name: 'Sign in' }).click();
  await composer(ada).waitFor();
  // A used token is refused with a clear message.
  await ada.getByRole('button', { name: 'Sign out' }).click();
  await ada.getByLabel('Magic-link token').fill(magic);
  await ada.getByRole('button', { name: 'Sign in' }).click();
  await ada.getByRole('alert').filter({ hasText: 'magic link already used' }).waitFor();
  assert.deepEqual(pageErrors, []);
});

test('message Markdown cannot run script', { skip }, async () => {
  const ada = await signedIn('ada@example.com');
  let dialogs = 0;
  ada.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const box = composer(ada);
  await box.fill(
    '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <script>alert(3)</script> <a href="https://example.com" onclick="alert(4)">ok link</a> safe-marker',
  );
  await box.press('Enter');
  const msg = article(ada, 'safe-marker');
  await msg.waitFor();
  assert.equal(await msg.locator('[onerror], [onclick]').count(), 0);
  assert.equal(await msg.locator('script').count(), 0);
  const links = await msg
    .locator('.body a')
    .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
  assert.ok(
    links.every(([h]) => !h || !h.startsWith('javascript:')),
    JSON.stringify(links),
  );
  const ok = links.find(([h]) => h === 'https://example.com');
  assert.equal(ok?.[1], 'noopener noreferrer');
  // A body that is plain HTML text shows as text where Markdown would not render it.
  await composer(ada).fill('`<b>not bold</b>` code-marker');
  await composer(ada).press('Enter');
  await article(ada, 'code-marker').waitFor();
  assert.equal(await article(ada, 'code-marker').locator('code').textContent(), '<b>not bold</b>');
  await ada.waitForTimeout(200);
  assert.equal(dialogs, 0);
  assert.deepEqual(pageErrors, []);
});

test('10,000 messages: history pages upward and out, the DOM stays bounded', { skip }, async () => {
  const res = await http<{ channel: Channel }>(
    srv.url,
    'POST',
    `/api/workspaces/${workspaceId}/channels`,
    { token: adaToken, body: { name: 'big-history' } },
  );
  const big = res.body.channel;
  seedMessages(srv.dataDir, big.id, 1, 10_000, (seq: number) => `history line ${seq}`);
  const ada = await signedIn('ada@example.com', { path: '/app/clickclack/big-history' });
  await article(ada, 'history line 10000').waitFor();
  const list = ada.getByRole('region', { name: 'Messages', exact: true });
  const oldestShown = () =>
    ada.evaluate(() => {
      const first = document.querySelector('section.messages article .body');
      return Number(/history line (\d+)/.exec(first?.textContent ?? '')?.[1] ?? 0);
    });
  let oldest = await oldestShown();
  assert.ok(oldest > 9_900, `first page starts at ${oldest}`);
  for (let i = 0; i < 10; i++) {
    const before = oldest;
    await list.evaluate((el) => (el.scrollTop = 0));
    await ada.waitForFunction((n) => {
      const first = document.querySelector('section.messages article .body');
      return Number(/history line (\d+)/.exec(first?.textContent ?? '')?.[1] ?? 0) < n;
    }, before);
    oldest = await oldestShown();
  }
  assert.ok(oldest <= 9_500, `ten pages up reach ${oldest}`);
  const rendered = await ada.locator('section.messages article').count();
  assert.ok(rendered <= 300, `${rendered} messages in the DOM`);
  // The newest end was paged out; scrolling down brings it back.
  assert.equal(await article(ada, 'history line 10000').count(), 0);
  for (let i = 0; i < 20 && (await article(ada, 'history line 10000').count()) === 0; i++) {
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await ada.waitForTimeout(150);
  }
  await article(ada, 'history line 10000').waitFor();
  assert.deepEqual(pageErrors, []);
});

test('screenshots: desktop light and dark, mobile', { skip }, async () => {
  // A conversation worth looking at: code, a quote, reactions, a thread, a bot-ish author.
  await post(
    adaToken,
    generalId,
    'Deploy checklist for **Friday**:\n\n- run `npm test`\n- tag the release\n- tell #general',
  );
  const q = await post(bobToken, generalId, 'Can someone review the search change before lunch?');
  await http(srv.url, 'POST', `/api/channels/${generalId}/messages`, {
    token: adaToken,
    body: { body: 'On it, looks good so far 👍', quoted_message_id: q.id },
  });
  await http(srv.url, 'POST', `/api/messages/${q.id}/reactions`, {
    token: adaToken,
    body: { emoji: '🚀' },
  });
  await http(srv.url, 'POST', `/api/messages/${q.id}/thread/replies`, {
    token: adaToken,
    body: { body: 'Left two comments.' },
  });
  await post(
    bobToken,
    generalId,
    '```ts\nconst ok = await client.channels.sendMessage(id, { body });\n```',
  );
  const bot = await http<{ bot_token: { token: string } }>(
    srv.url,
    'POST',
    `/api/workspaces/${workspaceId}/bots`,
    {
      token: adaToken,
      body: {
        display_name: 'CI Runner',
        scopes: ['bot:read', 'messages:write'],
        initial_token: true,
      },
    },
  );
  assert.equal(bot.status, 201, JSON.stringify(bot.body));
  await post(bot.body.bot_token.token, generalId, 'Build #42 passed ✅ on main');
  const shots: [string, BrowserContextOptions][] = [
    ['desktop-light', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
    ['desktop-dark', { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' }],
    [
      'mobile',
      {
        viewport: { width: 360, height: 740 },
        colorScheme: 'light',
        isMobile: true,
        hasTouch: true,
      },
    ],
  ];
  for (const [name, opts] of shots) {
    const page = await signedIn('bob@example.com', opts);
    await article(page, 'sendMessage').waitFor();
    // A bot's message carries the badge, so nobody mistakes it for a person.
    await article(page, 'Build #42 passed').locator('.badge', { hasText: 'bot' }).waitFor();
    assert.equal(await article(page, 'sendMessage').locator('.badge').count(), 0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    if (name === 'mobile') {
      // Readable at 360 px: nothing sideways, the sidebar opens as a drawer.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(overflow <= 360, `page is ${overflow}px wide`);
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      await page
        .getByRole('navigation', { name: 'Sidebar' })
        .getByRole('button', { name: /general/ })
        .click();
      await composer(page).waitFor();
    }
    await page.context().close();
  }
  assert.deepEqual(pageErrors, []);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test(
  'dev bootstrap signs in directly; a dropped connection shows reconnecting and resumes',
  { skip },
  async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-web-dev-'));
    const opts = { devBootstrap: true, dataDir, args: ['--addr', `127.0.0.1:${port}`] };
    let dev = await startServer(opts);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.on('pageerror', (e) => pageErrors.push(`dev: ${e.message}`));
    await page.goto(`${dev.url}/app/`);
    // Loopback with dev bootstrap: no sign-in step at all.
    await composer(page).waitFor();
    await say(page, 'before the outage');
    await dev.kill();
    await page.getByRole('status').filter({ hasText: 'reconnecting…' }).waitFor();
    dev = await startServer(opts);
    try {
      // Posted while the page was still disconnected or reconnecting: it arrives by cursor resume.
      const token = await sessionFor(dev, 'local@clickclack.chat');
      const ws = (
        await http<{ workspaces: { id: string }[] }>(dev.url, 'GET', '/api/workspaces', { token })
      ).body.workspaces[0]!.id;
      const chans = await http<{ channels: Channel[] }>(
        dev.url,
        'GET',
        `/api/workspaces/${ws}/channels`,
        { token },
      );
      const general = chans.body.channels.find((c) => c.name === 'general')!;
      await http(dev.url, 'POST', `/api/channels/${general.id}/messages`, {
        token,
        body: { body: 'after the outage' },
      });
      await article(page, 'after the outage').waitFor({ timeout: 20000 });
      await page
        .getByRole('status')
        .filter({ hasText: 'reconnecting…' })
        .waitFor({ state: 'detached' });
      assert.equal(await article(page, 'before the outage').count(), 1);
    } finally {
      await ctx.close();
      await dev.cleanup();
    }
    assert.deepEqual(pageErrors, []);
  },
);
