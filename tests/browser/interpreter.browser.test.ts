// The sign-language interpreter as people use it: a host marks a staff interpreter, whose camera
// starts; a resident sees it in its own tile labelled "Interpreter", pins, moves and resizes it
// (pointer and keyboard), finds it where they left it after a reload, and keeps it in view over
// the host's screen share without it covering the captions. Real mediasoup, Chromium's fake devices.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  requireBuiltClient,
  SCREENSHOT_DIR,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const OFFICER = { username: 'interpofficer', displayName: 'Lt. Okafor' };
const SIGNER = { username: 'interpsigner', displayName: 'Sam Signs' };

async function personContext(browser: Browser, origin: string, width = 1280, height = 900): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.grantPermissions(['camera', 'microphone'], { origin });
  return context;
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const framesShown = (video: Locator): Promise<number> =>
  video.evaluate((v: HTMLVideoElement) => (v.videoWidth > 0 ? v.getVideoPlaybackQuality().totalVideoFrames : 0));

async function expectPlaying(video: Locator): Promise<void> {
  await expect.poll(() => framesShown(video), { timeout: 40_000 }).toBeGreaterThan(0);
  const before = await framesShown(video);
  await expect.poll(() => framesShown(video), { timeout: 20_000 }).toBeGreaterThan(before + 3);
}

