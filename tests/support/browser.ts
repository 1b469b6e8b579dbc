// Debian's Chromium driven by playwright-core (Playwright cannot download its own browser here).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}: run scripts/setup.sh`);
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** The built client the server serves; browser tests need `npm run build` first. */
export function requireBuiltClient(): string {
  const dir = path.resolve('dist/client');
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error('dist/client is missing: run `npm run build` first');
  return dir;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** axe-core's WCAG 2.x A and AA rules; returns the violations in a readable form. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The password the browser tests give the staff accounts they create. */
export const STAFF_PASSWORD = 'browser-test-password';

/** A page in a context of its own (its own cookies), so each page is a different person. */
export async function personPage(browser: Browser, width = 1280, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  return context.newPage();
}

/** Fills in the join form on the page with a display name and sends it. */
export async function fillJoinForm(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Your display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
}

/** Opens a town hall and joins it as a resident, then waits until a question can be asked. */
export async function joinTownHall(page: Page, townHallUrl: string, name: string): Promise<void> {
  await page.goto(townHallUrl);
  await fillJoinForm(page, name);
  await page.getByRole('textbox', { name: 'Your question' }).waitFor();
}

/** Signs a staff member in with the form, and waits to be sent on to `path`. */
export async function signInAsStaff(page: Page, origin: string, username: string, path: string): Promise<void> {
  await page.goto(`${origin}/signin?next=${encodeURIComponent(path)}`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}${path}`);
}

/** A question's card on a town hall page, found by its text. */
export const questionCard = (page: Page, text: string) => page.getByTestId('question').filter({ hasText: text });
