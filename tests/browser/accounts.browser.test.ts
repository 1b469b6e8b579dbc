// Accounts as people use them: an admin disables, enables and resets a staff password with the
// keyboard alone; a staff member signs out on every device; a guest cannot take an officer's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  fillJoinForm,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('accounts in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    await server.app.identity.createStaff({ username: 'accountsadmin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    await server.app.identity.createStaff({ username: 'diaz', password: STAFF_PASSWORD, role: 'officer', displayName: 'Ofc. Diaz' });
    await server.app.identity.createStaff({ username: 'reyes', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Dana Reyes' });
    townHallUrl = `${server.url}/townhall/${(await server.townHall({ title: 'Eastside Town Hall' })).id}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Presses Enter on a control reached by focus, as a keyboard user would. */
  const press = async (control: Locator) => {
    await control.focus();
    await control.press('Enter');
  };
  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
  const signInForm = async (page: Page, username: string, password: string) => {
    await page.goto(`${server.url}/signin`);
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.keyboard.press('Enter');
  };

  it('lets an admin disable, enable and reset a staff password with the keyboard alone', async () => {
    const [admin, officer] = await Promise.all([personPage(browser), personPage(browser)]);
    await signInAsStaff(admin, server.url, 'accountsadmin', '/admin');
    await signInAsStaff(officer, server.url, 'diaz', '/');
    const diaz = admin.getByRole('listitem').filter({ hasText: 'Ofc. Diaz' });
    const actions = diaz.getByRole('group', { name: 'Actions for Ofc. Diaz' });
    // No Disable on the admin's own account.
    await expect.poll(() => admin.getByRole('group', { name: 'Actions for Admin Ada' }).getByRole('button').allTextContents()).toEqual([
      'Reset password',
    ]);

    await press(actions.getByRole('button', { name: 'Disable' }));
    await expect.poll(() => focusedText(admin)).toBe('Yes, disable');
    await screenshot(admin, 'admin-disable-confirm');
    expect(await accessibilityViolations(admin)).toEqual([]);
    await admin.keyboard.press('Enter');
    await diaz.getByRole('status').filter({ hasText: "Ofc. Diaz's account is disabled" }).waitFor();
    await diaz.getByText('Disabled', { exact: true }).waitFor();

    // The officer's open page loses its session; signing in again is refused with the reason.
    await officer.reload();
    await officer.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await signInForm(officer, 'diaz', STAFF_PASSWORD);
    await officer.getByRole('alert').filter({ hasText: 'This account is disabled.' }).waitFor();

    await press(actions.getByRole('button', { name: 'Enable' }));
    await diaz.getByRole('status').filter({ hasText: 'Ofc. Diaz can sign in again.' }).waitFor();

    await press(actions.getByRole('button', { name: 'Reset password' }));
    const field = diaz.getByLabel('New password for Ofc. Diaz');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(admin, 'admin-reset-password');
    expect(await accessibilityViolations(admin)).toEqual([]);
    await admin.keyboard.type('a fresh officer passphrase');
    await admin.keyboard.press('Enter');
    await diaz.getByRole('status').filter({ hasText: 'New password set for Ofc. Diaz' }).waitFor();

    await signInForm(officer, 'diaz', 'a fresh officer passphrase');
    await officer.getByTestId('signed-in-as').waitFor();
  });

  it('signs a staff member out on every device from the header', async () => {
    const [laptop, phone] = await Promise.all([personPage(browser), personPage(browser, 390, 844)]);
    await signInAsStaff(laptop, server.url, 'reyes', '/');
    await signInAsStaff(phone, server.url, 'reyes', '/');
    await press(phone.getByRole('button', { name: 'Sign out everywhere' }));
    await phone.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await laptop.reload();
    await laptop.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    expect(await laptop.getByTestId('signed-in-as').count()).toBe(0);
  });

  it('tells a guest who picks an officer’s name to choose another, in English and Spanish', async () => {
    const page = await personPage(browser);
    await page.goto(townHallUrl);
    await fillJoinForm(page, 'Sgt. Dаna Reyes');
    await page.getByText("This name is too close to a staff member's name; please choose another.").waitFor();
    await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await page.getByText('Este nombre se parece demasiado al de un miembro del personal; elija otro, por favor.').waitFor();
    await screenshot(page, 'join-staff-name-refused');
  });
});
