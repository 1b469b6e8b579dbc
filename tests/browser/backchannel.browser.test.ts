// The staff backchannel and watching before joining, as people use them in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  fillJoinForm,
  joinTownHall,
  launchChromium,
  personPage,
  questionCard,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const backchannelLog = (page: Page, name = 'Staff backchannel') => page.getByRole('log', { name });

async function toSpanish(page: Page): Promise<void> {
  await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
  await page.locator('html[lang="es"]').waitFor();
}
async function toEnglish(page: Page): Promise<void> {
  await page.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang="en"]').waitFor();
}

describe('the staff backchannel in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallPath: string;
  let host: Page, moderator: Page, captioner: Page, resident: Page;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    const officer = await server.app.identity.createStaff({ username: 'host1', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Ortiz' });
    await server.app.identity.createStaff({ username: 'mod1', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Rivera' });
    await server.app.identity.createStaff({ username: 'cap1', password: STAFF_PASSWORD, role: 'captioner', displayName: 'Sam (captions)' });
    const { id } = await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: officer.id, displayName: 'Lt. Ortiz' }] });
    townHallPath = `/townhall/${id}`;
    browser = await launchChromium();
    [host, moderator, captioner, resident] = await Promise.all([personPage(browser), personPage(browser), personPage(browser), personPage(browser, 390, 844)]);
    await Promise.all([
      signInAsStaff(host, server.url, 'host1', townHallPath),
      signInAsStaff(moderator, server.url, 'mod1', townHallPath),
      signInAsStaff(captioner, server.url, 'cap1', townHallPath),
      joinTownHall(resident, `${server.url}${townHallPath}`, 'Rosa'),
    ]);
    await Promise.all([host, moderator, captioner].map((p) => backchannelLog(p).waitFor()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('carries the crew\'s messages live between host, moderator and captioner, and shows residents nothing', async () => {
    await moderator.getByRole('textbox', { name: 'Write to the staff' }).fill('Take the Elm Street question next');
    await moderator.getByRole('button', { name: 'Post to staff' }).click();
    for (const page of [host, moderator, captioner]) await backchannelLog(page).getByText('Take the Elm Street question next').waitFor();
    await captioner.getByRole('textbox', { name: 'Write to the staff' }).fill('Audio is low');
    await captioner.getByRole('textbox', { name: 'Write to the staff' }).press('Enter');
    const line = backchannelLog(host).getByTestId('backchannel-message').filter({ hasText: 'Audio is low' });
    await line.waitFor();
    expect(await line.getByTestId('staff-badge').textContent()).toBe('Captioner');
    expect(await line.textContent()).toContain('Sam (captions)');

    // The resident's page, joined all along, has no trace of it: a chat message sent after the
    // notes reaches them, so the notes would have too.
    await host.getByRole('textbox', { name: 'Message', exact: true }).fill('Welcome, everyone');
    await host.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await resident.getByRole('log', { name: 'Chat' }).getByText('Welcome, everyone').waitFor();
    expect(await resident.getByTestId('backchannel').count()).toBe(0);
    expect(await resident.content()).not.toContain('Elm Street question next');
    expect(await resident.content()).not.toContain('Audio is low');
    await screenshot(host, 'backchannel-host');
    expect(await accessibilityViolations(host)).toEqual([]);
  });

  it('is accessible in Spanish and on a phone', async () => {
    const phone = await personPage(browser, 390, 844);
    await signInAsStaff(phone, server.url, 'mod1', townHallPath);
    await backchannelLog(phone).waitFor();
    await toSpanish(phone);
    await backchannelLog(phone, 'Canal interno del personal').waitFor();
    await phone.getByRole('textbox', { name: 'Escribir al personal' }).waitFor();
    await screenshot(phone, 'backchannel-moderator-phone-es');
    expect(await accessibilityViolations(phone)).toEqual([]);
    await toEnglish(phone);
    await phone.context().close();
  });
});

describe('watching before joining in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    const hostSession = await server.staff('officer', 'Lt. Ortiz');
    ({ id: townHallId } = await server.townHall({ title: 'Westside Town Hall', hosts: [{ id: hostSession.me.id, displayName: 'Lt. Ortiz' }] }));
    const host = await server.connect(hostSession);
    unwrap(await command(host, 'townhall:join', { townHallId }));
    const people = await Promise.all(['Ana', 'Ben'].map(async (name) => {
      const socket = await server.connect(await server.guest(name));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return socket;
    }));
    const answered = unwrap(await command(people[0]!, 'qa:ask', { townHallId, text: 'When does the new patrol schedule start?' }));
    unwrap(await command(host, 'qa:answer', { questionId: answered.id, text: 'Next Monday.' }));
    const ranked = unwrap(await command(people[1]!, 'qa:ask', { townHallId, text: 'Can we get a crossing guard on Elm Street?' }));
    unwrap(await command(people[0]!, 'qa:vote', { questionId: ranked.id, voted: true }));
    const draft = unwrap(await command(host, 'poll:create', { townHallId, kind: 'single', question: 'Best evening for the next meeting?', options: ['Tuesday', 'Thursday'] }));
    const poll = unwrap(await command(host, 'poll:open', { pollId: draft.id }));
    unwrap(await command(people[1]!, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[1]!.id } }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a visitor the questions, answers and poll results read-only, then lets them join in place and ask', async () => {
    const visitor = await personPage(browser);
    const url = `${server.url}/townhall/${townHallId}`;
    await visitor.goto(url);
    await questionCard(visitor, 'crossing guard on Elm Street').waitFor();
    await questionCard(visitor, 'new patrol schedule').getByText('Next Monday.').waitFor();
    const pollCard = visitor.getByTestId('poll').filter({ hasText: 'Best evening for the next meeting?' });
    await pollCard.getByText('Results so far').waitFor();
    await pollCard.getByText('1 ballot').waitFor();
    // Read-only: nothing to ask, vote, chat with, flag or raise a hand with.
    expect(await visitor.getByRole('textbox', { name: 'Your question' }).count()).toBe(0);
    expect(await visitor.getByRole('button', { name: /upvote/i }).count()).toBe(0);
    expect(await visitor.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(0);
    expect(await pollCard.getByRole('radio').count()).toBe(0);
    expect(await visitor.getByRole('button', { name: 'Flag' }).count()).toBe(0);
    expect(await visitor.getByTestId('backchannel').count()).toBe(0);
    await screenshot(visitor, 'watch-before-joining');
    expect(await accessibilityViolations(visitor)).toEqual([]);

    // A question asked meanwhile arrives live.
    const late = await server.connect(await server.guest('Cam'));
    unwrap(await command(late, 'townhall:join', { townHallId }));
    unwrap(await command(late, 'qa:ask', { townHallId, text: 'Will the library lot get lights?' }));
    await questionCard(visitor, 'library lot get lights').waitFor();

    // The call to join leads to the name form on this page; joining keeps the page.
    await visitor.getByRole('link', { name: 'Join to ask, vote and chat' }).click();
    await expect.poll(() => visitor.evaluate(() => document.activeElement?.id)).toBe('join-name');
    await fillJoinForm(visitor, 'Dana');
    await visitor.getByRole('textbox', { name: 'Your question' }).waitFor();
    expect(visitor.url()).toBe(url);
    await visitor.getByRole('textbox', { name: 'Your question' }).fill('Could the bus stop on Oak get a shelter?');
    await visitor.getByRole('button', { name: 'Ask' }).click();
    await questionCard(visitor, 'bus stop on Oak').waitFor();
    await questionCard(visitor, 'crossing guard on Elm Street').getByRole('button', { name: /upvote/i }).waitFor();
    await visitor.context().close();
  });

  it('is accessible to a visitor in Spanish and on a phone', async () => {
    const visitor = await personPage(browser, 390, 844);
    await visitor.goto(`${server.url}/townhall/${townHallId}`);
    await questionCard(visitor, 'crossing guard on Elm Street').waitFor();
    await toSpanish(visitor);
    await visitor.getByRole('link', { name: 'Únase para preguntar, votar y chatear' }).waitFor();
    await screenshot(visitor, 'watch-before-joining-phone-es');
    expect(await accessibilityViolations(visitor)).toEqual([]);
    await toEnglish(visitor);
    await visitor.context().close();
  });
});

