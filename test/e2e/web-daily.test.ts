import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
