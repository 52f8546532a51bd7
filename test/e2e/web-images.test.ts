import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { cliOk, http, magicToken, sessionFor, startServer, type RunningServer } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

// A 1x1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const REMOTE = 'https://images.example.net/tracker.png';

let browser: Browser;
const servers: RunningServer[] = [];

before(async () => {
  if (skip) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});
after(async () => {
  if (skip) return;
  await browser.close();
  for (const s of servers) await s.cleanup();
});

/**
 * A server (with `args`) where Ada posted a message holding a remote Markdown image and one
 * of her own uploads as a Markdown image; returns the message as her browser renders it.
 */
async function renderedImages(args: string[]) {
  const srv = await startServer({ args });
  servers.push(srv);
  await cliOk(['admin', 'bootstrap', '--data', srv.dataDir, '--email', 'ada@example.com']);
  const token = await sessionFor(srv, 'ada@example.com');
  const ws = await http<{ workspaces: { id: string }[] }>(srv.url, 'GET', '/api/workspaces', {
    token,
  });
  const workspaceId = ws.body.workspaces[0]!.id;
  const chs = await http<{ channels: { id: string; name: string }[] }>(
    srv.url,
    'GET',
    `/api/workspaces/${workspaceId}/channels`,
    { token },
  );
  const general = chs.body.channels.find((c) => c.name === 'general')!.id;
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'dot.png');
  const up = await fetch(`${srv.url}/api/uploads?workspace_id=${workspaceId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const { upload } = (await up.json()) as { upload: { id: string } };
  const posted = await http(srv.url, 'POST', `/api/channels/${general}/messages`, {
    token,
    body: { body: `![tracker](${REMOTE}) ![ours](/api/uploads/${upload.id}) images-marker` },
  });
  assert.equal(posted.status, 201);

  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Nothing may be fetched from the remote host; answered locally so nothing leaves the box.
  const remoteFetches: string[] = [];
  await page.route('https://images.example.net/**', (route) => {
    remoteFetches.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
  });
  await page.goto(`${srv.url}/app/login?token=${await magicToken(srv, 'ada@example.com')}`);
  const body = page.locator('article', { hasText: 'images-marker' }).locator('.body');
  await body.waitFor({ timeout: 15000 });
  const images = await body
    .locator('img')
    .evaluateAll((els) => els.map((e) => e.getAttribute('src')));
  const links = await body
    .locator('a')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('href'), e.textContent?.trim()]));
  await page.close();
  assert.deepEqual(errors, []);
  return { srv, images, links, remoteFetches, ours: `/api/uploads/${upload.id}` };
}

test('remote Markdown images are links by default; our uploads still show', { skip }, async () => {
  const { images, links, remoteFetches, ours } = await renderedImages([]);
  assert.deepEqual(images, [ours]);
  assert.deepEqual(links, [[REMOTE, '🖼 tracker']]);
  assert.deepEqual(remoteFetches, [], 'the remote host learned nothing of the reader');
});

test('serve --remote-images shows them inline', { skip }, async () => {
  const { images, links } = await renderedImages(['--remote-images']);
  assert.deepEqual(images, [REMOTE, ours(images)]);
  assert.deepEqual(links, []);
});

/** The upload path among rendered image sources. */
const ours = (images: (string | null)[]) => images.find((s) => s?.startsWith('/api/uploads/'));

test('the production web app publishes no source maps', async () => {
  const srv = await startServer();
  servers.push(srv);
  const index = await (await fetch(`${srv.url}/app/`)).text();
  const scripts = [...index.matchAll(/src="(\/app\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  assert.ok(scripts.length > 0, index);
  for (const script of scripts) {
    const js = await (await fetch(srv.url + script)).text();
    assert.doesNotMatch(js, /sourceMappingURL/);
    assert.equal((await fetch(`${srv.url}${script}.map`)).status, 404);
  }
});
