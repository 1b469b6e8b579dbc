// Issue 16's whole meeting, as people hold it: a host goes live and starts recording, marks a
// sign-language interpreter, brings a resident on stage (told first that it is recorded),
// answers a question while a captioner types; about fifteen seconds later the host stops and
// ends the town hall. The server composes the archive (ffprobe: video and audio of the
// recording's length), and on the record page the video plays, a caption cue shows and choosing
// a chapter seeks to it; a viewer pins and resizes the interpreter on the way. Real mediasoup,
// real FFmpeg, Chromium's fake devices.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { RecordingLibrary } from '../../server/recording/library.js';
import { probe } from '../support/ffprobe.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { accessibilityViolations, joinTownHall, launchChromium, requireBuiltClient, SCREENSHOT_DIR, signInAsStaff, STAFF_PASSWORD } from '../support/browser.js';

const OFFICER = { username: 'meetofficer', displayName: 'Lt. Okafor' };
const SIGNER = { username: 'meetsigner', displayName: 'Sam Signs' };
const QUESTION = 'When will the crossing on Fifth Street get a guard?';
const CAPTION = 'Good evening and welcome, everyone.';

async function page(browser: Browser, origin: string): Promise<Page> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const p = await context.newPage();
  p.setDefaultTimeout(30_000);
  return p;
}

const framesShown = (video: Locator): Promise<number> =>
  video.evaluate((v: HTMLVideoElement) => (v.videoWidth > 0 ? v.getVideoPlaybackQuality().totalVideoFrames : 0));
async function expectPlaying(video: Locator): Promise<void> {
  await expect.poll(() => framesShown(video), { timeout: 40_000 }).toBeGreaterThan(0);
}

