import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { cliOk, runCli, startServer, type RunningServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let srv: RunningServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  srv = await startServer({ args: ['--password-auth'] });
  const data = ['--data', srv.dataDir];
  await cliOk(['admin', 'bootstrap', ...data, '--email', 'ada@example.com']);
  const set = await runCli(
    ['admin', 'user', 'set-password', ...data, '--email', 'ada@example.com'],
    {
      input: 'web password 1\n',
    },
  );
  assert.equal(set.code, 0, set.stderr);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});
after(async () => {
  if (skip) return;
  await browser.close();
  await srv.cleanup();
});

test('the sign-in page offers a password form when the server allows it', { skip }, async () => {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${srv.url}/app/`);
  await page.getByLabel('Email or handle').fill('ada@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in with password' }).click();
  await page.getByRole('alert').filter({ hasText: 'invalid email, handle or password' }).waitFor();
  await page.getByLabel('Password').fill('web password 1');
  await page.getByRole('button', { name: 'Sign in with password' }).click();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  // The session is the HttpOnly cookie: a reload stays signed in.
  await page.reload();
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  assert.deepEqual(errors, []);
});

test('a signed-in person changes their password from the profile dialog', { skip }, async () => {
  const signIn = async (password: string) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${srv.url}/app/`);
    await page.getByLabel('Email or handle').fill('ada@example.com');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in with password' }).click();
    return page;
  };
  const page = await signIn('web password 1');
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill('wrong guess');
  await form.getByLabel('New password', { exact: true }).fill('web password 2');
  await form.getByLabel('New password again').fill('web password 2');
  await form.getByRole('button', { name: 'Change password' }).click();
  await form.getByRole('alert').filter({ hasText: 'current_password is incorrect' }).waitFor();
  await form.getByLabel('Current password').fill('web password 1');
  await form.getByRole('button', { name: 'Change password' }).click();
  await form.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();

  const old = await signIn('web password 1');
  await old.getByRole('alert').filter({ hasText: 'invalid email, handle or password' }).waitFor();
  const fresh = await signIn('web password 2');
  await fresh.getByRole('textbox', { name: 'Message', exact: true }).waitFor({ timeout: 15000 });
});
