// Personal-information screening as a resident meets it: a hint while typing a phone number in
// the question form (English and Spanish), a held question whose author is told why, and a
// moderator who sees the reason; every screen axe-clean, on a phone and a desktop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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

describe('personal-information screening in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    await server.app.identity.createStaff({ username: 'moderator', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Sam' });
    await server.app.identity.createStaff({ username: 'admin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    const { id } = await server.townHall({ title: 'Eastside Town Hall' });
    townHallUrl = `${server.url}/townhall/${id}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('hints before sending, holds the question and tells its author why, in English and Spanish', async () => {
    const resident = await personPage(browser, 390, 844);
    await joinTownHall(resident, townHallUrl, 'Ana');
    const box = resident.getByRole('textbox', { name: 'Your question' });
    const hint = resident.getByTestId('personal-info-hint');

    await box.fill('Is the station on 5th Avenue open 24 hours?');
    expect(await hint.count()).toBe(0);
    const question = 'Why does Officer Reyes not answer 555-201-3344?';
    await box.fill(question);
    await expect.poll(() => hint.textContent()).toBe('This looks like a phone number; questions with personal details are reviewed first.');
    // The field names the hint, so a screen reader reads it with the question.
    expect(await box.getAttribute('aria-describedby')).toContain('ask-personal-info');
    await screenshot(resident, 'screening-hint-en');
    expect(await accessibilityViolations(resident)).toEqual([]);

    await resident.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => hint.textContent()).toBe(
      'Esto parece un número de teléfono; las preguntas con datos personales se revisan antes de publicarse.',
    );
    await resident.getByRole('textbox', { name: 'Su pregunta' }).fill('¿Por qué el agente vive en la Calle Mayor 12, 3º B? Su móvil es 612 345 678.');
    await expect.poll(() => hint.textContent()).toBe(
      'Esto parece un número de teléfono y una dirección postal; las preguntas con datos personales se revisan antes de publicarse.',
    );
    await screenshot(resident, 'screening-hint-es');
    expect(await accessibilityViolations(resident)).toEqual([]);
    await resident.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();

    // The chat composer runs the same check.
    await resident.locator('#chat-text').fill('write to jane.doe@gmail.com');
    await expect.poll(() => resident.locator('#chat-personal-info').textContent()).toBe(
      'This looks like an e-mail address; messages with personal details are reviewed first.',
    );
    await resident.locator('#chat-text').fill('');

    await box.fill(question);
    await resident.getByRole('button', { name: 'Ask question' }).click();
    await expect
      .poll(() => resident.getByTestId('held-reason').first().textContent())
      .toBe(
        'Held for review because it seems to contain personal information (a phone number). Only you and the moderators can see it until a moderator approves it.',
      );
    await expect.poll(() => hint.count()).toBe(0);
    // Their own held copy says why, too.
    await expect.poll(() => questionCard(resident, question).getByTestId('held-reason').textContent()).toBe(
      'Waiting for review: personal information',
    );
    await screenshot(resident, 'screening-held-en');
    expect(await accessibilityViolations(resident)).toEqual([]);

    // Nobody else sees it; a moderator sees why it was held.
    const other = await personPage(browser);
    await joinTownHall(other, townHallUrl, 'Ben');
    expect(await questionCard(other, question).count()).toBe(0);
    const moderator = await personPage(browser);
    await signInAsStaff(moderator, server.url, 'moderator', '/moderate');
    await moderator.getByTestId('queue-item').filter({ hasText: question }).waitFor();
    // N takes the next item, and its details say why it was held.
    await moderator.keyboard.press('n');
    await expect.poll(() => moderator.getByTestId('item-text').textContent()).toBe(question);
    await expect.poll(() => moderator.getByText('It seems to contain personal information').count()).toBeGreaterThan(0);
    await screenshot(moderator, 'screening-console');
    expect(await accessibilityViolations(moderator)).toEqual([]);
  });

  it("lets an admin allow the department's own number, which then gets no hint and is published", async () => {
    const admin = await personPage(browser);
    await signInAsStaff(admin, server.url, 'admin', '/admin');
    const form = admin.getByTestId('allowed-personal-info');
    await form.getByRole('textbox', { name: 'Allowed numbers and addresses, one per line' }).fill('+1 (555) 201-9000\n100 Main Street');
    await form.getByRole('button', { name: 'Save the list' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('The list is saved.');
    expect((await server.stores.settings.get()).allowedPersonalInfo).toEqual(['+1 (555) 201-9000', '100 Main Street']);
    await screenshot(admin, 'screening-admin-en');
    expect(await accessibilityViolations(admin)).toEqual([]);
    await admin.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await form.getByRole('heading', { name: 'Números y direcciones públicos del departamento' }).waitFor();
    expect(await accessibilityViolations(admin)).toEqual([]);

    const resident = await personPage(browser);
    await joinTownHall(resident, townHallUrl, 'Cleo');
    const box = resident.getByRole('textbox', { name: 'Your question' });
    const question = 'Is 555-201-9000 at 100 Main Street still the non-emergency line?';
    await box.fill(question);
    expect(await resident.getByTestId('personal-info-hint').count()).toBe(0);
    await box.fill(`${question} My cell is 555-201-7777.`);
    await expect.poll(() => resident.getByTestId('personal-info-hint').textContent()).toContain('a phone number');
    await box.fill(question);
    await resident.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => resident.getByRole('status').filter({ hasText: 'posted' }).count()).toBeGreaterThan(0);
    await expect.poll(() => questionCard(resident, question).count()).toBe(1);
    expect(await questionCard(resident, question).getByTestId('held-reason').count()).toBe(0);
  });
});