/** A full-page screenshot, given time: the shared test machine is often loaded. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, timeout: 120_000 });
}

type Box = { x: number; y: number; width: number; height: number };
const boxOf = async (locator: Locator): Promise<Box> => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return box;
};
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 1 && inner.y >= outer.y - 1 && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;

describe('the sign-language interpreter in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallUrl: string;
  let townHallId: string;
  let signerId: string;

  beforeAll(async () => {
    server = await startTestServer({ media: true, clientDir: requireBuiltClient() });
    const officer = await server.app.identity.createStaff({ ...OFFICER, password: STAFF_PASSWORD, role: 'officer' });
    const signer = await server.app.identity.createStaff({ ...SIGNER, password: STAFF_PASSWORD, role: 'captioner' });
    signerId = signer.id;
    ({ id: townHallId } = await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: officer.id, displayName: OFFICER.displayName }] }));
    townHallUrl = `${server.url}/townhall/${townHallId}`;
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--auto-select-desktop-capture-source=Entire screen']);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const producersOf = (userId: string) => (server.media?.existingMedia(townHallId)?.producers() ?? []).filter((p) => p.appData.userId === userId);

  it('is marked by a host and kept by each viewer where and as large as they want, over the screen share and clear of the captions', async () => {
    const officer = await newPage(await personContext(browser, server.url));
    const signer = await newPage(await personContext(browser, server.url));
    const resident = await newPage(await personContext(browser, server.url));
    const pagePath = new URL(townHallUrl).pathname;

    await signInAsStaff(officer, server.url, OFFICER.username, pagePath);
    await officer.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await officer.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    await signInAsStaff(signer, server.url, SIGNER.username, pagePath);
    await signer.getByTestId('stage').waitFor();
    await joinTownHall(resident, townHallUrl, 'Rosa');

    // The host marks the interpreter from the staff in the town hall.
    const control = officer.getByTestId('interpreter-control');
    await control.getByRole('button', { name: 'Refresh the list' }).click();
    await control.getByTestId('interpreter-candidate').locator('option', { hasText: SIGNER.displayName }).waitFor({ state: 'attached' });
    await control.getByTestId('interpreter-candidate').selectOption({ label: SIGNER.displayName });
    await control.getByRole('button', { name: 'Mark as interpreter' }).click();
    await expect.poll(() => control.getByTestId('interpreter-current').textContent()).toBe(`Interpreter: ${SIGNER.displayName}`);

    // Their camera and microphone start by themselves, and they are offered no screen.
    await signer.getByTestId('interpreter-self').waitFor();
    await expect.poll(() => producersOf(signerId).map((p) => p.appData.source).sort(), { timeout: 15_000 }).toEqual(['camera', 'microphone']);
    expect(await signer.getByRole('button', { name: 'Share screen' }).count()).toBe(0);

    const tile = resident.getByTestId('interpreter-tile');
    await expect.poll(() => tile.textContent()).toContain('Interpreter');
    expect(await tile.textContent()).toContain(SIGNER.displayName);
    await expectPlaying(tile.locator('video'));
    // The interpreter is not among the other tiles, nor the large picture.
    expect(await resident.getByTestId('video-tile').filter({ hasText: SIGNER.displayName }).count()).toBe(0);
    const picture = resident.locator('.picture');
    expect(inside(await boxOf(tile), await boxOf(picture))).toBe(true);

    // Pin: while the picture is in view, the tile stays over it.
    const options = resident.getByTestId('stage');
    await options.getByRole('button', { name: 'Tile options' }).click();
    const pin = options.getByRole('button', { name: 'Keep in view' });
    expect(await pin.getAttribute('aria-pressed')).toBe('false');
    await pin.click();
    expect(await pin.getAttribute('aria-pressed')).toBe('true');
    expect(await tile.getAttribute('data-floating')).toBe('false');
    expect(inside(await boxOf(tile), await boxOf(picture))).toBe(true);
    expect(await accessibilityViolations(resident)).toEqual([]);
    await screenshot(resident, 'interpreter-resident-options');

    // Move to a corner with a button, then with the arrow keys on the move handle.
    const start = await boxOf(tile);
    await options.getByRole('button', { name: 'Top left' }).click();
    const topLeft = await boxOf(tile);
    expect(topLeft.x).toBeLessThan(start.x - 100);
    expect(topLeft.y).toBeLessThan(start.y);
    const move = tile.getByRole('button', { name: 'Move the interpreter' });
    await move.focus();
    for (let i = 0; i < 3; i++) await resident.keyboard.press('ArrowRight');
    await resident.keyboard.press('ArrowDown');
    const nudged = await boxOf(tile);
    expect(nudged.x).toBeGreaterThan(topLeft.x + 50);
    expect(nudged.y).toBeGreaterThan(topLeft.y);
    // And by dragging it.
    await resident.mouse.move(nudged.x + 20, nudged.y + 20);
    await resident.mouse.down();
    await resident.mouse.move(nudged.x + 20 - 150, nudged.y + 20 + 60, { steps: 5 });
    await resident.mouse.up();
    const dragged = await boxOf(tile);
    expect(dragged.x).toBeLessThan(nudged.x - 100);

    // Resize with the buttons, then with the keyboard on the handle.
    await options.getByRole('button', { name: 'Large' }).click();
    const large = await boxOf(tile);
    expect(large.width).toBeGreaterThan(dragged.width + 50);
    await options.getByRole('button', { name: 'Small' }).click();
    const small = await boxOf(tile);
    expect(small.width).toBeLessThan(large.width - 100);
    const handle = tile.getByRole('slider', { name: 'Interpreter size' });
    await handle.focus();
    await resident.keyboard.press('ArrowRight');
    await resident.keyboard.press('ArrowRight');
    expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(32);
    expect((await boxOf(tile)).width).toBeGreaterThan(small.width + 30);
    const chosen = await boxOf(tile);

    // Kept by this browser.
    await resident.reload();
    await expectPlaying(tile.locator('video'));
    const reloaded = await boxOf(tile);
    expect(Math.abs(reloaded.width - chosen.width)).toBeLessThan(3);
    expect(Math.abs(reloaded.x - chosen.x)).toBeLessThan(3);
    expect(await tile.getAttribute('data-pinned')).toBe('true');

    // The host shares a screen: it goes large, the interpreter stays over it, and both are in
    // view with the captions, which the tile does not cover.
    await officer.getByRole('button', { name: 'Share screen' }).click();
    const screenTile = resident.getByTestId('video-tile').filter({ hasText: `${OFFICER.displayName}'s screen` });
    await expectPlaying(screenTile.locator('video'));
    expect(await picture.getByTestId('video-tile').getAttribute('data-source')).toBe('screen');
    await expectPlaying(tile.locator('video'));
    await resident.getByRole('button', { name: 'Show captions' }).click();
    const captions = resident.getByTestId('captions');
    // The reload kept the page scrolled down, where a pinned tile floats: back to the picture.
    await resident.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(() => tile.getAttribute('data-floating')).toBe('false');
    const state = { floating: await tile.getAttribute('data-floating'), tile: await boxOf(tile), picture: await boxOf(picture), scrollY: await resident.evaluate(() => window.scrollY) };
    if (!inside(state.tile, state.picture)) await screenshot(resident, 'interpreter-failure-screen-share');
    expect({ ...state, inside: inside(state.tile, state.picture) }).toMatchObject({ inside: true });
    expect(overlaps(await boxOf(tile), await boxOf(captions))).toBe(false);
    await screenshot(resident, 'interpreter-resident-screen-share');

    // Pinned, it stays in view when the video scrolls away, still clear of the captions.
    await resident.evaluate(() => window.scrollTo(0, document.querySelector('[data-testid="captions"]')!.getBoundingClientRect().top + window.scrollY - 40));
    await expect.poll(() => tile.getAttribute('data-floating')).toBe('true');
    const floating = await boxOf(tile);
    expect(floating.y).toBeGreaterThanOrEqual(0);
    expect(floating.y + floating.height).toBeLessThanOrEqual(900);
    await expect.poll(async () => overlaps(await boxOf(tile), await boxOf(captions))).toBe(false);
    await resident.screenshot({ path: path.join(SCREENSHOT_DIR, 'interpreter-resident-pinned-scrolled.png'), timeout: 120_000 });
    await resident.evaluate(() => window.scrollTo(0, 0));

    // Spanish, and a phone.
    await resident.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => tile.textContent()).toContain('Intérprete');
    await options.getByRole('button', { name: 'Opciones del recuadro' }).click();
    expect(await accessibilityViolations(resident)).toEqual([]);
    await resident.setViewportSize({ width: 375, height: 760 });
    expect(inside(await boxOf(tile), await boxOf(picture))).toBe(true);
    expect(await accessibilityViolations(resident)).toEqual([]);
    await screenshot(resident, 'interpreter-resident-phone-es');

    // Host and interpreter pages pass axe as well.
    expect(await accessibilityViolations(officer)).toEqual([]);
    expect(await accessibilityViolations(signer)).toEqual([]);
    await screenshot(officer, 'interpreter-host');
    await screenshot(signer, 'interpreter-self');

    // Unmarked: the tile leaves every page and the interpreter's camera stops.
    await control.getByRole('button', { name: 'Unmark the interpreter' }).click();
    await expect.poll(() => tile.count()).toBe(0);
    await expect.poll(() => producersOf(signerId).length).toBe(0);
  }, 600_000);
});
