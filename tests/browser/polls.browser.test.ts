// Polls as people run them: an officer drafts and launches each of the five kinds, two residents
// vote (one on a phone), and everyone sees the results as charts whose figures are also text.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  requireBuiltClient,
  SCREENSHOT_DIR,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const pollCard = (page: Page, question: string) => page.getByTestId('poll').filter({ hasText: question });

/** One poll's card on its own, to look at a chart closely. */
const cardShot = (page: Page, question: string, name: string) =>
  pollCard(page, question).screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });

interface Draft {
  kind: 'single' | 'multiple' | 'rating' | 'ranked' | 'wordcloud';
  question: string;
  options?: string[];
  maxChoices?: number;
  scale?: '5' | '10';
  visibility?: 'live' | 'on-close' | 'staff';
}

async function draftPoll(officer: Page, draft: Draft): Promise<void> {
  await officer.getByRole('combobox', { name: 'Kind of poll' }).selectOption(draft.kind);
  await officer.getByRole('textbox', { name: 'Question', exact: true }).fill(draft.question);
  const options = draft.options ?? [];
  for (let i = 0; i < options.length; i++) {
    if (i >= 2) await officer.getByRole('button', { name: 'Add an option' }).click();
    await officer.getByRole('textbox', { name: `Option ${i + 1}`, exact: true }).fill(options[i]!);
  }
  if (draft.maxChoices) await officer.getByRole('spinbutton', { name: 'Most options a person may choose' }).fill(String(draft.maxChoices));
  if (draft.scale) await officer.getByRole('combobox', { name: 'Scale' }).selectOption(draft.scale);
  if (draft.visibility) await officer.getByRole('radio', { name: { live: 'Results live', 'on-close': 'Results when closed', staff: 'Results for staff only' }[draft.visibility] }).check();
  await officer.getByRole('button', { name: 'Save draft' }).click();
  await officer.getByTestId('poll-drafts').getByText(draft.question).waitFor();
}

async function launch(officer: Page, question: string, timer?: string): Promise<void> {
  const card = pollCard(officer, question);
  if (timer) await card.getByRole('combobox', { name: 'Close automatically after' }).selectOption({ label: timer });
  await card.getByRole('button', { name: 'Launch poll' }).click();
  await expect.poll(() => card.getByRole('button', { name: 'Close now' }).count()).toBe(1);
}

async function vote(page: Page, question: string, fill: (card: ReturnType<typeof pollCard>) => Promise<void>): Promise<void> {
  const card = pollCard(page, question);
  await fill(card);
  await card.getByRole('button', { name: /^(Vote|Send answer)$/ }).click();
  await expect.poll(() => card.getByRole('status').textContent()).toMatch(/Your (vote is counted|answer is in)/);
}

