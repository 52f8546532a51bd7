import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cliOk, http, sessionFor, startServer, type RunningServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
if (skip) console.log(`# skipping web app tests: ${skip}`);

let srv: RunningServer;
let browser: Browser;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  srv = await startServer();
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada',
    '--email',
    'ada@example.com',
  ]);
  const bob = await sessionFor(srv, 'bob@example.com', 'Bob');
  const wid = (
    await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
      token: await sessionFor(srv, 'ada@example.com'),
    })
  ).body.workspaces[0]!.id;
  const tok = await cliOk(['admin', 'invite', 'create', '--data', srv.dataDir, '--workspace', wid]);
  await http(srv.url, 'POST', `/api/invites/${tok}/accept`, { token: bob });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  if (skip) return;
  await browser.close();
  await srv.cleanup();
});

/** A fresh browser profile signed in through a magic-link URL, like a person clicking it. */
async function signedIn(email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  // A script error in the app is a failure even when the page still looks fine.
  page.on('pageerror', (e) => pageErrors.push(`${email}: ${e.message}`));
  const magic = await cliOk([
    'admin',
    'magic-link',
    'create',
    '--data',
    srv.dataDir,
    '--email',
    email,
  ]);
  await page.goto(`${srv.url}/app/login?token=${magic}`);
  try {
    await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 15000 });
  } catch (err) {
    await page.screenshot({ path: `/tmp/clickclack-signin-${email}.png` });
    throw new Error(
      `sign-in page never showed the composer: ${(await page.content()).slice(0, 2000)}`,
      { cause: err },
    );
  }
  return page;
}

test('sign in, post with Enter, see others’ messages live, open a thread', { skip }, async () => {
  assert.equal(
    (await fetch(`${srv.url}/`, { redirect: 'manual' })).headers.get('location'),
    '/app/',
  );
  const ada = await signedIn('ada@example.com');
  const bob = await signedIn('bob@example.com');
  await ada.getByRole('heading', { name: '#general' }).waitFor();
  assert.match(ada.url(), /\/app\/clickclack\/general$/);
  const box = ada.getByRole('textbox', { name: 'Message' });
  await box.fill('hello **world** from the browser');
  await box.press('Enter');
  await ada.locator('article strong', { hasText: 'world' }).waitFor();
  // Bob's page receives it over the WebSocket without a reload.
  await bob.locator('article', { hasText: 'hello world from the browser' }).waitFor();
  const bobBox = bob.getByRole('textbox', { name: 'Message' });
  await bobBox.fill('line one');
  await bobBox.press('Shift+Enter');
  await bobBox.type('line two');
  await bobBox.press('Enter');
  await ada.locator('article', { hasText: 'line two' }).waitFor();
  await ada
    .locator('article', { hasText: 'hello world' })
    .getByRole('button', { name: 'Reply' })
    .click();
  await ada.getByRole('complementary', { name: 'Thread' }).waitFor();
  await ada.getByRole('textbox', { name: 'Reply' }).fill('a threaded reply');
  await ada.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await ada
    .getByRole('complementary', { name: 'Thread' })
    .locator('article', { hasText: 'a threaded reply' })
    .waitFor();
  try {
    await bob.getByRole('button', { name: '1 reply' }).waitFor({ timeout: 8000 });
  } catch (err) {
    const html = await bob.locator('article').first().innerHTML();
    throw new Error(`bob never saw the reply count: ${html}`, { cause: err });
  }
  await ada.keyboard.press('Escape');
  assert.equal(await ada.getByRole('complementary', { name: 'Thread' }).count(), 0);
  await ada.screenshot({ path: '/tmp/clickclack-web.png' });
  assert.deepEqual(pageErrors, []);
});

test('message Markdown cannot run script', { skip }, async () => {
  const ada = await signedIn('ada@example.com');
  let dialogs = 0;
  ada.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const box = ada.getByRole('textbox', { name: 'Message' });
  await box.fill(
    '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <script>alert(3)</script> safe-marker',
  );
  await box.press('Enter');
  const article = ada.locator('article', { hasText: 'safe-marker' });
  await article.waitFor();
  assert.equal(await article.locator('img[onerror]').count(), 0);
  assert.equal(await article.locator('script').count(), 0);
  const hrefs = await article
    .locator('a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(
    hrefs.every((h) => !h || !h.startsWith('javascript:')),
    JSON.stringify(hrefs),
  );
  await ada.waitForTimeout(200);
  assert.equal(dialogs, 0);
});
