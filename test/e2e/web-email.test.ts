import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import {
  signInParts,
  startSmtpReceiver,
  type SmtpReceiver,
} from '../../packages/server/test/smtp-receiver.js';
import { cliOk, startServer, type RunningServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let srv: RunningServer;
let smtp: SmtpReceiver;
let browser: Browser;

/** A port free right now: the public URL must name the port the server will listen on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

before(async () => {
  if (skip) return;
  smtp = await startSmtpReceiver();
  const port = await freePort();
  srv = await startServer({
    args: [
      '--addr',
      `127.0.0.1:${port}`,
      '--public-url',
      `http://127.0.0.1:${port}`,
      '--smtp-url',
      smtp.url,
    ],
  });
  await cliOk(['admin', 'bootstrap', '--data', srv.dataDir, '--email', 'ada@example.com']);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});
after(async () => {
  if (skip) return;
  await browser.close();
  await srv.cleanup();
  await smtp.close();
});

test('the sign-in page emails a link and a code; either signs in', { skip }, async () => {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${srv.url}/app/`);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const first = signInParts(await smtp.waitFor('ada@example.com'));
  await page.getByLabel('Code').fill(first.code.toLowerCase());
  await page.getByRole('button', { name: 'Sign in with code' }).click();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });

  // The link of a second email, opened in another browser, signs in as well.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${srv.url}/app/`);
  await other.getByLabel('Email').fill('ada@example.com');
  await other.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const second = await smtp.waitFor('ada@example.com', (m) => signInParts(m).code !== first.code);
  const { link } = signInParts(second);
  assert.ok(link.startsWith(`${srv.url}/app/?token=mgt_`), link);
  await other.goto(link);
  await other.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  assert.deepEqual(errors, []);
});

test('the profile dialog turns email when away off', { skip }, async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${srv.url}/app/`);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  const seen = smtp.messages.length;
  const mail = await smtp.waitFor('ada@example.com', (m) => smtp.messages.indexOf(m) >= seen);
  await page.getByLabel('Code').fill(signInParts(mail).code);
  await page.getByRole('button', { name: 'Sign in with code' }).click();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  const open = async () => {
    await page.getByRole('button', { name: 'Edit profile' }).click();
    const box = page
      .getByRole('region', { name: 'Email when away' })
      .getByRole('checkbox', { name: /Email me mentions.*within 10 min/ });
    await box.waitFor();
    return box;
  };
  const box = await open();
  assert.equal(await box.isChecked(), true);
  // Saved on the server: a reload shows it off.
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/api/me/email-notifications') && r.request().method() === 'PATCH',
  );
  await box.uncheck();
  assert.equal((await saved).status(), 200);
  await page.reload();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await (await open()).isChecked(), false);
});
