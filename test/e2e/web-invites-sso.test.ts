import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../packages/server/test/helpers.js';
import { startOidcProvider, type TestProvider } from '../../packages/server/test/oidc-provider.js';
import { cliOk, http, magicToken, sessionFor, startServer, type RunningServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots a person can look at after a run (CI keeps the directory). */
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

let srv: RunningServer;
let idp: TestProvider;
let browser: Browser;
let workspaceId: string;

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  // The provider sends people back to the public URL, so the server must listen on it.
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider(`${publicUrl}/api/auth/oidc/callback`, {
    ada: { email: 'ada@example.com', verified: true, name: 'Ada Lovelace' },
    sam: { email: 'sam@allowed.test', verified: true, name: 'Sam Allowed' },
    ivy: { email: 'ivy@elsewhere.test', verified: true, name: 'Ivy Invited' },
    eve: { email: 'eve@elsewhere.test', verified: false, name: 'Eve' },
  });
  srv = await startServer({
    args: [
      '--addr',
      `127.0.0.1:${port}`,
      '--public-url',
      publicUrl,
      '--oidc-issuer',
      idp.issuer,
      '--oidc-client-id',
      idp.clientId,
      '--oidc-name',
      'Example ID',
      '--oidc-allowed-domains',
      'allowed.test',
    ],
    env: { CLICKCLACK_OIDC_CLIENT_SECRET: idp.clientSecret },
  });
  const data = ['--data', srv.dataDir];
  await cliOk([
    'admin',
    'bootstrap',
    ...data,
    '--name',
    'Ada Lovelace',
    '--email',
    'ada@example.com',
  ]);
  const token = await sessionFor(srv, 'ada@example.com');
  workspaceId = (
    await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', { token })
  ).body.workspaces[0]!.id;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});
after(async () => {
  if (skip) return;
  await browser.close();
  await srv.cleanup();
  await idp.close();
});

/** A fresh browser profile: nobody is signed in. */
async function freshPage(errors: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** The provider's development login page: any login name, any password. */
async function loginAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
}

async function signInAsAda(page: Page): Promise<void> {
  await page.goto(`${srv.url}/app/?token=${await magicToken(srv, 'ada@example.com')}`);
  await composer(page).waitFor({ timeout: 15000 });
}

/** Ada makes a link in the invite dialog and reads it from there. */
async function makeLink(page: Page, who: string): Promise<string> {
  await page.getByRole('button', { name: 'Invite people' }).click();
  await page.getByLabel('Who can use it').selectOption({ label: who });
  await page.getByRole('button', { name: 'Create link' }).click();
  const link = await page.getByLabel('Invite link — shown only now').inputValue();
  assert.match(link, new RegExp(`^${srv.url}/app/\\?invite=tok_`));
  return link;
}

test(
  'Sign in with the provider: an existing user, and someone new from an allowed domain',
  { skip },
  async () => {
    const errors: string[] = [];
    const page = await freshPage(errors);
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
    await loginAtProvider(page, 'ada');
    await composer(page).waitFor({ timeout: 15000 });
    await page.getByRole('button', { name: 'Edit profile' }).getByText('Ada Lovelace').waitFor();

    const sam = await freshPage(errors);
    await sam.goto(`${srv.url}/app/`);
    await sam.getByRole('link', { name: 'Sign in with Example ID' }).click();
    await loginAtProvider(sam, 'sam');
    // A new account in no workspace yet: signed in, told to ask for an invite.
    await sam.getByRole('alert').filter({ hasText: 'not a member of any workspace' }).waitFor();
    assert.deepEqual(errors, []);
  },
);

test(
  'self-join: a manager lists a domain, someone there joins with one click',
  { skip },
  async () => {
    const errors: string[] = [];
    const ada = await freshPage(errors);
    await signInAsAda(ada);
    await ada.getByRole('button', { name: 'Invite people' }).click();
    const form = ada.getByRole('form', { name: 'Join without an invite' });
    await form.getByRole('textbox').fill('Allowed.test');
    await form.getByRole('button', { name: 'Save domains' }).click();
    await form
      .getByRole('button', { name: 'Save domains' })
      .and(ada.locator(':disabled'))
      .waitFor();
    assert.equal(await form.getByRole('textbox').inputValue(), 'allowed.test');

    // Sam signed up through single sign-on before and is in no workspace.
    const sam = await freshPage(errors);
    await sam.goto(`${srv.url}/app/`);
    await sam.getByRole('link', { name: 'Sign in with Example ID' }).click();
    await loginAtProvider(sam, 'sam');
    const offer = sam.getByRole('region', { name: 'Workspaces you can join' });
    await offer.getByRole('button', { name: 'Join ClickClack' }).click();
    await composer(sam).waitFor({ timeout: 15000 });
    assert.deepEqual(errors, []);
  },
);

