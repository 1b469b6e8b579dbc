// A host folds duplicate questions into one, in Debian's Chromium: residents' screens follow at
// once ("Also asked by N people"), an asker finds where their question went, and the host can
// undo it. Every screen involved is checked with axe in English and Spanish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  questionCard as card,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('merging duplicate questions in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;
  let hostUser: { id: string; role: 'officer'; displayName: string };

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), tallyIntervalMs: 100 });
    const host = await server.app.identity.createStaff({ username: 'host', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Reyes' });
    hostUser = { id: host.id, role: 'officer', displayName: host.displayName };
    const { id } = await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: host.id, displayName: host.displayName }] });
    townHallUrl = `${server.url}/townhall/${id}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function asks(page: Page, text: string) {
    await page.getByRole('textbox', { name: 'Your question' }).fill(text);
    await page.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => card(page, text).count()).toBe(1);
  }

  it('folds two questions into one on every screen, tells their askers where they went, and undoes it', async () => {
    const [ann, ben, cat, host] = await Promise.all([personPage(browser), personPage(browser, 390, 844), personPage(browser), personPage(browser)]);
    await Promise.all([joinTownHall(ann, townHallUrl, 'Ann'), joinTownHall(ben, townHallUrl, 'Ben'), joinTownHall(cat, townHallUrl, 'Cat')]);
    await signInAsStaff(host, server.url, 'host', new URL(townHallUrl).pathname);

    const target = 'Why were the Elm Street patrols cut?';
    const dupe1 = 'Where did the patrols on Elm Street go?';
    const dupe2 = 'Elm St patrols: why are there fewer?';
    await asks(ann, target);
    await asks(ben, dupe1);
    await asks(cat, dupe2);
    // Ann backs Ben's question too, and Cat backs Ann's: after the merge each counts once.
    await expect.poll(() => card(ann, dupe1).count()).toBe(1);
    await card(ann, dupe1).getByRole('button', { name: /^Upvote/ }).click();
    await expect.poll(() => card(cat, target).count()).toBe(1);
    await card(cat, target).getByRole('button', { name: /^Upvote/ }).click();
    await expect.poll(() => card(host, dupe2).count()).toBe(1);

    // The host opens the merge on Ann's question and picks the two duplicates.
    await card(host, target).getByRole('button', { name: 'Merge duplicates…' }).click();
    const chooser = card(host, target).getByRole('group', { name: 'Questions that ask the same as this one' });
    await chooser.getByRole('checkbox', { name: dupe1 }).check();
    await chooser.getByRole('checkbox', { name: dupe2 }).check();
    await screenshot(host, 'merge-host-choosing');
    expect(await accessibilityViolations(host)).toEqual([]);
    await card(host, target).getByRole('button', { name: 'Merge into this question' }).click();

    // Every screen: the duplicates leave, the survivor says who else asked, votes count once.
    const listed = (page: Page) => page.locator('[data-testid=question] p.text').allTextContents();
    for (const page of [ann, ben, cat, host]) {
      await expect.poll(() => card(page, target).getByTestId('also-asked').textContent()).toBe('Also asked by 2 people');
      await expect.poll(() => listed(page)).toEqual([target]);
    }
    await expect.poll(() => card(ann, target).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-label')).toBe('Upvote: 2 votes');
    // Ann's vote for Ben's question is now her support for the survivor.
    await expect.poll(() => card(ann, target).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => card(host, target).textContent()).toContain('Merged into this question');

    // Ben finds his question, a link to where it went, and a notice.
    const mine = ben.getByTestId('my-merged');
    await expect.poll(() => mine.textContent()).toContain(dupe1);
    await expect.poll(() => ben.getByTestId('notice-alert').textContent()).toContain('Your question was merged into a similar one');
    await mine.getByRole('link', { name: target }).click();
    await expect.poll(() => ben.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('question');
    await expect.poll(() => ben.evaluate(() => document.activeElement?.textContent ?? '')).toContain(target);
    await screenshot(ben, 'merge-asker-phone');
    await screenshot(ann, 'merge-resident');
    expect(await accessibilityViolations(ben)).toEqual([]);
    expect(await accessibilityViolations(ann)).toEqual([]);
    expect(await accessibilityViolations(host)).toEqual([]);

    // In Spanish, the same screens read in Spanish and stay clean.
    for (const page of [ben, host]) {
      await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    }
    await expect.poll(() => card(ben, target).getByTestId('also-asked').textContent()).toBe('También lo preguntaron 2 personas');
    await expect.poll(() => ben.getByTestId('my-merged').textContent()).toContain('Sus preguntas unidas a otras');
    await expect.poll(() => card(host, target).textContent()).toContain('Unidas a esta pregunta');
    await screenshot(ben, 'merge-asker-phone-es');
    await screenshot(host, 'merge-host-es');
    expect(await accessibilityViolations(ben)).toEqual([]);
    expect(await accessibilityViolations(host)).toEqual([]);

    // The host undoes one merge: Ben's question is back with its own vote on every screen.
    await card(host, target).getByRole('button', { name: `Deshacer la unión de «${dupe1}»` }).click();
    await expect.poll(() => card(ann, dupe1).count()).toBe(1);
    await expect.poll(() => card(ann, target).getByTestId('also-asked').textContent()).toBe('Also asked by 1 person');
    await expect.poll(() => card(ann, dupe1).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => card(ann, target).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => ben.getByTestId('my-merged').count()).toBe(0);
    await expect.poll(() => card(ben, dupe1).count()).toBe(1);

    // Once the event ends, the public record lists the survivor with what was merged into it.
    const townHallId = new URL(townHallUrl).pathname.split('/').pop()!;
    await server.app.townHalls.end(townHallId, hostUser);
    await ann.goto(`${townHallUrl}/record`);
    const survivor = ann.getByTestId('record-question').filter({ hasText: target });
    await expect.poll(() => survivor.getByTestId('record-merged').textContent()).toBe('1 similar question merged in');
    await expect.poll(() => survivor.textContent()).toContain('Also asked by 1 person');
    await screenshot(ann, 'merge-record');
    expect(await accessibilityViolations(ann)).toEqual([]);
  });
});
