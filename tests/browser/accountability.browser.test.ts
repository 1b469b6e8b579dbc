// The accountability page as people read it: after an ended town hall with questions on two
// topics, anyone opens /accountability from the header, reads the figures, opens a chart's table
// from the keyboard, picks another period, and reads it all in Spanish on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { monthIn } from '../../server/accountability/rules.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { accessibilityViolations, launchChromium, personPage, requireBuiltClient, screenshot } from '../support/browser.js';

describe('the accountability page in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  const month = monthIn(Date.now(), 'UTC');

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    const { questions, townHalls, topics } = server.stores;
    const traffic = await topics.add({ en: 'Traffic', es: 'Tráfico' });
    const parks = await topics.add({ en: 'Parks', es: 'Parques' });
    townHallId = (await server.townHall({ title: 'Northside Town Hall' })).id;
    const ask = (text: string, topicId: string | null) =>
      questions.addQuestion({ townHallId, authorId: 'r1', authorName: 'Ana', authorRole: null, anonymous: false, text, holdReason: null, filterHits: [], status: 'published', topicId });
    const a = await ask('When will the Elm Street light be fixed?', traffic.id);
    const b = await ask('Can we have more crossing guards?', traffic.id);
    await ask('Why is the park closed at night?', parks.id);
    await ask('What about noise at night?', null);
    await questions.setAnswerState(a.id, 'answered');
    await questions.setAnswerState(b.id, 'answered');
    await townHalls.transition(townHallId, 'live', 'ended', Date.now());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is reached from the header and shows the figures of the last twelve months', async () => {
    const page = await personPage(browser);
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accountability' }).click();
    await page.getByRole('heading', { level: 1, name: 'Accountability' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/accountability');
    const figures = page.getByTestId('figures');
    // 4 received: 2 answered live, 2 never answered (no follow-up yet): 50 %.
    await expect.poll(() => figures.textContent()).toMatch(/Town halls held\s*1/);
    expect(await figures.textContent()).toMatch(/Questions received\s*4/);
    expect(await figures.textContent()).toMatch(/Answered live\s*2/);
    expect(await figures.textContent()).toMatch(/Never answered\s*2/);
    expect(await figures.textContent()).toMatch(/Share answered\s*50%/);
    // Each chart is one image with a spoken summary.
    const chart = page.getByRole('img', { name: /Bar chart of questions by month/ });
    expect(await chart.getAttribute('aria-label')).toContain('2 answered live, 0 answered after the meeting, 2 never answered');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'accountability-desktop-en');
    await page.close();
  });

  it('opens a chart as a table from the keyboard', async () => {
    const page = await personPage(browser);
    await page.goto(`${server.url}/accountability?from=${month}&to=${month}`);
    const section = page.getByRole('region', { name: 'Questions by topic' });
    const disclosure = section.getByText('Show the figures as a table');
    await disclosure.waitFor();
    await disclosure.focus();
    await page.keyboard.press('Enter');
    const table = section.getByRole('table', { name: 'Questions by topic' });
    await table.waitFor();
    // Rows by topic in the department's order, no topic last; columns: live, after, never, total, share…
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^Traffic 2 0 0 2 100%/),
      expect.stringMatching(/^Parks 0 0 1 1 0%/),
      expect.stringMatching(/^No topic 0 0 1 1 0%/),
    ]);
    expect(await table.getByRole('columnheader', { name: 'Answered live' }).count()).toBe(1);
    expect(await table.getByRole('rowheader', { name: 'Traffic' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  });

  it('reads the period chosen in the picker, and says when a period cannot be shown', async () => {
    const page = await personPage(browser);
    await page.goto(`${server.url}/accountability`);
    await page.getByTestId('figures').waitFor();
    await page.getByLabel('From (month)').fill('2020-01');
    await page.getByLabel('To (month)').fill('2020-03');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(`${server.url}/accountability?from=2020-01&to=2020-03`);
    await expect.poll(() => page.getByTestId('period-shown').textContent()).toBe('Showing Jan 2020 to Mar 2020');
    await expect.poll(() => page.getByTestId('figures').textContent()).toMatch(/Questions received\s*0/);
    // The downloads follow the period.
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/v1/accountability.csv?from=2020-01&to=2020-03');

    await page.goto(`${server.url}/accountability?from=2026-05&to=2026-01`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This period cannot be shown');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.close();
  });

  it('reads in Spanish on a phone, and the record links to it and to its feed', async () => {
    const page = await personPage(browser, 390, 844);
    await page.addInitScript(() => localStorage.setItem('roundtable.language', 'es'));
    await page.goto(`${server.url}/accountability?from=${month}&to=${month}`);
    await page.getByRole('heading', { level: 1, name: 'Rendición de cuentas' }).waitFor();
    await expect.poll(() => page.getByTestId('figures').textContent()).toMatch(/Preguntas recibidas\s*4/);
    expect(await page.getByRole('img', { name: /Gráfico de barras de preguntas por tema/ }).count()).toBe(1);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'accountability-phone-es');

    await page.goto(`${server.url}/townhall/${townHallId}/record`);
    const link = page.getByRole('link', { name: 'El historial del departamento a lo largo del tiempo' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/accountability');
    const feed = page.getByRole('link', { name: 'Seguir esta reunión (canal Atom)' });
    expect(await feed.getAttribute('href')).toBe(`/townhalls/${townHallId}/feed.atom?lang=es`);
    // Feed readers find it from the page too.
    expect(await page.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')).toBe(`/townhalls/${townHallId}/feed.atom?lang=es`);
    const res = await page.request.get(`${server.url}${await feed.getAttribute('href')}`);
    expect(res.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
    await page.close();
  });
});
