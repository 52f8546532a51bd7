// The Chromium harness of the web app's daily-use tests: a real `serve` subprocess with Ada
// (owner) and Bob (member) in one workspace, and fresh browser profiles signed in by magic link.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import {
  cliOk,
  http,
  joinWorkspace,
  magicToken,
  sessionFor,
  startServer,
  type RunningServer,
} from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

export interface Channel {
  id: string;
  name: string;
  kind: string;
}

export interface WebWorld {
  srv: RunningServer;
  browser: Browser;
  adaToken: string;
  bobToken: string;
  workspaceId: string;
  generalId: string;
  /** Every script error of every page opened here: a test fails unless it stays empty. */
  pageErrors: string[];
  signedIn(email: string, opts?: BrowserContextOptions & { path?: string }): Promise<Page>;
  post(
    token: string,
    channelId: string,
    body: string,
  ): Promise<{ id: string; channel_seq: number }>;
  channel(name: string, opts?: { kind?: string; members?: string[] }): Promise<Channel>;
  /**
   * Closes the pages `signedIn` opened. Run after each test: pages left open keep their
   * sockets and react to later tests' events, which only loads the machine and mixes
   * one test's page errors into another's.
   */
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
export const article = (page: Page, text: string) => page.locator('article', { hasText: text });
export const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Sidebar' });

export async function say(page: Page, text: string): Promise<void> {
  const box = composer(page);
  await box.fill(text);
  await box.press('Enter');
  await article(page, text).waitFor();
}

export async function startWebWorld(serveArgs: string[] = []): Promise<WebWorld> {
  const srv = await startServer({ args: serveArgs });
  await cliOk([
    'admin',
    'bootstrap',
    '--data',
    srv.dataDir,
    '--name',
    'Ada Lovelace',
    '--email',
    'ada@example.com',
  ]);
  const adaToken = await sessionFor(srv, 'ada@example.com');
  const bobToken = await sessionFor(srv, 'bob@example.com', 'Bob Stone');
  const workspaceId = (
    await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
      token: adaToken,
    })
  ).body.workspaces[0]!.id;
  await joinWorkspace(srv, bobToken, workspaceId);
  await http(srv.url, 'PATCH', '/api/me', { token: adaToken, body: { handle: 'ada' } });
  await http(srv.url, 'PATCH', '/api/me', { token: bobToken, body: { handle: 'bob' } });
  const list = await http<{ channels: Channel[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${workspaceId}/channels`,
    { token: adaToken },
  );
  const generalId = list.body.channels.find((c) => c.name === 'general')!.id;
  const browser = await chromium.launch({
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
  const pageErrors: string[] = [];
  const contexts = new Set<BrowserContext>();
  return {
    srv,
    browser,
    adaToken,
    bobToken,
    workspaceId,
    generalId,
    pageErrors,
    async signedIn(email, opts = {}) {
      const { path, ...context } = opts;
      const ctx = await browser.newContext(context);
      contexts.add(ctx);
      const page = await ctx.newPage();
      // A script error in the app is a failure even when the page still looks fine.
      page.on('pageerror', (e) => pageErrors.push(`${email}: ${e.message}`));
      // Failed requests explain a failing test; the signed-out /api/me probe is expected.
      page.on('response', (r) => {
        if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/api/me')))
          console.log(`# ${email}: ${r.status()} ${r.request().method()} ${r.url()}`);
      });
      const magic = await magicToken(srv, email);
      await page.goto(`${srv.url}/app/login?token=${magic}`);
      await composer(page).waitFor({ timeout: 15000 });
      if (path) {
        await page.goto(srv.url + path);
        await composer(page).waitFor();
      }
      return page;
    },
    async post(token, channelId, body) {
      const res = await http<{ message: { id: string; channel_seq: number } }>(
        srv.url,
        'POST',
        `/api/channels/${channelId}/messages`,
        { token, body: { body } },
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.message;
    },
    async channel(name, opts = {}) {
      const created = await http<{ channel: Channel }>(
        srv.url,
        'POST',
        `/api/workspaces/${workspaceId}/channels`,
        { token: adaToken, body: { name, ...(opts.kind ? { kind: opts.kind } : {}) } },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (const token of opts.members ?? [bobToken])
        await http(srv.url, 'POST', `/api/channels/${created.body.channel.id}/join`, {
          token,
          body: {},
        });
      return created.body.channel;
    },
    async closePages() {
      const open = [...contexts];
      contexts.clear();
      await Promise.all(open.map((c) => c.close()));
    },
    async close() {
      await browser.close();
      await srv.cleanup();
    },
  };
}
