// The whole Q&A flow as people do it: two residents, an officer and a moderator, each in their
// own browser context (their own cookies), in Debian's Chromium.
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
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('live Q&A in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), tallyIntervalMs: 100 });
    const host = await server.app.identity.createStaff({ username: 'officer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Reyes' });
    const hosts = [{ id: host.id, displayName: host.displayName }];
    const { id } = await server.townHall({ title: 'Northside Town Hall', description: 'Talk with your officers.', hosts });
    townHallUrl = `${server.url}/townhall/${id}`;
    await server.app.identity.createStaff({ username: 'moderator', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Sam' });
    await server.app.identity.createStaff({ username: 'visitor', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Visiting' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = (width?: number, height?: number): Promise<Page> => personPage(browser, width, height);
  const joinAsResident = (page: Page, name: string) => joinTownHall(page, townHallUrl, name);
  const signIn = (page: Page, username: string) => signInAsStaff(page, server.url, username, new URL(townHallUrl).pathname);
  const card = questionCard;

  it('has no accessibility violations on the join page', async () => {
    const page = await newPage();
    await page.goto(townHallUrl);
    await page.getByRole('textbox', { name: 'Your display name' }).waitFor();
    await screenshot(page, 'join');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('carries a question from a resident through votes, an answer and a removal on every screen', async () => {
    const alice = await newPage();
    const bob = await newPage(390, 844);
    const officer = await newPage();
    const moderator = await newPage();
    await Promise.all([joinAsResident(alice, 'Alice'), joinAsResident(bob, 'Bob')]);
    await Promise.all([signIn(officer, 'officer'), signIn(moderator, 'moderator')]);

    // Alice asks; it is published and reaches Bob and the officer.
    const question = 'Is the park safe after dark?';
    await alice.getByRole('textbox', { name: 'Your question' }).fill(question);
    await alice.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => card(bob, question).count()).toBe(1);
    await expect.poll(() => card(officer, question).count()).toBe(1);

    // Bob upvotes in two tabs: it counts once.
    const bobTab2 = await bob.context().newPage();
    await bobTab2.goto(townHallUrl);
    await card(bob, question).getByRole('button', { name: /^Upvote/ }).click();
    await expect.poll(() => card(bob, question).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => card(bobTab2, question).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => card(officer, question).textContent()).toContain('1');
    expect((await server.stores.questions.listVisible(new URL(townHallUrl).pathname.split('/').pop()!)).find((q) => q.text === question)?.votes).toBe(1);

    // The officer takes it up and writes an answer; Alice hears about it.
    await card(officer, question).getByRole('button', { name: 'Answer now' }).click();
    await expect.poll(() => alice.getByTestId('answering-now').textContent()).toContain(question);
    await card(officer, question).getByRole('button', { name: 'Write answer' }).click();
    await officer.getByRole('textbox', { name: 'Written answer' }).fill('Patrols run there until 2 a.m.');
    await officer.getByRole('button', { name: 'Publish answer' }).click();
    await expect.poll(() => alice.getByTestId('answered').textContent()).toContain('Patrols run there until 2 a.m.');
    await expect.poll(() => alice.getByTestId('announcer').textContent()).toContain(question);
    await screenshot(alice, 'resident-after-answer');
    await screenshot(officer, 'officer-after-answer');
    await screenshot(bob, 'resident-phone');

    // A filtered question is held: Alice sees it waiting, Bob does not, the moderator reviews it.
    const abusive = 'Why is that d1rtyc0p still on duty?';
    await bob.getByRole('textbox', { name: 'Your question' }).fill(abusive);
    await bob.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => bob.getByTestId('my-held').textContent()).toContain(abusive);
    const queue = moderator.getByTestId('review-queue');
    await expect.poll(() => queue.textContent()).toContain(abusive);
    expect(await card(alice, abusive).count()).toBe(0);
    await screenshot(moderator, 'moderator-queue');
    await card(moderator, abusive).getByRole('combobox', { name: 'Reason' }).selectOption('harassment');
    await card(moderator, abusive).getByRole('button', { name: 'Reject' }).click();
    await expect.poll(() => card(bob, abusive).count()).toBe(0);

    // The moderator removes the published question: it leaves every screen.
    await card(moderator, question).getByRole('button', { name: 'Remove…' }).click();
    await card(moderator, question).getByRole('combobox', { name: 'Reason' }).selectOption('off-topic');
    await card(moderator, question).getByRole('button', { name: 'Confirm removal' }).click();
    for (const page of [alice, bob, bobTab2, officer, moderator]) {
      await expect.poll(() => card(page, question).count()).toBe(0);
    }
  });

  it('shows question text containing HTML as text', async () => {
    const page = await newPage();
    await joinAsResident(page, 'Carol');
    const html = '<img src=x onerror="document.title=\'pwned\'"> <b>bold?</b>';
    await page.getByRole('textbox', { name: 'Your question' }).fill(html);
    await page.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => card(page, 'bold?').textContent()).toContain('<b>bold?</b>');
    expect(await page.title()).not.toBe('pwned');
    expect(await card(page, 'bold?').locator('img, b').count()).toBe(0);
  });

  it('has no accessibility violations on the town hall page, for residents and staff, in both languages', async () => {
    const resident = await newPage();
    await joinAsResident(resident, 'Dana');
    expect(await accessibilityViolations(resident)).toEqual([]);
    await resident.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => resident.locator('html').getAttribute('lang')).toBe('es');
    await resident.getByRole('textbox', { name: 'Su pregunta' }).waitFor();
    await screenshot(resident, 'townhall-es');
    expect(await accessibilityViolations(resident)).toEqual([]);

    const moderator = await newPage();
    await signIn(moderator, 'moderator');
    await moderator.getByTestId('review-queue').waitFor();
    expect(await accessibilityViolations(moderator)).toEqual([]);
  });

  it("offers an officer who does not host it no hosts' controls, and marks their question as an officer's", async () => {
    const [host, visitor, resident] = await Promise.all([newPage(), newPage(), newPage()]);
    await Promise.all([signIn(host, 'officer'), signIn(visitor, 'visitor'), joinAsResident(resident, 'Fay')]);
    const question = 'Which shifts cover the north side?';
    await visitor.getByRole('textbox', { name: 'Your question' }).fill(question);
    await visitor.getByRole('button', { name: 'Ask question' }).click();
    await card(resident, question).waitFor();
    expect(await card(resident, question).getByTestId('staff-badge').textContent()).toBe('Officer');
    // The host runs the room; the visiting officer sees the questions as staff but runs nothing.
    await card(host, question).getByRole('button', { name: 'Answer now' }).waitFor();
    await card(visitor, question).waitFor();
    for (const name of ['Answer now', 'Mark answered', 'Write answer', 'New poll']) {
      expect(await visitor.getByRole('button', { name }).count()).toBe(0);
    }
    expect(await visitor.getByRole('checkbox', { name: 'Review every question before it is published' }).count()).toBe(0);
    expect(await host.getByRole('checkbox', { name: 'Review every question before it is published' }).count()).toBe(1);
  });

  it('lets an officer turn on slow mode, and residents see it at once', async () => {
    const officer = await newPage();
    const resident = await newPage();
    await signIn(officer, 'officer');
    await joinAsResident(resident, 'Evan');
    await officer.getByRole('combobox', { name: 'Slow mode' }).selectOption('60');
    await expect.poll(() => resident.locator('#ask-hint').textContent()).toContain('one question every 60 seconds');
    await screenshot(officer, 'officer-room-settings');
    await officer.getByRole('combobox', { name: 'Slow mode' }).selectOption('0');
    await expect.poll(() => resident.locator('#ask-hint').textContent()).not.toContain('Slow mode');
  });
});
