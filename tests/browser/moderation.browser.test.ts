// The moderator console as moderators use it (keyboard only) with residents flagging, reading
// notices and appealing, each person in their own browser context, in Debian's Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  questionCard,
  requireBuiltClient,
  screenshot,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('the moderator console in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), flagThreshold: 3 });
    const { id } = await server.townHall({ title: 'Eastside Town Hall' });
    townHallUrl = `${server.url}/townhall/${id}`;
    await server.app.identity.createStaff({ username: 'ana', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Ana' });
    await server.app.identity.createStaff({ username: 'ben', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Ben' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = (width?: number, height?: number): Promise<Page> => personPage(browser, width, height);
  const joinAsResident = (page: Page, name: string) => joinTownHall(page, townHallUrl, name);
  const ask = async (page: Page, text: string) => {
    await page.getByRole('textbox', { name: 'Your question' }).fill(text);
    await page.getByRole('button', { name: 'Ask question' }).click();
    await page.getByRole('status').filter({ hasText: /posted|waiting for review/ }).waitFor();
  };
  /** Signs in with the keyboard and opens the console. */
  const openConsole = async (page: Page, username: string) => {
    await page.goto(`${server.url}/signin?next=%2Fmoderate`);
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/moderate`);
    await page.getByTestId('queue-length').waitFor();
  };
  const card = questionCard;
  const row = (page: Page, text: string) => page.getByTestId('queue-item').filter({ hasText: text });
  const detailText = (page: Page) => page.getByTestId('item-text').textContent();
  /** What the page's polite live regions say now (the console's and the notices'). */
  const announced = async (page: Page) => (await page.getByTestId('announcer').allTextContents()).join(' ');

  it('is worked with the keyboard alone by two moderators, and a resident appeals a removal', async () => {
    const [alice, bob, carol] = await Promise.all([newPage(), newPage(390, 844), newPage()]);
    const [ana, ben] = await Promise.all([newPage(), newPage()]);
    await Promise.all([joinAsResident(alice, 'Alice'), joinAsResident(bob, 'Bob'), joinAsResident(carol, 'Carol')]);
    await Promise.all([openConsole(ana, 'ana'), openConsole(ben, 'ben')]);
    await screenshot(ana, 'moderation-console-empty');
    expect(await accessibilityViolations(ana)).toEqual([]);

    // A filtered question is held; a published one is flagged by another resident.
    const filtered = 'Why is that d1rtyc0p still patrolling?';
    const published = 'When is the next community patrol meeting?';
    await ask(alice, filtered);
    await ask(bob, published);
    await card(carol, published).getByRole('button', { name: 'Flag' }).click();
    await card(carol, published).getByRole('combobox', { name: 'Reason' }).selectOption('spam');
    await screenshot(carol, 'resident-flag-dialog');
    await card(carol, published).getByRole('button', { name: 'Send to moderators' }).click();
    await expect.poll(() => card(carol, published).textContent()).toContain('Thanks, a moderator will review it.');

    // Both reach both consoles live, newest first.
    for (const page of [ana, ben]) {
      await expect.poll(() => page.getByTestId('queue-item').count()).toBe(2);
      await expect.poll(() => page.getByTestId('queue-length').textContent()).toBe('2');
    }
    expect(await ana.getByTestId('queue-item').first().textContent()).toContain(published);

    // Ana takes the first item with N; Ben sees it taken.
    await ana.keyboard.press('n');
    await expect.poll(() => detailText(ana)).toBe(published);
    await expect.poll(() => row(ben, published).getByTestId('taken-by').textContent()).toContain('Taken by Mod Ana');
    await screenshot(ben, 'moderation-console-taken');
    expect(await accessibilityViolations(ana)).toEqual([]);

    // The help lists the keys; ? opens it.
    await ana.keyboard.press('?');
    await expect.poll(() => ana.getByTestId('shortcut-help').getAttribute('open')).not.toBeNull();
    await screenshot(ana, 'moderation-console-selected');
    await ana.keyboard.press('Escape');

    // R asks for a reason: the reason list takes the focus, arrows choose, Enter removes.
    await ana.keyboard.press('r');
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id)).toBe('decision-reason');
    await ana.keyboard.press('ArrowDown');
    await ana.keyboard.press('ArrowDown');
    expect(await ana.locator('#decision-reason').inputValue()).toBe('harassment');
    await ana.keyboard.press('Enter');
    await expect.poll(() => announced(ana)).toContain('Removed. 1 item left.');
    // The next item is taken at once; A approves it.
    await expect.poll(() => detailText(ana)).toBe(filtered);
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id)).toBe('item-heading');
    await ana.keyboard.press('a');
    await expect.poll(() => announced(ana)).toContain('Approved. The queue is empty.');
    await expect.poll(() => ben.getByTestId('queue-item').count()).toBe(0);

    // Residents' screens follow: the removed question leaves, the approved one arrives.
    await expect.poll(() => card(carol, published).count()).toBe(0);
    await expect.poll(() => card(carol, filtered).count()).toBe(1);
    await expect.poll(() => card(bob, published).count()).toBe(0);

    // Bob is told why and appeals, once.
    await expect.poll(() => bob.getByTestId('notice-alert').textContent()).toContain('Your question was removed');
    expect(await bob.getByTestId('notice-alert').textContent()).toContain('Harassment');
    await bob.getByRole('link', { name: 'See your notices' }).click();
    const notice = bob.getByTestId('notice').filter({ hasText: published.slice(0, 30) });
    await notice.getByRole('button', { name: 'Appeal' }).click();
    await notice.getByRole('textbox', { name: 'Why should the decision change?' }).fill('It was a real question about patrols.');
    await screenshot(bob, 'resident-notice-appeal-phone');
    expect(await accessibilityViolations(bob)).toEqual([]);
    await notice.getByRole('button', { name: 'Send appeal' }).click();
    await expect.poll(() => notice.textContent()).toContain('Your appeal was sent');
    expect(await notice.getByRole('button', { name: 'Appeal' }).count()).toBe(0);

    // Ben, who did not decide it, restores it on appeal; it is back on Carol's screen.
    await expect.poll(() => row(ben, published).textContent()).toContain('Appealed');
    await ben.keyboard.press('n');
    await expect.poll(() => ben.getByTestId('appeal').textContent()).toContain('It was a real question about patrols.');
    await screenshot(ben, 'moderation-console-appeal');
    await ben.getByRole('button', { name: 'Restore (grant appeal)' }).press('Enter');
    await expect.poll(() => announced(ben)).toContain('Appeal granted');
    await expect.poll(() => card(carol, published).count()).toBe(1);
    await expect.poll(() => bob.getByTestId('notice').count()).toBe(2);
    expect(await bob.getByTestId('notice').first().textContent()).toContain('Your appeal was granted');
  });

  it('leaves an appeal to a moderator other than the one who decided, and times out and lets go of an author', async () => {
    const [resident, ana] = await Promise.all([newPage(), newPage()]);
    await joinAsResident(resident, 'Dora');
    const text = 'Dora asks about the parking rules downtown';
    await ask(resident, text);

    // Ana removes it from the town hall page, with the Q&A moderation controls.
    await openConsole(ana, 'ana');
    await ana.goto(townHallUrl);
    await card(ana, text).getByRole('button', { name: 'Remove…' }).click();
    await card(ana, text).getByRole('combobox', { name: 'Reason' }).selectOption('off-topic');
    await card(ana, text).getByRole('button', { name: 'Confirm removal' }).click();
    await expect.poll(() => card(resident, text).count()).toBe(0);

    await resident.getByTestId('notices-link').click();
    const notice = resident.getByTestId('notice').filter({ hasText: 'Dora asks' });
    await notice.getByRole('button', { name: 'Appeal' }).click();
    await notice.getByRole('textbox', { name: 'Why should the decision change?' }).fill('Parking is on topic.');
    await notice.getByRole('button', { name: 'Send appeal' }).click();
    await expect.poll(() => notice.textContent()).toContain('Your appeal was sent');

    await ana.goto(`${server.url}/moderate`);
    await expect.poll(() => row(ana, text).count()).toBe(1);
    await ana.keyboard.press('n');
    await expect.poll(() => detailText(ana)).toBe(text);
    const detail = ana.getByTestId('item-detail');
    expect(await detail.textContent()).toContain('You made the decision being appealed');
    await ana.getByRole('button', { name: 'Restore (grant appeal)' }).press('Enter');
    await expect.poll(() => ana.locator('#decision-error').textContent()).toContain('a different moderator must decide this appeal');
    expect(await row(ana, text).count()).toBe(1);

    // She can still time the author out with T (the reason first), and lift it from the author panel.
    await ana.keyboard.press('Escape');
    await ana.locator('#item-heading').focus();
    await ana.keyboard.press('t');
    await expect.poll(() => ana.evaluate(() => document.activeElement?.id)).toBe('decision-reason');
    await ana.keyboard.press('ArrowDown');
    await ana.keyboard.press('Enter');
    await expect.poll(() => announced(ana)).toContain('Timed out for 10 minutes.');
    const panel = ana.getByTestId('author-panel');
    await expect.poll(() => panel.textContent()).toContain('Timeout');
    // Dora is told until when she cannot take part; once lifted, she can again.
    await resident.goto(townHallUrl);
    const upvote = card(resident, 'next community patrol meeting').getByRole('button', { name: /^Upvote/ });
    await upvote.click();
    await expect.poll(() => card(resident, 'next community patrol meeting').textContent()).toContain('a moderator has restricted your account');
    await panel.getByRole('button', { name: /^Lift/ }).press('Enter');
    await expect.poll(() => panel.textContent()).toContain('No timeout or ban is in force.');
    await upvote.click();
    await expect.poll(() => upvote.getAttribute('aria-pressed')).toBe('true');
  });

  it('hides a question from the Q&A controls: the author sees why, others no longer see it', async () => {
    const [author, other, ana] = await Promise.all([newPage(), newPage(), newPage()]);
    await Promise.all([joinAsResident(author, 'Fay'), joinAsResident(other, 'Gus')]);
    await openConsole(ana, 'ana');
    await ana.goto(townHallUrl);
    const text = 'Fay wonders about the noise on Elm Street';
    await ask(author, text);
    await card(other, text).waitFor();
    await card(ana, text).getByRole('button', { name: 'Remove…' }).click();
    await card(ana, text).getByRole('combobox', { name: 'Reason' }).selectOption('off-topic');
    await card(ana, text).getByRole('button', { name: 'Hide for review' }).click();
    await expect.poll(() => card(other, text).count()).toBe(0);
    await expect.poll(() => card(author, text).textContent()).toContain('Hidden while moderators review it');
    await expect.poll(() => author.getByTestId('notices-link').textContent()).toMatch(/\d/);
    await screenshot(author, 'resident-hidden-question');
    expect(await accessibilityViolations(author)).toEqual([]);
  });

  it("shows an anonymous author's pseudonym only, and lets an admin alone reveal them with a reason", async () => {
    await server.app.identity.createStaff({ username: 'ada', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    const [hana, ivo, ben, ada] = await Promise.all([newPage(), newPage(), newPage(), newPage()]);
    await Promise.all([joinAsResident(hana, 'Hana Hidden'), joinAsResident(ivo, 'Ivo Hidden')]);
    // Held questions, so they reach the queue: the filter catches the word.
    const askAnonymously = async (page: Page, text: string) => {
      await page.getByRole('checkbox', { name: 'Hide my name from other residents' }).check();
      await ask(page, text);
    };
    const hanas = 'Hana anonymously: that d1rtyc0p again';
    const ivos = 'Ivo anonymously: the d1rtyc0p parked on the sidewalk';
    // Ivo's first, so Hana's is newer: the next item Ben's console takes after Ivo's is not hers.
    await askAnonymously(ivo, ivos);
    await askAnonymously(hana, hanas);

    // A moderator sees the pseudonym and no way to learn more.
    await openConsole(ben, 'ben');
    await row(ben, ivos).click();
    const benPanel = ben.getByTestId('author-panel');
    await expect.poll(() => benPanel.textContent()).toMatch(/Author: R-[A-Z0-9]{5}/);
    expect(await benPanel.textContent()).not.toContain('Ivo');
    expect(await benPanel.getByText('Reveal who wrote this').count()).toBe(0);
    await ben.keyboard.press('a');
    await expect.poll(() => row(ben, ivos).count()).toBe(0);

    // An admin can, with a reason, which lands on the record.
    await openConsole(ada, 'ada');
    await expect.poll(() => row(ada, hanas).getByTestId('taken-by').count()).toBe(0);
    await row(ada, hanas).click();
    const panel = ada.getByTestId('author-panel');
    await expect.poll(() => panel.textContent()).toMatch(/Author: R-[A-Z0-9]{5}/);
    await panel.getByText('Reveal who wrote this').click();
    await panel.getByRole('button', { name: 'Reveal author' }).press('Enter');
    await expect.poll(() => ada.locator('#reveal-error').textContent()).toContain('Give a reason first.');
    await panel.getByRole('textbox', { name: 'Reason for revealing the author' }).fill('A threat against an officer');
    await screenshot(ada, 'moderation-reveal-author');
    expect(await accessibilityViolations(ada)).toEqual([]);
    await panel.getByRole('textbox', { name: 'Reason for revealing the author' }).press('Enter');
    await expect.poll(() => panel.getByTestId('revealed-author').textContent()).toContain('Written by Hana Hidden');
    await screenshot(ada, 'moderation-revealed-author');
    await ada.locator('#item-heading').focus();
    await ada.keyboard.press('a');
    await expect.poll(() => row(ada, hanas).count()).toBe(0);
    await ada.getByRole('link', { name: 'Record' }).press('Enter');
    await expect.poll(() => ada.getByTestId('record-entries').textContent()).toContain('Author revealed');
    expect(await ada.getByTestId('record-entries').textContent()).toContain('A threat against an officer');
  });

  it('edits the word list and verifies the record', async () => {
    const ana = await newPage();
    await openConsole(ana, 'ana');
    await ana.getByRole('link', { name: 'Word list' }).press('Enter');
    await ana.getByRole('textbox', { name: 'Word or phrase' }).fill('grumpkin');
    await ana.getByRole('radio', { name: 'Mask' }).check();
    await ana.getByRole('button', { name: 'Add to the list' }).press('Enter');
    await expect.poll(() => ana.getByTestId('word-list').textContent()).toContain('grumpkin');
    await ana.getByRole('textbox', { name: 'Word or phrase' }).fill('Grumpkin');
    await ana.getByRole('button', { name: 'Add to the list' }).press('Enter');
    await expect.poll(() => ana.locator('#word-term-error').textContent()).toContain('already on the list');
    await screenshot(ana, 'moderation-word-list');
    expect(await accessibilityViolations(ana)).toEqual([]);

    await ana.getByRole('link', { name: 'Record' }).press('Enter');
    await ana.getByTestId('record-entries').waitFor();
    await ana.getByRole('button', { name: 'Verify record' }).press('Enter');
    await expect.poll(() => ana.getByTestId('record-verdict').textContent()).toMatch(/The record is intact: \d+ entries checked/);
    await screenshot(ana, 'moderation-record');
    expect(await accessibilityViolations(ana)).toEqual([]);

    const phone = await newPage(390, 844);
    await openConsole(phone, 'ana');
    await screenshot(phone, 'moderation-console-phone');
    expect(await accessibilityViolations(phone)).toEqual([]);
    await phone.keyboard.press('n');
    await phone.getByTestId('item-text').waitFor();
    await screenshot(phone, 'moderation-console-phone-selected');
    expect(await accessibilityViolations(phone)).toEqual([]);
  });

  it('shows a polite refusal to residents and in Spanish to moderators who switch', async () => {
    const resident = await newPage();
    await joinAsResident(resident, 'Eve');
    await resident.goto(`${server.url}/moderate`);
    await expect.poll(() => resident.locator('main').textContent()).toContain('The moderation console is for moderators');
    expect(await resident.getByRole('link', { name: 'Moderation' }).count()).toBe(0);

    const ana = await newPage();
    await openConsole(ana, 'ana');
    await ana.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => ana.getByRole('heading', { level: 1 }).textContent()).toBe('Moderación');
    await screenshot(ana, 'moderation-console-es');
    expect(await accessibilityViolations(ana)).toEqual([]);
  });
});