describe('watching the live video before joining, in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  /** A remote person's camera tile, and how many frames its video has shown (0 before a picture). */
  const tileOf = (page: Page, name: string): Locator =>
    page.getByTestId('video-tile').filter({ has: page.locator('figcaption', { hasText: name }) }).and(page.locator('[data-local="false"]'));
  const framesShown = (tile: Locator): Promise<number> =>
    tile.locator('video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0));

  beforeAll(async () => {
    server = await startTestServer({ media: true, clientDir: requireBuiltClient() });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plays the officer\'s camera to a visitor who has no name, with no hand to raise', async () => {
    const officer = await server.app.identity.createStaff({ username: 'livehost', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Okafor' });
    const { id } = await server.townHall({ title: 'Southside Town Hall', hosts: [{ id: officer.id, displayName: 'Lt. Okafor' }] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['camera', 'microphone'], { origin: server.url });
    const host = await context.newPage();
    host.setDefaultTimeout(15_000);
    await signInAsStaff(host, server.url, 'livehost', `/townhall/${id}`);
    await host.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await host.getByRole('button', { name: 'Stop broadcasting' }).waitFor();

    const visitor = await personPage(browser);
    visitor.setDefaultTimeout(15_000);
    await visitor.goto(`${server.url}/townhall/${id}`);
    await visitor.getByTestId('watch-cta').waitFor();
    const tile = tileOf(visitor, 'Lt. Okafor');
    await expect.poll(() => framesShown(tile), { timeout: 15_000 }).toBeGreaterThan(0);
    const before = await framesShown(tile);
    await expect.poll(() => framesShown(tile), { timeout: 10_000 }).toBeGreaterThan(before + 5);
    expect(await visitor.getByRole('button', { name: /raise/i }).count()).toBe(0);
    await screenshot(visitor, 'watch-video-before-joining');
    await context.close();
    await visitor.context().close();
  });
});
