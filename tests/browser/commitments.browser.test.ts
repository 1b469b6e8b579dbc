// Commitments as people use them: an officer records one on the record page of their town hall,
// linked to a question, and moves it planned → in progress → done; anyone reads the public
// commitments page with its dated updates, filters it by status and topic (kept in the address)
// and sees an overdue one flagged in words. axe-clean in English and Spanish, phone and desktop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Topic } from '../../shared/topics.js';
import type { Unit } from '../../shared/followups.js';
import { dayOf } from '../../server/commitments/rules.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';
import { accessibilityViolations, launchChromium, personPage, requireBuiltClient, screenshot, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';

const DAY = 24 * 3600 * 1000;
const COMMITMENT = 'Extra patrols on Elm Street on weekdays, 7–9 am, for six weeks';
const OTHER = 'Publish the quarterly burglary map online';

describe('commitments in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let clock = Date.now();
  let townHallId: string;
  let admin: Session;
  let traffic: Topic;
  let patrol: Unit;
  let officer: Page;

  const post = async (path: string, body: unknown, session: Session) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: session.cookie },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), now: () => clock });
    admin = await server.staff('admin', 'Admin Ada');
    await server.app.identity.createStaff({ username: 'cmtofficer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Kim' });
    const kim = (await server.app.identity.listStaff()).find((s) => s.username === 'cmtofficer')!;
    patrol = (await post('/admin/units', { en: 'Patrol', es: 'Patrulla' }, admin)).unit as Unit;
    traffic = (await post('/admin/topics', { en: 'Traffic', es: 'Tráfico' }, admin)).topic as Topic;
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: kim.id, displayName: 'Sgt. Kim' }] })).id;
    const ask = async (text: string, topicId?: string) => {
      const s = await server.connect(await server.guest('Resident'));
      unwrap(await command(s, 'townhall:join', { townHallId }));
      unwrap(await command(s, 'qa:ask', { townHallId, text, ...(topicId ? { topicId } : {}) }));
    };
    await ask('Cars speed on Elm Street every morning. Can you help?', traffic.id);
    await ask('Will the station open on Sundays?');
    await server.app.townHalls.end(townHallId, (await server.app.identity.sessionUser(kim.id))!);
    browser = await launchChromium();
    officer = await personPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets the host record a commitment on the record page, linked to a question', async () => {
    await signInAsStaff(officer, server.url, 'cmtofficer', `/townhall/${townHallId}/record`);
    const form = officer.getByRole('form', { name: 'Record a commitment' });
    await form.waitFor();
    // Refused in the page first: nothing is sent without a text, a unit and a due date.
    await form.getByRole('button', { name: 'Record commitment' }).click();
    await expect.poll(() => form.getByText('Choose the unit that owns it.').count()).toBe(1);
    await form.getByLabel('What the department will do').fill(COMMITMENT);
    await form.getByLabel('Owning unit').selectOption({ label: 'Patrol' });
    await form.getByLabel('Due date').fill(dayOf(clock + 30 * DAY));
    await form.getByRole('checkbox', { name: 'Cars speed on Elm Street every morning. Can you help?' }).check();
    await form.getByRole('button', { name: 'Record commitment' }).click();
    await form.getByText('Commitment recorded.').waitFor();
    const section = officer.getByTestId('record-commitments');
    await section.getByRole('heading', { name: COMMITMENT }).waitFor();
    expect(await section.getByTestId('commitment-status').textContent()).toContain('Planned');
    expect(await section.textContent()).toContain('Owner: Patrol');
    expect(await accessibilityViolations(officer)).toEqual([]);
    await screenshot(officer, 'commitments-record-desktop');
  });

  it('moves it to in progress and then to done with dated updates, from the keyboard', async () => {
    await officer.goto(`${server.url}/commitments`);
    const card = officer.getByTestId('commitment').filter({ hasText: COMMITMENT });
    await card.waitFor();
    const move = async (status: string, text: string) => {
      // The form stays open after a post; open it only when it is closed.
      if (!(await card.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) {
        await card.getByText('Post an update').focus();
        await officer.keyboard.press('Enter');
      }
      await card.getByLabel('Change the status').selectOption({ label: status });
      await card.getByLabel('Update (public)').focus();
      await officer.keyboard.type(text);
      await officer.keyboard.press('Tab');
      await officer.keyboard.press('Enter');
      await expect.poll(() => card.getByTestId('commitment-status').textContent()).toContain(status);
    };
    await move('In progress', 'Patrols start on Monday.');
    clock += 3 * DAY;
    await move('Done', 'Six weeks of patrols completed.');
    const updates = card.getByTestId('commitment-updates').getByRole('listitem');
    await expect.poll(() => updates.count()).toBe(2);
    expect(await updates.nth(0).textContent()).toContain('Patrols start on Monday.');
    expect(await updates.nth(1).textContent()).toContain('Moved to Done');
    // Done is final: only notes remain possible.
    await expect.poll(() => card.getByLabel('Change the status').count()).toBe(0);
  });

  // Generous timeouts: axe and Chromium share two cores with the rest of the machine.
  it('shows everyone the commitments with their dated updates, flags the overdue one in words, and filters', async () => {
    // A second commitment, due tomorrow, then the clock passes its day.
    const kimSession = await server.staff('officer', 'Ofc. Lee');
    await post('/commitments', { text: OTHER, unitId: patrol.id, dueDate: dayOf(clock + DAY) }, kimSession);
    clock += 2 * DAY;

    const resident = await personPage(browser, 390, 844);
    await resident.goto(`${server.url}/commitments`);
    await resident.getByRole('heading', { level: 1, name: 'Commitments' }).waitFor();
    const done = resident.getByTestId('commitment').filter({ hasText: COMMITMENT });
    const overdue = resident.getByTestId('commitment').filter({ hasText: OTHER });
    await done.waitFor();
    expect(await done.textContent()).toContain('Cars speed on Elm Street every morning. Can you help?');
    expect(await done.getByTestId('commitment-updates').getByRole('listitem').count()).toBe(2);
    expect(await done.getByTestId('commitment-overdue').count()).toBe(0);
    expect(await overdue.getByTestId('commitment-overdue').textContent()).toContain('Overdue: due');
    // The public page offers no forms.
    expect(await resident.getByText('Post an update').count()).toBe(0);
    expect(await resident.getByRole('form', { name: 'Record a commitment' }).count()).toBe(0);
    expect(await accessibilityViolations(resident)).toEqual([]);
    await screenshot(resident, 'commitments-phone-en');

    await resident.getByLabel('Status').selectOption({ label: 'Done' });
    await resident.getByRole('button', { name: 'Show' }).click();
    await resident.waitForURL(/\/commitments\?status=done$/);
    await expect.poll(() => resident.getByTestId('commitment').count()).toBe(1);
    expect(await resident.getByTestId('commitment').textContent()).toContain(COMMITMENT);

    await resident.goto(`${server.url}/commitments?topic=${traffic.id}`);
    await expect.poll(() => resident.getByTestId('commitment').count()).toBe(1);
    expect(await resident.getByLabel('Topic').inputValue()).toBe(traffic.id);

    await resident.goto(`${server.url}/commitments?status=planned`);
    await expect.poll(() => resident.getByTestId('commitment').count()).toBe(1);
    expect(await resident.getByTestId('commitment').textContent()).toContain(OTHER);
    // Back to the unfiltered list through history, as the address keeps the filter.
    await resident.goBack();
    await expect.poll(() => resident.getByTestId('commitment').count()).toBe(1);
    expect(await resident.getByTestId('commitment').textContent()).toContain(COMMITMENT);
  });

  it('reads in Spanish, axe-clean on desktop and phone', async () => {
    for (const [width, height, name] of [
      [1280, 900, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      const page = await personPage(browser, width, height);
      await page.goto(server.url);
      await page.evaluate(() => localStorage.setItem('roundtable.language', 'es'));
      await page.goto(`${server.url}/commitments`);
      await page.getByRole('heading', { level: 1, name: 'Compromisos' }).waitFor();
      await expect.poll(() => page.getByTestId('commitment').count()).toBe(2);
      expect(await page.getByTestId('commitment-overdue').textContent()).toContain('Con retraso');
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `commitments-${name}-es`);
    }
  }, 90_000);

  it("keeps the officer's page with its forms axe-clean", async () => {
    await officer.goto(`${server.url}/commitments`);
    await officer.getByRole('form', { name: 'Record a commitment' }).waitFor();
    expect(await accessibilityViolations(officer)).toEqual([]);
    await screenshot(officer, 'commitments-officer-desktop');
  }, 60_000);

  it('links the page from the site header and from the record page', async () => {
    const page = await personPage(browser);
    await page.goto(`${server.url}/townhall/${townHallId}/record`);
    await page.getByRole('link', { name: "All the department's commitments" }).click();
    await page.waitForURL(`${server.url}/commitments`);
    await page.goto(server.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Commitments' }).click();
    await page.getByRole('heading', { level: 1, name: 'Commitments' }).waitFor();
  });
});
