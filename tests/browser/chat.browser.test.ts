// Chat and captions as people use them: three people in one town hall (two residents and a
// captioner), each in a browser context of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const chatLog = (page: Page) => page.getByRole('log', { name: 'Chat' });
const captionsLog = (page: Page) => page.getByRole('log', { name: 'Captions' });

async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

describe('chat and captions in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallPath: string;
  let ana: Page, ben: Page, captioner: Page;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    const { id } = await server.townHall({ title: 'Northside Town Hall', description: 'Traffic and parks.' });
    townHallPath = `/townhall/${id}`;
    await server.app.identity.createStaff({ username: 'captioner1', password: STAFF_PASSWORD, role: 'captioner', displayName: 'Sam (captions)' });
    browser = await launchChromium();
    [ana, ben, captioner] = await Promise.all([personPage(browser), personPage(browser), personPage(browser)]);
    await Promise.all([
      joinTownHall(ana, `${server.url}${townHallPath}`, 'Ana'),
      joinTownHall(ben, `${server.url}${townHallPath}`, 'Ben'),
      signInAsStaff(captioner, server.url, 'captioner1', townHallPath),
    ]);
    await Promise.all([ana, ben, captioner].map((p) => p.getByRole('textbox', { name: 'Message' }).waitFor()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a chat message to everyone in the town hall, with a badge on staff messages', async () => {
    await say(ana, 'Will the crosswalk on 5th get a signal?');
    for (const page of [ana, ben, captioner]) {
      await chatLog(page).getByText('Will the crosswalk on 5th get a signal?').waitFor();
    }
    await expect.poll(() => ana.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    await say(captioner, 'Captions are on: press Show captions above.');
    const staffMessage = chatLog(ben).getByTestId('chat-message').filter({ hasText: 'Captions are on' });
    await staffMessage.waitFor();
    expect(await staffMessage.getByTestId('staff-badge').textContent()).toBe('Captioner');
    const anaMessage = chatLog(ben).getByTestId('chat-message').filter({ hasText: 'crosswalk' });
    expect(await anaMessage.getByTestId('staff-badge').count()).toBe(0);
    await screenshot(ben, 'chat-resident');
    expect(await accessibilityViolations(ben)).toEqual([]);

    // Ben reports Ana's message; nobody can flag their own message or a staff one.
    expect(await chatLog(ana).getByTestId('chat-message').filter({ hasText: 'crosswalk' }).getByRole('button', { name: 'Flag' }).count()).toBe(0);
    expect(await staffMessage.getByRole('button', { name: 'Flag' }).count()).toBe(0);
    await anaMessage.getByRole('button', { name: 'Flag' }).click();
    await anaMessage.getByLabel('Reason').selectOption('spam');
    await anaMessage.getByRole('button', { name: 'Send to moderators' }).click();
    await anaMessage.getByText('Thanks, a moderator will review it.').waitFor();
    const [message] = (await server.stores.chat.recentPublished(townHallPath.split('/').at(-1)!, 10)).filter((m) =>
      m.text.includes('crosswalk'),
    );
    expect(await server.stores.moderation.queue.addFlag({ kind: 'chat', id: message!.id }, 'someone-else-0001', 'spam')).toEqual({ added: true, count: 2 });
  });

  it('marks a held message for its author only, and counts down slow mode', async () => {
    const moderator = await server.connect(await server.staff('moderator'));
    const townHallId = townHallPath.split('/').at(-1)!;
    unwrap(await command(moderator, 'townhall:join', { townHallId }));
    unwrap(await command(moderator, 'mod:set-slow-mode', { townHallId, seconds: 30 }));
    await ben.getByText('Slow mode: one message every 30 seconds.').waitFor();
    await say(ben, 'That dirtycop parked in the bike lane again');
    const held = chatLog(ben).getByTestId('chat-message').filter({ hasText: 'bike lane' });
    await held.getByText('Held for review').waitFor();
    await ben.getByText('Your message is waiting for a moderator.', { exact: false }).waitFor();
    await ben.getByRole('button', { name: /^Send in \d+ s$/ }).waitFor();
    await screenshot(ben, 'chat-held-slow-mode');
    expect(await accessibilityViolations(ben)).toEqual([]);
    // Messages sent later still reach Ana; Ben's held one never does.
    await say(captioner, 'Noted, thank you.');
    await chatLog(ana).getByText('Noted, thank you.').waitFor();
    expect(await chatLog(ana).getByText('bike lane', { exact: false }).count()).toBe(0);
    unwrap(await command(moderator, 'mod:set-slow-mode', { townHallId, seconds: 0 }));
  });

  it('shows captions to a viewer only once they turn them on, and remembers the choice', async () => {
    const toggle = ben.getByRole('button', { name: 'Show captions' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    const input = captioner.getByRole('textbox', { name: 'Type captions' });
    await input.fill('Good evening and welcome to Northside.');
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('');
    // Ben has not turned captions on: the line is nowhere on his page.
    await captioner.getByRole('button', { name: 'Show captions' }).click();
    await captionsLog(captioner).getByText('Good evening and welcome to Northside.').waitFor();
    expect(await ben.getByText('Good evening and welcome to Northside.').count()).toBe(0);
    expect(await captionsLog(ben).count()).toBe(0);

    await toggle.click();
    const hide = ben.getByRole('button', { name: 'Hide captions' });
    expect(await hide.getAttribute('aria-pressed')).toBe('true');
    await captionsLog(ben).getByText('Good evening and welcome to Northside.').waitFor();
    await input.fill('First, the park budget.');
    await input.press('Enter');
    await captionsLog(ben).getByText('First, the park budget.').waitFor();
    await screenshot(ben, 'captions-on');
    await screenshot(captioner, 'captions-captioner');
    expect(await accessibilityViolations(ben)).toEqual([]);
    expect(await accessibilityViolations(captioner)).toEqual([]);

    await ben.reload();
    await captionsLog(ben).getByText('First, the park budget.').waitFor();
    expect(await ben.getByRole('button', { name: 'Hide captions' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('lets a viewer choose the size, colours and place of the captions, and remembers them', async () => {
    // Ben has captions on from the test above.
    const log = captionsLog(ben);
    await log.getByText('First, the park budget.').waitFor();
    const look = () =>
      log.evaluate((el) => {
        const style = getComputedStyle(el);
        return { size: parseFloat(style.fontSize), color: style.color, background: style.backgroundColor };
      });
    const before = await look();
    const open = ben.getByRole('button', { name: 'Caption settings' });
    expect(await open.getAttribute('aria-expanded')).toBe('false');
    await open.click();
    const settings = ben.getByTestId('caption-settings');
    await settings.getByRole('radio', { name: 'Extra large' }).check();
    await settings.getByRole('radio', { name: 'Yellow on black' }).check();
    await expect.poll(async () => (await look()).size).toBeGreaterThan(before.size * 1.5);
    expect(await look()).toMatchObject({ color: 'rgb(255, 222, 0)', background: 'rgb(0, 0, 0)' });

    // At the bottom of the screen: the captions stay in view while the page scrolls.
    await settings.getByRole('radio', { name: 'At the bottom of the screen' }).check();
    await ben.evaluate(() => window.scrollTo(0, 0));
    const box = await ben.getByTestId('captions').boundingBox();
    const viewport = ben.viewportSize()!;
    expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 1);
    expect(box!.y).toBeLessThan(viewport.height);
    expect(await accessibilityViolations(ben)).toEqual([]);
    await screenshot(ben, 'captions-settings');

    // Remembered on this device, in Spanish too.
    await ben.reload();
    await log.getByText('First, the park budget.').waitFor();
    expect(await look()).toMatchObject({ color: 'rgb(255, 222, 0)', background: 'rgb(0, 0, 0)' });
    expect(await ben.getByTestId('captions').getAttribute('data-position')).toBe('screen-bottom');
    await ben.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await ben.getByRole('button', { name: 'Ajustes de subtítulos' }).click();
    expect(await ben.getByRole('radio', { name: 'Amarillo sobre negro' }).isChecked()).toBe(true);
    expect(await accessibilityViolations(ben)).toEqual([]);
    await ben.getByRole('radio', { name: 'Blanco sobre negro' }).check();
    await ben.getByRole('radio', { name: 'Mediano' }).check();
    await ben.getByRole('radio', { name: 'Debajo del vídeo' }).check();
    await ben.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();
  });

  it('marks each caption line with the language the captioner chose, for screen readers and the recording', async () => {
    const language = captioner.getByRole('combobox', { name: 'Language of your captions' });
    // Their interface language until they choose.
    expect(await language.inputValue()).toBe('en');
    await language.selectOption('es');
    const input = captioner.getByRole('textbox', { name: 'Type captions' });
    expect(await input.getAttribute('lang')).toBe('es');
    await input.fill('Buenas noches y bienvenidos.');
    await input.press('Enter');
    const line = captionsLog(ben).getByText('Buenas noches y bienvenidos.');
    await line.waitFor();
    expect(await line.getAttribute('lang')).toBe('es');
    expect(await captionsLog(ben).getByText('First, the park budget.').getAttribute('lang')).toBe('en');
    // Remembered on the captioner's device.
    await captioner.reload();
    expect(await captioner.getByRole('combobox', { name: 'Language of your captions' }).inputValue()).toBe('es');
    expect(await accessibilityViolations(captioner)).toEqual([]);
  });
});