describe('polls in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), tallyIntervalMs: 100 });
    const host = await server.app.identity.createStaff({ username: 'pollofficer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Okafor' });
    const { id } = await server.townHall({ title: 'Eastside Town Hall', description: 'Polls night.', hosts: [{ id: host.id, displayName: host.displayName }] });
    townHallUrl = `${server.url}/townhall/${id}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs all five kinds of poll from draft to results, with the figures as text', async () => {
    const officer = await personPage(browser);
    const alice = await personPage(browser);
    const bob = await personPage(browser, 390, 844);
    for (const page of [officer, alice, bob]) page.setDefaultTimeout(10_000);
    await signInAsStaff(officer, server.url, 'pollofficer', new URL(townHallUrl).pathname);
    await Promise.all([joinTownHall(alice, townHallUrl, 'Alice'), joinTownHall(bob, townHallUrl, 'Bob')]);

    const single = 'Which park needs more patrols?';
    const multiple = 'Which topics should we cover next month?';
    const rating = 'How safe do you feel walking at night?';
    const ranked = 'Rank the budget priorities';
    const cloud = 'One word for our neighbourhood';

    await officer.getByRole('button', { name: 'New poll' }).click();
    await draftPoll(officer, { kind: 'single', question: single, options: ['Riverside Park', 'Oak Park', 'Mill Green'] });
    await screenshot(officer, 'polls-officer-new-poll');
    await draftPoll(officer, { kind: 'multiple', question: multiple, options: ['Traffic', 'Burglary', 'Youth programs', 'Noise'], maxChoices: 2 });
    await draftPoll(officer, { kind: 'rating', question: rating, scale: '5', visibility: 'on-close' });
    await draftPoll(officer, { kind: 'ranked', question: ranked, options: ['Foot patrols', 'Street lighting', 'Youth outreach'] });
    await draftPoll(officer, { kind: 'wordcloud', question: cloud });
    // Residents never see drafts.
    expect(await alice.getByTestId('poll').count()).toBe(0);

    for (const q of [single, multiple, rating, ranked]) await launch(officer, q);
    await launch(officer, cloud, '5 min');
    await expect.poll(() => pollCard(officer, cloud).getByTestId('poll-countdown').textContent()).toMatch(/Closes in (4|5) min/);
    await expect.poll(() => bob.getByTestId('poll').count()).toBe(5);
    await expect.poll(() => alice.getByTestId('poll-announcer').textContent()).toContain('A poll has opened');
    await screenshot(bob, 'polls-resident-phone-open');
    await cardShot(bob, ranked, 'polls-card-ranked-ballot-phone');
    await cardShot(bob, rating, 'polls-card-rating-ballot-phone');
    expect(await accessibilityViolations(alice)).toEqual([]);
    expect(await accessibilityViolations(officer)).toEqual([]);

    // Alice and Bob vote in each.
    await vote(alice, single, (c) => c.getByRole('radio', { name: 'Riverside Park' }).check());
    await vote(bob, single, (c) => c.getByRole('radio', { name: 'Riverside Park' }).check());
    await vote(alice, multiple, async (c) => {
      await c.getByRole('checkbox', { name: 'Traffic' }).check();
      await c.getByRole('checkbox', { name: 'Noise' }).check();
      // A third choice is refused with a message, and the counter stays at the maximum.
      await c.getByRole('checkbox', { name: 'Burglary' }).click();
      await expect.poll(() => c.getByRole('alert').filter({ hasText: 'up to 2 options' }).count()).toBe(1);
      expect(await c.getByRole('checkbox', { name: 'Burglary' }).isChecked()).toBe(false);
      expect(await c.getByText('2 of 2 chosen').count()).toBe(1);
    });
    await vote(bob, multiple, (c) => c.getByRole('checkbox', { name: 'Traffic' }).check());
    await vote(alice, rating, (c) => c.getByRole('radio', { name: '4' }).check());
    await vote(bob, rating, (c) => c.getByRole('radio', { name: '2' }).check());
    await vote(alice, ranked, async (c) => {
      await c.getByRole('button', { name: 'Add Street lighting to your ranking' }).click();
      await c.getByRole('button', { name: 'Add Foot patrols to your ranking' }).click();
      // Keyboard only: focus the move button and press Enter.
      await c.getByRole('button', { name: 'Move Foot patrols up' }).focus();
      await alice.keyboard.press('Enter');
      await expect.poll(() => c.getByRole('list', { name: 'Your ranking' }).textContent()).toMatch(/Foot patrols[\s\S]*Street lighting/);
      await cardShot(alice, ranked, 'polls-card-ranked-ballot');
    });
    await screenshot(alice, 'polls-resident-voted');
    await vote(bob, ranked, async (c) => {
      await c.getByRole('button', { name: 'Add Youth outreach to your ranking' }).click();
      await c.getByRole('button', { name: 'Add Street lighting to your ranking' }).click();
    });
    await vote(alice, cloud, (c) => c.getByRole('textbox', { name: 'Your answer' }).fill('friendly'));
    await vote(bob, cloud, (c) => c.getByRole('textbox', { name: 'Your answer' }).fill('Friendly'));

    // Live results: the counts are text in the chart, on every screen that may see them.
    await expect.poll(() => pollCard(bob, single).locator('svg').textContent()).toContain('2 (100%)');
    await expect.poll(() => pollCard(officer, multiple).locator('svg').textContent()).toMatch(/Traffic[\s\S]*2 \(100%\)/);
    await expect.poll(() => pollCard(officer, ranked).textContent()).toContain('Round 1');
    // The rating's results wait for the close, except for staff.
    expect(await pollCard(alice, rating).textContent()).toContain('Results will be shown when the poll closes.');
    await expect.poll(() => pollCard(officer, rating).textContent()).toContain('Average: 3 out of 5');
    await expect.poll(() => pollCard(alice, cloud).textContent()).toMatch(/friendly\s*2/i);

    // The table alternative carries the same figures.
    await pollCard(alice, single).getByRole('button', { name: 'Show as table' }).click();
    const row = pollCard(alice, single).getByRole('row', { name: /Riverside Park/ });
    await expect.poll(() => row.textContent()).toMatch(/Riverside Park\s*2\s*100%/);

    // Closing: residents hear it once, and the on-close results appear.
    for (const q of [single, multiple, rating, ranked, cloud]) {
      await pollCard(officer, q).getByRole('button', { name: 'Close now' }).click();
      await expect.poll(() => pollCard(officer, q).getByRole('button', { name: 'Close now' }).count()).toBe(0);
    }
    await expect.poll(() => alice.getByTestId('poll-announcer').textContent()).toMatch(/^Poll closed: .*Results are shown\.$/);
    await expect.poll(() => pollCard(alice, rating).textContent()).toContain('Average: 3 out of 5');
    await expect.poll(() => pollCard(bob, ranked).textContent()).toContain('Instant-runoff rounds');
    await screenshot(alice, 'polls-resident-results');
    await screenshot(bob, 'polls-resident-phone-results');
    await screenshot(officer, 'polls-officer-results');
    await cardShot(bob, ranked, 'polls-card-ranked-results-phone');
    await cardShot(alice, multiple, 'polls-card-multiple-results');
    await cardShot(alice, rating, 'polls-card-rating-results');
    await cardShot(alice, cloud, 'polls-card-cloud-results');
    expect(await accessibilityViolations(alice)).toEqual([]);
    expect(await accessibilityViolations(bob)).toEqual([]);

    // The same results in Spanish.
    await bob.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => bob.getByRole('heading', { name: 'Encuestas' }).count()).toBe(1);
    await expect.poll(() => pollCard(bob, ranked).textContent()).toContain('Rondas de segunda vuelta instantánea');
    await screenshot(bob, 'polls-resident-phone-results-es');
    expect(await accessibilityViolations(bob)).toEqual([]);
  }, 120_000);
});
