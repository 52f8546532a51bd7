import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from './helpers.js';
import { article, composer, sidebar, skip, startWebWorld, type WebWorld } from './web-harness.js';

let w: WebWorld;

before(async () => {
  if (skip) return;
  w = await startWebWorld(['--allow-loopback-callbacks']);
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
      assert.equal(JSON.parse(integration.calls[0]!).text, 'main');
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