test(
  'an invite link: a newcomer creates an account and lands in the workspace',
  { skip },
  async () => {
    const errors: string[] = [];
    const ada = await freshPage(errors);
    await signInAsAda(ada);
    const link = await makeLink(ada, 'Up to 10 people');
    await ada.screenshot({ path: join(SHOTS, 'invite-dialog.png') });

    const newcomer = await freshPage(errors);
    await newcomer.goto(link);
    await newcomer
      .getByRole('status')
      .filter({ hasText: 'Ada Lovelace invited you to join ClickClack' })
      .waitFor();
    await newcomer.screenshot({ path: join(SHOTS, 'invite-landing.png') });
    // The token leaves the address bar at once.
    assert.equal(new URL(newcomer.url()).search, '');
    const form = newcomer.getByRole('form', { name: 'Create your account' });
    await form.getByLabel('Your name').fill('Nina Newcomer');
    await form.getByLabel('Handle').fill('nina');
    await form.getByRole('button', { name: 'Create account and join' }).click();
    await composer(newcomer).waitFor({ timeout: 15000 });
    await newcomer.getByRole('navigation', { name: 'Sidebar' }).getByText('general').waitFor();
    await composer(newcomer).fill('hello from nina');
    await composer(newcomer).press('Enter');
    await ada.getByText('hello from nina').waitFor({ timeout: 15000 });

    // The dialog, opened again, lists the link with its use.
    await ada.getByRole('button', { name: 'Close' }).click();
    await ada.getByRole('button', { name: 'Invite people' }).click();
    await ada.getByRole('list', { name: 'Invite links' }).getByText('1 of 10 used').waitFor();
    assert.deepEqual(errors, []);
  },
);

test(
  'an invite link: someone with an account signs in (magic link) and joins',
  { skip },
  async () => {
    const errors: string[] = [];
    const data = ['--data', srv.dataDir];
    await cliOk(['admin', 'user', 'create', ...data, '--email', 'bob@example.com']);
    const ada = await freshPage(errors);
    await signInAsAda(ada);
    const link = await makeLink(ada, 'One person');

    const bob = await freshPage(errors);
    await bob.goto(link);
    await bob.getByRole('status').filter({ hasText: 'invited you to join' }).waitFor();
    await bob.getByLabel('Magic-link token').fill(await magicToken(srv, 'bob@example.com'));
    await bob.getByRole('button', { name: 'Sign in', exact: true }).click();
    await composer(bob).waitFor({ timeout: 15000 });
    const mine = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
      token: await sessionFor(srv, 'bob@example.com'),
    });
    assert.deepEqual(
      mine.body.workspaces.map((w) => w.id),
      [workspaceId],
    );
    assert.deepEqual(errors, []);
  },
);

test(
  'an invite link with single sign-on: someone from another domain gets in',
  { skip },
  async () => {
    const errors: string[] = [];
    const ada = await freshPage(errors);
    await signInAsAda(ada);
    const link = await makeLink(ada, 'One person');
    const ivy = await freshPage(errors);
    await ivy.goto(link);
    await ivy.getByRole('status').filter({ hasText: 'invited you to join' }).waitFor();
    await ivy.getByRole('link', { name: 'Sign in with Example ID' }).click();
    await loginAtProvider(ivy, 'ivy');
    await composer(ivy).waitFor({ timeout: 15000 });
    await ivy.getByRole('button', { name: 'Edit profile' }).getByText('Ivy Invited').waitFor();
    assert.deepEqual(errors, []);
  },
);

test('a revoked link says so and lets nobody in', { skip }, async () => {
  const errors: string[] = [];
  const ada = await freshPage(errors);
  await signInAsAda(ada);
  const link = await makeLink(ada, 'Anyone with the link');
  const list = ada.getByRole('list', { name: 'Invite links' });
  await list
    .getByRole('button', { name: /^Revoke invite/ })
    .first()
    .click();
  await list.getByText('revoked').first().waitFor();

  const late = await freshPage(errors);
  await late.goto(link);
  await late
    .getByRole('alert')
    .filter({ hasText: 'This invite link cannot be used: invite was revoked' })
    .waitFor();
  assert.equal(await late.getByRole('form', { name: 'Create your account' }).count(), 0);
  assert.deepEqual(errors, []);
});
