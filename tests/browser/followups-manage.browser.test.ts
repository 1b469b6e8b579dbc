// Managing follow-ups as people do it: an admin puts officers in units on the admin page; a host
// of the town hall assigns a follow-up to an officer and a unit from the worklist, and records a
// commitment from the same item with its question linked; an officer who is not a host sees who
// has it but no controls to reassign. Keyboard-operable, axe-clean in English and Spanish, phone
// and desktop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Unit } from '../../shared/followups.js';
import { dayOf } from '../../server/commitments/rules.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';
import { accessibilityViolations, launchChromium, personPage, requireBuiltClient, screenshot, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';

const DAY = 24 * 3600 * 1000;
const LIGHTS = 'When will the Elm Street lights be fixed?';
const NOISE = 'Who do I call about the noise on 5th at night?';
const COMMITMENT = 'Replace the Elm Street lights by the end of the month';

describe('managing follow-ups in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const clock = Date.now();
  let admin: Session;
  let patrol: Unit;
  let traffic: Unit;
  let townHallId: string;
  const ids = { kim: '', lee: '', lights: '', noise: '' };

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  };
  /** Presses Enter on a control reached by focus, as a keyboard user would. */
  const press = async (control: Locator) => {
    await control.focus();
    await control.press('Enter');
  };
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() || document.activeElement?.id || null);
  const item = (page: Page, text: string) => page.getByTestId('worklist-item').filter({ hasText: text });
  const allFollowUps = async (page: Page, all = 'All') => {
    await page.getByRole('radio', { name: all, exact: true }).check();
    await expect.poll(() => page.getByTestId('worklist-item').count()).toBe(2);
  };

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), now: () => clock });
    admin = await server.staff('admin', 'Admin Ada');
    for (const [username, displayName] of [
      ['fuhostkim', 'Sgt. Kim'],
      ['fulee', 'Ofc. Lee'],
      ['fuadmin', 'Admin Bo'],
    ] as const) {
      await server.app.identity.createStaff({ username, password: STAFF_PASSWORD, role: username === 'fuadmin' ? 'admin' : 'officer', displayName });
    }
    const staff = await server.app.identity.listStaff();
    ids.kim = staff.find((s) => s.displayName === 'Sgt. Kim')!.id;
    ids.lee = staff.find((s) => s.displayName === 'Ofc. Lee')!.id;
    patrol = (await post('/admin/units', { en: 'Patrol', es: 'Patrulla' })).unit as Unit;
    traffic = (await post('/admin/units', { en: 'Traffic', es: 'Tráfico' })).unit as Unit;
    const harbor = (await post('/admin/units', { en: 'Harbor', es: 'Puerto' })).unit as Unit;
    const retired = await fetch(`${server.url}/api/admin/units/${harbor.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie },
      body: JSON.stringify({ retired: true }),
    });
    expect(retired.status).toBe(200);
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: ids.kim, displayName: 'Sgt. Kim' }] })).id;
    for (const [name, text] of [
      ['Resident One', LIGHTS],
      ['Resident Two', NOISE],
    ]) {
      const socket = await server.connect(await server.guest(name!));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      ids[text === LIGHTS ? 'lights' : 'noise'] = unwrap(await command(socket, 'qa:ask', { townHallId, text: text! })).id;
    }
    // The end enters the questions not reached; wait until both are in the queue.
    const entered = new Promise<void>((resolve) => {
      let count = 0;
      const off = server.app.followUps.onChange((change) => {
        if (change.event.kind === 'entered' && ++count === 2) (off(), resolve());
      });
    });
    await server.app.townHalls.end(townHallId, (await server.app.identity.sessionUser(ids.kim))!);
    await entered;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lets an admin put a staff member in a unit from the keyboard, and take them out', async () => {
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'fuadmin', '/admin');
    const unit = page.getByLabel('Unit for Ofc. Lee');
    await unit.waitFor();
    expect(await unit.inputValue()).toBe('');
    // The retired unit is not offered.
    expect(await unit.locator('option').allTextContents()).toEqual(['No unit', 'Patrol', 'Traffic']);
    await unit.focus();
    await unit.selectOption({ label: 'Patrol' });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Save unit');
    await page.keyboard.press('Enter');
    const lee = page.getByRole('listitem').filter({ hasText: 'Ofc. Lee' });
    await lee.getByRole('status').filter({ hasText: 'Ofc. Lee is now in Patrol.' }).waitFor();
    expect((await server.app.identity.listStaff()).find((s) => s.id === ids.lee)?.unitId).toBe(patrol.id);

    // Sgt. Kim into Traffic and out again: the choice is saved only with the button.
    const kim = page.getByLabel('Unit for Sgt. Kim');
    await kim.selectOption({ label: 'Traffic' });
    expect((await server.app.identity.listStaff()).find((s) => s.id === ids.kim)?.unitId).toBeNull();
    await press(page.getByRole('listitem').filter({ hasText: 'Sgt. Kim' }).getByRole('button', { name: 'Save unit' }));
    await expect.poll(async () => (await server.app.identity.listStaff()).find((s) => s.id === ids.kim)?.unitId).toBe(traffic.id);
    await kim.selectOption({ label: 'No unit' });
    await press(page.getByRole('listitem').filter({ hasText: 'Sgt. Kim' }).getByRole('button', { name: 'Save unit' }));
    await page.getByText('Sgt. Kim is in no unit now.').waitFor();
    expect((await server.app.identity.listStaff()).find((s) => s.id === ids.kim)?.unitId).toBeNull();

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'followups-admin-units-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'followups-admin-units-phone');
  }, 60_000);

  it('lets a host assign a follow-up to an officer and a unit from the keyboard, and shows both', async () => {
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'fuhostkim', '/followups');
    await allFollowUps(page);
    const lights = item(page, LIGHTS);
    expect(await lights.textContent()).toContain('Not assigned');

    const assign = lights.getByRole('button', { name: 'Assign', exact: true });
    await press(assign);
    expect(await assign.getAttribute('aria-expanded')).toBe('true');
    const panel = lights.getByRole('form', { name: 'Assign this follow-up' });
    const officer = panel.getByLabel('Officer');
    // Focus goes to the first choice; the officers are offered with their unit.
    await expect.poll(() => officer.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await officer.locator('option').first().textContent()).toBe('Nobody');
    expect((await officer.locator('option').allTextContents()).slice(1).sort()).toEqual(['Admin Ada', 'Admin Bo', 'Ofc. Lee (Patrol)', 'Sgt. Kim']);
    // Escape closes it and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    expect(await focused(page)).toBe('Assign');

    await page.keyboard.press('Enter');
    await officer.selectOption({ label: 'Ofc. Lee (Patrol)' });
    await page.keyboard.press('Tab');
    await panel.getByLabel('Unit').selectOption({ label: 'Patrol' });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Save assignment');
    await page.keyboard.press('Enter');
    await lights.getByText('Assignment saved.').waitFor();
    expect(await focused(page)).toBe('Assign');
    expect(await lights.textContent()).toContain('Assigned to Ofc. Lee');
    expect(await lights.textContent()).toContain('Unit: Patrol');
    expect(await server.stores.followUps.get(ids.lights)).toMatchObject({ assigneeId: ids.lee, unitId: patrol.id });

    expect(await accessibilityViolations(page)).toEqual([]);
    await press(assign);
    await panel.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'followups-assign-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'followups-assign-phone');
  }, 60_000);

  it('shows an officer who is not a host who has each follow-up, with no controls to reassign', async () => {
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'fulee', '/followups');
    // Assigned to Lee: on their own list.
    const lights = item(page, LIGHTS);
    await lights.waitFor();
    expect(await lights.textContent()).toContain('Assigned to Ofc. Lee');
    await allFollowUps(page);
    expect(await page.getByRole('button', { name: 'Assign', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record a commitment' }).count()).toBe(0);
    // The other one is still theirs to take.
    expect(await item(page, NOISE).getByRole('button', { name: 'Take it' }).count()).toBe(1);
  });

  it('lets a host record a commitment from a worklist item, with its question linked', async () => {
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'fuhostkim', '/followups');
    await allFollowUps(page);
    const lights = item(page, LIGHTS);
    const open = lights.getByRole('button', { name: 'Record a commitment' });
    await press(open);
    const form = lights.getByRole('form', { name: 'Record a commitment' });
    await form.waitFor();
    // Focus lands in the form's first field, with the item's question already linked.
    await expect.poll(() => focused(page)).toBe('commitment-text');
    expect(await form.getByRole('checkbox', { name: LIGHTS }).isChecked()).toBe(true);
    // One form on the page at a time: the other item's button stays closed.
    expect(await page.getByRole('form', { name: 'Record a commitment' }).count()).toBe(1);

    await page.keyboard.type(COMMITMENT);
    await form.getByLabel('Owning unit').selectOption({ label: 'Patrol' });
    await form.getByLabel('Due date').fill(dayOf(clock + 20 * DAY));
    await press(form.getByRole('button', { name: 'Record commitment' }));
    await form.getByText('Commitment recorded.').waitFor();
    const [made] = (await server.app.commitments.list({ townHallId })).commitments;
    expect(made).toMatchObject({ text: COMMITMENT, townHallId, questionIds: [ids.lights], unitId: patrol.id, status: 'planned' });
    // Ready for another with the same question linked.
    expect(await form.getByRole('checkbox', { name: LIGHTS }).isChecked()).toBe(true);

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'followups-commitment-desktop');
    await page.keyboard.press('Escape');
    await expect.poll(() => form.count()).toBe(0);
    expect(await focused(page)).toBe('Record a commitment');
    expect(await open.getAttribute('aria-expanded')).toBe('false');

    await page.goto(`${server.url}/commitments`);
    const card = page.getByTestId('commitment').filter({ hasText: COMMITMENT });
    await card.waitFor();
    expect(await card.textContent()).toContain(LIGHTS);
  }, 60_000);

  it('reads in Spanish with the panels open, axe-clean on desktop and phone', async () => {
    for (const [width, height, name] of [
      [1280, 900, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      const page = await personPage(browser, width, height);
      await signInAsStaff(page, server.url, 'fuhostkim', '/');
      await page.evaluate(() => localStorage.setItem('roundtable.language', 'es'));
      await page.goto(`${server.url}/followups`);
      await page.getByRole('heading', { level: 1, name: 'Seguimiento de preguntas' }).waitFor();
      await allFollowUps(page, 'Todas');
      const noise = item(page, NOISE);
      await press(noise.getByRole('button', { name: 'Asignar', exact: true }));
      const panel = noise.getByRole('form', { name: 'Asignar este seguimiento' });
      expect(await panel.getByLabel('Agente').locator('option').first().textContent()).toBe('Nadie');
      expect(await panel.getByLabel('Unidad').locator('option').allTextContents()).toEqual(['Sin unidad', 'Patrulla', 'Tráfico']);
      await press(item(page, LIGHTS).getByRole('button', { name: 'Registrar un compromiso' }));
      await item(page, LIGHTS).getByRole('form', { name: 'Registrar un compromiso' }).waitFor();
      expect(await item(page, LIGHTS).textContent()).toContain('Asignada a Ofc. Lee');
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `followups-manage-${name}-es`);
    }
  }, 90_000);
});