describe('a recorded town hall, from the meeting to its record', () => {
  let server: TestServer;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'rt-meeting-'));
    server = await startTestServer({ media: true, clientDir: requireBuiltClient(), recording: { dataDir } });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required']);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('records the host, the interpreter and a resident on stage, composes them, and plays them back with captions and chapters', async () => {
    const officerAccount = await server.app.identity.createStaff({ ...OFFICER, password: STAFF_PASSWORD, role: 'officer' });
    await server.app.identity.createStaff({ ...SIGNER, password: STAFF_PASSWORD, role: 'captioner' });
    const { id: townHallId } = await server.townHall({ title: 'Fifth Street Town Hall', hosts: [{ id: officerAccount.id, displayName: OFFICER.displayName }] });
    const townHallUrl = `${server.url}/townhall/${townHallId}`;
    const pagePath = new URL(townHallUrl).pathname;

    const officer = await page(browser, server.url);
    const signer = await page(browser, server.url);
    const alice = await page(browser, server.url);
    await signInAsStaff(officer, server.url, OFFICER.username, pagePath);
    await officer.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await officer.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    await signInAsStaff(signer, server.url, SIGNER.username, pagePath);
    await joinTownHall(alice, townHallUrl, 'Alice');

    // Recording starts; everyone is told, and a resident hears it before going on stage.
    await officer.getByRole('button', { name: 'Start recording' }).click();
    await officer.getByRole('button', { name: 'Stop recording' }).waitFor();
    await alice.getByText('This meeting is being recorded.').first().waitFor();
    const startedAt = Date.now();

    // The interpreter, marked by the host: their camera starts and reaches Alice in its tile.
    const control = officer.getByTestId('interpreter-control');
    await control.getByRole('button', { name: 'Refresh the list' }).click();
    await control.getByTestId('interpreter-candidate').locator('option', { hasText: SIGNER.displayName }).waitFor({ state: 'attached' });
    await control.getByTestId('interpreter-candidate').selectOption({ label: SIGNER.displayName });
    await control.getByRole('button', { name: 'Mark as interpreter' }).click();
    const tile = alice.getByTestId('interpreter-tile');
    await expectPlaying(tile.locator('video'));

    // Alice asks, raises her hand and is brought on stage.
    await alice.getByLabel('Your question').fill(QUESTION);
    await alice.getByRole('button', { name: 'Ask question' }).click();
    await alice.getByRole('button', { name: 'Raise hand to speak' }).click();
    await officer.getByTestId('raised-hands').getByRole('button', { name: 'Bring on stage: Alice' }).click();
    await alice.getByText('You are on stage: everyone here can see and hear you.').waitFor();

    // The captioner types a line; the host answers Alice's question live.
    await signer.getByLabel('Type captions').fill(CAPTION);
    await signer.getByLabel('Type captions').press('Enter');
    const card = officer.getByTestId('question').filter({ hasText: QUESTION });
    await card.getByRole('button', { name: 'Answer now' }).click();
    const answeringAt = Date.now();

    // A viewer pins the interpreter and makes it larger.
    const options = alice.getByTestId('stage');
    await options.getByRole('button', { name: 'Tile options' }).click();
    await options.getByRole('button', { name: 'Keep in view' }).click();
    const before = (await tile.boundingBox())!.width;
    await options.getByRole('button', { name: 'Large' }).click();
    await expect.poll(async () => (await tile.boundingBox())!.width).toBeGreaterThan(before + 20);
    expect(await tile.getAttribute('data-pinned')).toBe('true');

    // About fifteen seconds in all, then the host stops and ends the meeting.
    await officer.waitForTimeout(Math.max(0, startedAt + 15_000 - Date.now()));
    await card.getByRole('button', { name: 'Mark answered' }).click();
    await officer.getByRole('button', { name: 'Stop recording' }).click();
    await officer.getByRole('button', { name: 'Start recording' }).waitFor();
    const recordedSeconds = (Date.now() - startedAt) / 1000;
    await server.app.townHalls.end(townHallId, (await server.app.identity.sessionUser(officerAccount.id))!);

    // The archive is composed by the server's own job.
    const library = new RecordingLibrary(dataDir);
    const [recording] = await library.list(townHallId);
    expect(recording).toBeDefined();
    await expect.poll(async () => (await library.archive(townHallId, recording!.id)).status, { timeout: 240_000, interval: 1000 }).toBe('ready');
    const probed = await probe(library.archiveVideo(townHallId, recording!.id));
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(probed.lastPacketSeconds).toBeGreaterThan(recordedSeconds - 3);
    expect(probed.lastPacketSeconds).toBeLessThan(recordedSeconds + 3);

    // On the record page: it plays, the caption shows, and the chapter seeks.
    const viewer = await page(browser, server.url);
    await viewer.goto(`${townHallUrl}/record`);
    const player = viewer.getByTestId('recording-video');
    await player.waitFor();
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
    const chapter = viewer.getByRole('button', { name: new RegExp(`^Jump to \\d+:\\d{2}: ${QUESTION}`) });
    await chapter.click();
    const chapterAt = (answeringAt - startedAt) / 1000;
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(chapterAt - 3);
    expect(await player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(chapterAt + 3);
    // The caption's cue is active at its time.
    const cueStart = await player.evaluate((v: HTMLVideoElement, text) => {
      const cues = [...(v.textTracks[0]?.cues ?? [])] as VTTCue[];
      return cues.find((c) => c.text === text)?.startTime ?? null;
    }, CAPTION);
    expect(cueStart).not.toBeNull();
    await player.evaluate((v: HTMLVideoElement, at) => {
      v.currentTime = at + 0.2;
    }, cueStart!);
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => [...(v.textTracks[0]?.activeCues ?? [])].map((c) => (c as VTTCue).text))).toContain(CAPTION);
    expect(await accessibilityViolations(viewer)).toEqual([]);
    await player.evaluate((v: HTMLVideoElement, at) => {
      v.pause();
      v.currentTime = at;
    }, chapterAt + 1);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await viewer.screenshot({ path: path.join(SCREENSHOT_DIR, 'recording-meeting-record.png'), fullPage: true, timeout: 120_000 });
  }, 600_000);
});
