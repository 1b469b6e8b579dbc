// Similar questions while typing, topics, and sorting, as people use them in Debian's Chromium:
// residents on desktop and phone widths, in English and Spanish, a host refiling a question.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Topic } from '../../shared/topics.js';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';
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

describe('similar questions, topics and sorting in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let townHallUrl: string;
  let traffic: Topic;
  let youth: Topic;
  const ids: Record<string, string> = {};

  const ELM = 'When will you add more patrols on Elm Street?';
  const OLMO = '¿Cuándo habrá más patrullas en la calle Olmo?';
  const YOUTH = 'Is there a youth program at the community centre this summer?';
  const LIGHTS = 'Can you fix the broken street lights on Oak Street?';

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), tallyIntervalMs: 100 });
    traffic = await server.stores.topics.add({ en: 'Traffic', es: 'Tráfico' });
    youth = await server.stores.topics.add({ en: 'Youth', es: 'Jóvenes' });
    const host = await server.app.identity.createStaff({ username: 'officer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Reyes' });
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: host.id, displayName: host.displayName }] })).id;
    townHallUrl = `${server.url}/townhall/${townHallId}`;
    // One asker per question (asking is limited to one every 15 seconds), oldest first.
    const ask = async (key: string, text: string, topicId?: string) => {
      const socket = await server.connect(await server.guest(`Asker ${key}`));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      ids[key] = unwrap(await command(socket, 'qa:ask', { townHallId, text, ...(topicId ? { topicId } : {}) })).id;
    };
    await ask('elm', ELM, traffic.id);
    await ask('olmo', OLMO, traffic.id);
    await ask('youth', YOUTH, youth.id);
    await ask('lights', LIGHTS, traffic.id);
    const admin = await server.connect(await server.staff('admin'));
    unwrap(await command(admin, 'townhall:join', { townHallId }));
    unwrap(await command(admin, 'qa:answer', { questionId: ids.lights!, text: 'The city replaces them next week.' }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const votesOf = async (id: string) => (await server.stores.questions.getQuestion(id))?.votes;
  const listed = (page: Page) => page.getByTestId('questions').getByTestId('question');

  it('offers a question already asked while a resident types, and upvotes it instead', async () => {
    const page = await personPage(browser);
    await joinTownHall(page, townHallUrl, 'Dana');
    const box = page.getByRole('textbox', { name: 'Your question' });
    await box.pressSequentially('Are there going to be more patrols in Elm St?', { delay: 15 });
    const suggestions = page.getByTestId('similar-questions');
    await expect.poll(() => suggestions.textContent(), { timeout: 5000 }).toContain(ELM);
    await expect.poll(() => page.getByTestId('similar-announcer').textContent()).toBe('1 similar question already asked');
    await screenshot(page, 'similar-en');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The suggestion is the next stop after the question box.
    await box.focus();
    await page.keyboard.press('Tab');
    const upvote = suggestions.getByRole('button', { name: 'Upvote this instead' });
    await expect.poll(() => upvote.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');

    await expect.poll(() => votesOf(ids.elm!)).toBe(1);
    await expect.poll(() => box.inputValue()).toBe('');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => suggestions.count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: 'Upvoted.' }).count()).toBe(1);
    await expect.poll(() => questionCard(page, ELM).getByRole('button', { name: /^Upvote/ }).getAttribute('aria-pressed')).toBe('true');
    // Nothing new was asked.
    expect((await server.stores.questions.listVisible(townHallId)).length).toBe(4);
  });

  it('offers Spanish questions to a Spanish draft on a phone, and stays accessible', async () => {
    const page = await personPage(browser, 390, 844);
    await joinTownHall(page, townHallUrl, 'Lucía');
    await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    await page.locator('#ask-text').pressSequentially('¿Van a poner más patrullas en la calle Olmo?', { delay: 15 });
    const suggestions = page.getByTestId('similar-questions');
    await expect.poll(() => suggestions.textContent(), { timeout: 5000 }).toContain(OLMO);
    expect(await suggestions.getByRole('button', { name: 'Votar por esta en su lugar' }).count()).toBe(1);
    await screenshot(page, 'similar-es-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('files a new question under the topic its asker picks', async () => {
    const page = await personPage(browser);
    await joinTownHall(page, townHallUrl, 'Eli');
    await page.getByRole('textbox', { name: 'Your question' }).fill('Will the skate park get lights?');
    await page.getByRole('combobox', { name: 'Topic (optional)' }).selectOption({ label: 'Youth' });
    await page.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(async () => (await server.stores.questions.listVisible(townHallId)).find((q) => q.text === 'Will the skate park get lights?')?.topicId).toBe(youth.id);
  });

  it('filters by topic and sorts by popular, recent and answered, keeping keyboard use', async () => {
    const page = await personPage(browser);
    await joinTownHall(page, townHallUrl, 'Fran');
    await expect.poll(() => listed(page).count()).toBe(4);
    // Popular: the upvoted Elm question leads.
    expect(await listed(page).first().textContent()).toContain(ELM);

    await page.getByRole('radio', { name: 'Recent' }).check();
    await expect.poll(() => listed(page).first().textContent()).toContain('Will the skate park get lights?');
    expect(await page.getByRole('radio', { name: 'Recent' }).evaluate((el) => el === document.activeElement)).toBe(true);

    await page.getByRole('combobox', { name: 'Show topic' }).selectOption({ label: 'Youth' });
    await expect.poll(() => listed(page).allTextContents()).toEqual([
      expect.stringContaining('Will the skate park get lights?'),
      expect.stringContaining(YOUTH),
    ]);

    await page.getByRole('combobox', { name: 'Show topic' }).selectOption({ label: 'All topics' });
    await page.getByRole('radio', { name: 'Answered' }).check();
    await expect.poll(() => listed(page).allTextContents()).toEqual([expect.stringContaining(LIGHTS)]);
    expect(await page.getByRole('heading', { name: /Answered questions/ }).count()).toBe(1);
    // The sort is a radio group: arrow keys move through it.
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('radio', { name: 'Recent' }).isChecked()).toBe(true);
    await screenshot(page, 'qa-sort-filter');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('lets the host refile a question, and residents see its new topic', async () => {
    const resident = await personPage(browser);
    await joinTownHall(resident, townHallUrl, 'Gabe');
    const host = await personPage(browser);
    await signInAsStaff(host, server.url, 'officer', new URL(townHallUrl).pathname);
    const picker = host.getByRole('combobox', { name: 'Topic of this question' }).and(host.locator(`#topic-of-${ids.olmo}`));
    await picker.selectOption({ label: 'Youth' });
    await expect.poll(async () => (await server.stores.questions.getQuestion(ids.olmo!))?.topicId).toBe(youth.id);
    const item = resident.getByTestId('questions').locator('li', { has: questionCard(resident, OLMO) });
    await expect.poll(() => item.textContent()).toContain('Topic: Youth');
    expect(await accessibilityViolations(host)).toEqual([]);
    await screenshot(host, 'topic-host');
  });

  it('shows the topic of each question in the public record, in both languages', async () => {
    const ended = (await server.townHall({ title: 'Westside Town Hall' })).id;
    const asker = await server.connect(await server.guest('Record asker'));
    unwrap(await command(asker, 'townhall:join', { townHallId: ended }));
    unwrap(await command(asker, 'qa:ask', { townHallId: ended, text: 'Speed bumps on Walnut Street?', topicId: traffic.id }));
    await server.app.townHalls.end(ended, (await server.staff('admin')).me);
    const page = await personPage(browser);
    await page.goto(`${server.url}/townhall/${ended}/record`);
    const item = page.getByTestId('record-question').filter({ hasText: 'Speed bumps on Walnut Street?' });
    await expect.poll(() => item.getByTestId('record-topic').textContent()).toBe('Topic: Traffic');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => item.getByTestId('record-topic').textContent()).toBe('Tema: Tráfico');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('lets an admin add and retire topics from the admin page, in English and Spanish', async () => {
    await server.app.identity.createStaff({ username: 'admin2', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Two' });
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'admin2', '/admin');
    const settings = page.getByTestId('topic-settings');
    await settings.getByRole('textbox', { name: 'Name in English' }).last().fill('Noise');
    await settings.getByRole('textbox', { name: 'Name in Spanish' }).last().fill('Ruido');
    await settings.getByRole('button', { name: 'Add topic' }).click();
    await expect.poll(async () => (await server.stores.topics.list()).map((t) => t.name.es)).toContain('Ruido');
    // Topics are listed in the order they were added: the new one is last.
    await expect.poll(() => settings.getByRole('listitem').count()).toBe(3);
    await settings.getByRole('listitem').last().getByRole('button', { name: 'Retire' }).click();
    await expect.poll(async () => (await server.stores.topics.list()).find((t) => t.name.en === 'Noise')?.retired).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => settings.getByRole('heading').first().textContent()).toBe('Temas de las preguntas');
    await screenshot(page, 'topics-admin-es');
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
