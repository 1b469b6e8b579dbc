// An admin follows the archival videos on the admin page: one composing with its progress, one
// ready, one failed with its reason and "Compose again", in English and Spanish, on a desktop
// and a phone. The server here does not compose (so what the page shows holds still); the
// composition itself has tests of its own (tests/media/compose.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLibrary } from '../../server/recording/library.js';
import { accessibilityViolations, launchChromium, personPage, requireBuiltClient, screenshot, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';
import { writeFixtureRecording } from '../support/recording-fixture.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('the archival videos on the admin page', () => {
  let server: TestServer;
  let browser: Browser;
  let dataDir: string;
  let library: RecordingLibrary;
  let townHallId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-archives-browser-'));
    library = new RecordingLibrary(dataDir);
    server = await startTestServer({ clientDir: requireBuiltClient(), recording: { dataDir, minFreeBytes: 0, compose: false } });
    await server.app.identity.createStaff({ username: 'archiveadmin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', status: 'ended' })).id;
    const startedAt = Date.parse('2026-11-30T18:00:00Z');
    const archives = [
      ['rec-failed', { status: 'failed', progress: 0, durationMs: 5_400_000, error: 'FFmpeg stopped (exit 1): Invalid data found when processing input' }],
      ['rec-ready', { status: 'ready', progress: 1, durationMs: 3_725_000 }],
      ['rec-composing', { status: 'composing', progress: 0.42, durationMs: 2_700_000 }],
    ] as const;
    for (const [i, [recordingId, archive]] of archives.entries()) {
      await library.writeArchive(townHallId, recordingId, archive);
      await writeFixtureRecording(dataDir, { townHallId, recordingId, startedAt: startedAt + i * 86_400_000, tracks: [], stoppedS: 1 });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const open = async (width: number, height: number): Promise<Page> => {
    const page = await personPage(browser, width, height);
    await signInAsStaff(page, server.url, 'archiveadmin', '/admin');
    await page.getByRole('heading', { level: 2, name: 'Archival videos' }).waitFor();
    return page;
  };
  const item = (page: Page, status: string) => page.getByTestId('archive').and(page.locator(`[data-status="${status}"]`));

  it('shows each archive with its status, the progress of the one composing and the reason of the one that failed', async () => {
    const page = await open(1280, 900);
    const section = page.getByTestId('recording-archives');
    // The heading shows before the list has loaded: wait for the list.
    await expect.poll(() => section.getByTestId('archive').count()).toBe(3);
    await expect.poll(() => item(page, 'composing').textContent()).toContain('Composing: 42%');
    const bar = page.getByRole('progressbar', { name: 'Composing Eastside Town Hall' });
    expect(await bar.getAttribute('value')).toBe('42');
    expect(await item(page, 'ready').textContent()).toContain('Ready');
    expect(await item(page, 'ready').textContent()).toContain('1 h 2 min');
    const failed = item(page, 'failed');
    expect(await failed.textContent()).toContain('Why: FFmpeg stopped (exit 1): Invalid data found when processing input');
    // Newest first.
    expect(await section.getByTestId('archive').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(['composing', 'ready', 'failed']);
    expect(await accessibilityViolations(page)).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-archives-desktop');
  });

  it('puts a failed archive back in the queue from the keyboard, and says so', async () => {
    const page = await open(1280, 900);
    const again = item(page, 'failed').getByRole('button', { name: 'Compose again' });
    await again.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Eastside Town Hall is back in the queue.' }).waitFor();
    expect((await library.archive(townHallId, 'rec-failed')).status).toBe('waiting');
    await item(page, 'waiting').getByText('Waiting its turn').waitFor();
    expect(await item(page, 'failed').count()).toBe(0);
  });

  it('reads in Spanish and fits a phone', async () => {
    const page = await open(390, 844);
    await page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { level: 2, name: 'Videos de archivo' }).waitFor();
    await expect.poll(() => item(page, 'composing').textContent()).toContain('Componiendo: 42 %');
    expect(await item(page, 'ready').textContent()).toContain('Listo');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByTestId('recording-archives').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-archives-phone-es');
  });
});
