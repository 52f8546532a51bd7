import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { article, composer, sidebar, skip, startWebWorld, type WebWorld } from './web-harness.js';

/** Issue 32: a person's status, seen live by others, and their signed-in sessions. */

let w: WebWorld;
before(async () => {
  if (skip) return;
  w = await startWebWorld();
});
afterEach(async () => {
  if (skip) return;
  await w.closePages();
});
after(async () => {
  if (skip) return;
  await w.close();
});

test("a status Ada sets shows on her profile card in Bob's open app, live", { skip }, async () => {
  await w.post(w.adaToken, w.generalId, 'status test message');
  const ada = await w.signedIn('ada@example.com');
  const bob = await w.signedIn('bob@example.com');
  // Bob has Ada's card open before she sets anything: no status on it yet.
  await article(bob, 'status test message').getByRole('button', { name: 'Ada Lovelace' }).click();
  const card = bob.getByRole('dialog', { name: 'Ada Lovelace' });
  await card.getByText('@ada').waitFor();
  assert.equal(await card.getByLabel('Status').count(), 0);

  await sidebar(ada).getByRole('button', { name: 'Set a status' }).click();
  const dialog = ada.getByRole('dialog', { name: 'Set a status' });
  await dialog.getByRole('button', { name: '📅 In a meeting' }).click();
  await dialog.getByLabel("What's your status?").fill('Planning the launch');
  await dialog.getByLabel('Clear after').selectOption('4h');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await sidebar(ada)
    .getByRole('button', { name: 'Status: 📅 Planning the launch. Change status' })
    .waitFor();

  // Bob's card follows without a reload, with when it clears.
  const status = card.getByLabel('Status');
  await status.getByText(/📅 Planning the launch/).waitFor();
  assert.match(await status.innerText(), /until \d/);
  await card.getByRole('button', { name: 'Close' }).click();
  // Next to her name on her message, too.
  await article(bob, 'status test message')
    .getByRole('img', { name: 'Status: 📅 Planning the launch' })
    .waitFor();

  // Cleared: gone from Bob's screen as well.
  await sidebar(ada)
    .getByRole('button', { name: /^Status: .* Change status$/ })
    .click();
  await ada
    .getByRole('dialog', { name: 'Set a status' })
    .getByRole('button', { name: 'Clear status' })
    .click();
  await sidebar(ada).getByRole('button', { name: 'Set a status' }).waitFor();
  await article(bob, 'status test message')
    .getByRole('img', { name: /^Status:/ })
    .waitFor({ state: 'detached' });
  // A bad status is refused with the server's reason, in the dialog.
  await sidebar(ada).getByRole('button', { name: 'Set a status' }).click();
  const again = ada.getByRole('dialog', { name: 'Set a status' });
  await again.getByLabel('Emoji').fill('no');
  await again.getByLabel("What's your status?").fill('x');
  await again.getByRole('button', { name: 'Save' }).click();
  await again
    .getByRole('alert')
    .getByText(/one emoji/)
    .waitFor();
  await ada.close();
  await bob.close();
  assert.deepEqual(w.pageErrors, []);
});

test(
  'the account screen lists sessions; signing one out from another signs it out',
  { skip },
  async () => {
    const laptop = await w.signedIn('ada@example.com', { userAgent: 'LaptopBrowser/1.0 (test)' });
    const phone = await w.signedIn('ada@example.com', { userAgent: 'PhoneBrowser/2.0 (test)' });
    await laptop.getByRole('button', { name: 'Edit profile' }).click();
    const sessions = laptop.getByRole('region', { name: 'Where you are signed in' });
    const mine = sessions.getByRole('listitem').filter({ hasText: 'LaptopBrowser/1.0' });
    const other = sessions.getByRole('listitem').filter({ hasText: 'PhoneBrowser/2.0' });
    await mine.getByText('This browser').waitFor();
    assert.equal(await mine.getByRole('button', { name: /Sign out/ }).count(), 0);
    assert.equal(await other.getByText('This browser').count(), 0);
    await other.getByText(/Last seen|Signed in/).waitFor();

    await other.getByRole('button', { name: 'Sign out PhoneBrowser/2.0 (test)' }).click();
    await other.waitFor({ state: 'detached' });
    // The phone's app notices at once (its socket is closed) and asks to sign in again.
    await phone.getByRole('heading', { name: 'ClickClack', level: 1 }).waitFor({ timeout: 15000 });
    assert.equal(await composer(phone).count(), 0);

    // "Sign out everywhere else" ends every other session and keeps this one.
    const third = await w.signedIn('ada@example.com', { userAgent: 'TabletBrowser/3.0 (test)' });
    await laptop.keyboard.press('Escape');
    await laptop.getByRole('button', { name: 'Edit profile' }).click();
    await sessions.getByRole('listitem').filter({ hasText: 'TabletBrowser/3.0' }).waitFor();
    await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await sessions.getByRole('listitem').filter({ hasText: 'TabletBrowser/3.0' }).waitFor({
      state: 'detached',
    });
    assert.equal(await sessions.getByRole('listitem').count(), 1);
    await third.getByRole('heading', { name: 'ClickClack', level: 1 }).waitFor({ timeout: 15000 });
    // The laptop is still signed in.
    await laptop.keyboard.press('Escape');
    await composer(laptop).fill('still here');
    await composer(laptop).press('Enter');
    await article(laptop, 'still here').waitFor();
    for (const p of [laptop, phone, third]) await p.close();
    assert.deepEqual(w.pageErrors, []);
  },
);
