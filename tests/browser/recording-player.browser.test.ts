// The meeting's video on its record page, in Chromium: a resident plays it (time advances, a
// caption cue shows and its transcript line is marked), jumps to a question answered live and to
// a caption line; an admin lists the raw tracks, unpublishes it with a reason (then residents no
// longer see it) and publishes it again, and sets how long recordings are kept. The archive is
// a real WebM made by FFmpeg where the recording library expects it (tests/support/archive.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RecordingLibrary } from '../../server/recording/library.js';
import { makeArchivedRecording } from '../support/archive.js';
import { writeFixtureRecording } from '../support/recording-fixture.js';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const QUESTION = 'Will the station open on Sundays?';

describe('the recording player on the record page', () => {
  let server: TestServer;
  let browser: Browser;
  let recordUrl: string;
  let resident: Page;

  const video = (page: Page) => page.getByTestId('recording-video');
  const videoState = (page: Page) =>
    video(page).evaluate((v: HTMLVideoElement) => ({
      time: v.currentTime,
      paused: v.paused,
      cues: [...(v.textTracks[0]?.activeCues ?? [])].map((c) => (c as VTTCue).text),
    }));

  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-player-browser-'));
    // The archive is made by the fixture: no composition job runs here.
    server = await startTestServer({ clientDir: requireBuiltClient(), recording: { dataDir, compose: false } });
    await server.app.identity.createStaff({ username: 'playeradmin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    const officerSession = await server.staff('officer', 'Sgt. Kim');
    const townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
    recordUrl = `${server.url}/townhall/${townHallId}/record`;
    const officer = await server.connect(officerSession);
    const rosa = await server.connect(await server.guest('Rosa Rivera'));
    for (const s of [officer, rosa]) unwrap(await command(s, 'townhall:join', { townHallId }));
    const questionId = unwrap(await command(rosa, 'qa:ask', { townHallId, text: QUESTION, anonymous: false })).id;
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answering' }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answered' }));
    await server.app.townHalls.end(townHallId, (await server.app.identity.sessionUser(officerSession.me.id))!);
    await makeArchivedRecording({
      dataDir,
      townHallId,
      durationS: 10,
      captions: [
        { s: 0.2, text: 'Good evening, and welcome to Eastside.' },
        { s: 4, text: 'Our first question is about Sundays.' },
        { s: 7, text: 'Thank you all for coming.' },
      ],
      answering: [
        { s: 4, questionId },
        { s: 7, questionId: null },
      ],
    });
    // Playing without a click: the test starts the video as a person pressing play would.
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    resident = await personPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plays the video with its captions, and marks the caption line being shown', async () => {
    await resident.goto(recordUrl);
    const section = resident.getByTestId('record-video');
    await section.getByRole('heading', { name: 'Video of the meeting' }).waitFor();
    expect(await video(resident).getAttribute('aria-label')).toBe('Video of Eastside Town Hall, recording 1');
    expect(await accessibilityViolations(resident)).toEqual([]);

    await video(resident).evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(async () => (await videoState(resident)).time, { timeout: 10_000 }).toBeGreaterThan(0.5);
    // Paused inside the first caption line (0.2–4 s), so what is shown can be read without a race.
    await video(resident).evaluate((v: HTMLVideoElement) => v.pause());
    const playedTo = (await videoState(resident)).time;
    expect(playedTo).toBeLessThan(4);
    await expect.poll(async () => (await videoState(resident)).cues).toEqual(['Good evening, and welcome to Eastside.']);
    const transcript = resident.getByTestId('recording-transcript');
    await expect
      .poll(() => transcript.locator('[aria-current="true"]').textContent(), { timeout: 10_000 })
      .toContain('Good evening, and welcome to Eastside.');
    await screenshot(resident, 'recording-player-playing');
  });

  it('jumps to a question answered live, and to a line of the captions', async () => {
    const chapter = resident.getByTestId('recording-chapters').getByRole('button', { name: `Jump to 0:04: ${QUESTION}` });
    await chapter.click();
    await expect.poll(async () => (await videoState(resident)).time).toBeCloseTo(4, 1);
    await expect.poll(() => chapter.getAttribute('aria-current')).toBe('true');
    await expect.poll(async () => (await videoState(resident)).cues).toEqual(['Our first question is about Sundays.']);

    // By keyboard: the last caption line.
    const line = resident.getByTestId('recording-transcript').getByRole('button', { name: 'Jump to 0:07: Thank you all for coming.' });
    await line.focus();
    await resident.keyboard.press('Enter');
    await expect.poll(async () => (await videoState(resident)).time).toBeCloseTo(7, 1);
    await expect.poll(() => line.getAttribute('aria-current')).toBe('true');
    expect(await chapter.getAttribute('aria-current')).toBeNull();
  });

  it('offers the video and the captions to download', async () => {
    const captions = await resident.getByRole('link', { name: 'Download the captions (WebVTT)' }).getAttribute('href');
    const vtt = await (await fetch(`${server.url}${captions}`)).text();
    expect(vtt).toMatch(/^WEBVTT\n[\s\S]*00:00:04\.000 --> 00:00:07\.000\nOur first question is about Sundays\./);
    const videoHref = await resident.getByRole('link', { name: 'Download the video (WebM)' }).getAttribute('href');
    const res = await fetch(`${server.url}${videoHref}`);
    expect(res.headers.get('content-type')).toBe('video/webm');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('reads in Spanish on a phone, still axe-clean', async () => {
    const page = await personPage(browser, 390, 844);
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('roundtable.language', 'es'));
    await page.goto(recordUrl);
    await page.getByRole('heading', { name: 'Vídeo de la reunión' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Preguntas respondidas en directo' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `Saltar a 0:04: ${QUESTION}` }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'recording-player-es-phone');
    await page.context().close();
  });

  it('lets an admin list the raw tracks, unpublish with a reason and publish again', async () => {
    const adminPage = await personPage(browser);
    await signInAsStaff(adminPage, server.url, 'playeradmin', new URL(recordUrl).pathname);
    const panel = adminPage.getByTestId('recording-admin');
    await panel.waitFor();
    expect(await panel.textContent()).toMatch(/Video:\s*ready/);

    await panel.getByRole('button', { name: 'List the raw track files' }).click();
    const track = panel.getByTestId('recording-tracks').getByRole('link', { name: '001-camera-video.mkv' });
    await track.waitFor();
    expect((await fetch(`${server.url}${await track.getAttribute('href')}`)).status).toBe(401);

    await panel.getByRole('button', { name: 'Unpublish' }).click();
    const reason = panel.getByRole('textbox', { name: 'Reason' });
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => adminPage.evaluate(() => document.activeElement?.id ?? '')).toMatch(/-reason$/);
    expect(await panel.getByText('Write a reason of 3 to 500 characters.').count()).toBe(1);
    await reason.fill('A bystander is identifiable; redaction requested');
    await panel.getByRole('button', { name: 'Unpublish' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toContain('The recording is unpublished.');
    expect(await panel.textContent()).toContain('Reason given: A bystander is identifiable; redaction requested');
    expect(await adminPage.getByTestId('recording').getByText('Unpublished', { exact: true }).count()).toBe(1);
    expect(await accessibilityViolations(adminPage)).toEqual([]);
    await screenshot(adminPage, 'recording-player-admin-unpublished');
    expect((await server.stores.audit.list(0, 1000)).at(-1)).toMatchObject({
      action: 'recording-unpublish',
      reason: 'A bystander is identifiable; redaction requested',
    });

    await resident.reload();
    await resident.getByRole('heading', { level: 1, name: 'Record of Eastside Town Hall' }).waitFor();
    await resident.getByRole('heading', { name: 'Download the record' }).waitFor();
    expect(await resident.getByTestId('record-video').count()).toBe(0);

    await panel.getByRole('button', { name: 'Publish again' }).click();
    await expect.poll(() => panel.getByRole('status').textContent()).toContain('The recording is published again.');
    await resident.reload();
    await resident.getByTestId('recording-video').waitFor();
    await adminPage.context().close();
  });

  it('lets an admin set how many days recordings are kept', async () => {
    const adminPage = await personPage(browser);
    await signInAsStaff(adminPage, server.url, 'playeradmin', '/admin');
    const form = adminPage.getByTestId('record-settings');
    const days = form.getByRole('spinbutton', { name: 'Days to keep recordings' });
    expect(await days.inputValue()).toBe('');
    await days.fill('0');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form.getByText('Enter a whole number from 1 to 36500, or leave it empty.').count()).toBe(1);
    expect((await server.stores.settings.get()).recordingRetentionDays).toBeNull();
    await days.fill('90');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Settings saved.');
    expect((await server.stores.settings.get()).recordingRetentionDays).toBe(90);
    expect(await accessibilityViolations(adminPage)).toEqual([]);
    await adminPage.context().close();
  });
});

describe('a recording the server composed, on the record page', () => {
  let server: TestServer;
  let browser: Browser;

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('plays the archive the composition job made from the tracks, with its caption and its chapter', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-player-composed-'));
    // The town hall and its question first; then, as after a restart, the node finds the stopped
    // recording on disk and composes it.
    const first = await startTestServer({ recording: { dataDir, compose: false } });
    const officerSession = await first.staff('officer', 'Sgt. Kim');
    const townHallId = (await first.townHall({ title: 'Northside Town Hall', hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
    const officer = await first.connect(officerSession);
    unwrap(await command(officer, 'townhall:join', { townHallId }));
    const questionId = unwrap(await command(officer, 'qa:ask', { townHallId, text: 'When does the new patrol start?', anonymous: false })).id;
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answering' }));
    unwrap(await command(officer, 'qa:set-answer-state', { questionId, state: 'answered' }));
    await first.app.townHalls.end(townHallId, (await first.app.identity.sessionUser(officerSession.me.id))!);
    const file = first.file!;
    await first.close();

    const host = { userId: officerSession.me.id, staff: true };
    const recordingId = 'ComposedRecording1';
    await writeFixtureRecording(dataDir, {
      townHallId,
      recordingId,
      startedAt: Date.now() - 60_000,
      tracks: [
        { trackId: 'cam', kind: 'video', source: 'camera', participant: host, startS: 0, endS: 6 },
        { trackId: 'mic', kind: 'audio', source: 'microphone', participant: host, startS: 0, endS: 6 },
      ],
      events: [
        [0.5, { type: 'caption', lineId: 'line-1', text: 'Welcome to Northside.' }],
        [3, { type: 'answering', questionId }],
        [5, { type: 'answering', questionId: null }],
      ],
      stoppedS: 6,
    });
    server = await startTestServer({ file, clientDir: requireBuiltClient(), recording: { dataDir } });
    const library = new RecordingLibrary(dataDir);
    await expect.poll(async () => (await library.archive(townHallId, recordingId)).status, { timeout: 90_000, interval: 500 }).toBe('ready');

    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    const page = await personPage(browser);
    await page.goto(`${server.url}/townhall/${townHallId}/record`);
    const player = page.getByTestId('recording-video');
    await player.waitFor();
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.6);
    await player.evaluate((v: HTMLVideoElement) => v.pause());
    // The composed picture: the host's camera at the archive's size.
    expect(await player.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1280, 720]);
    expect(await player.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(6);
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => [...(v.textTracks[0]?.activeCues ?? [])].map((c) => (c as VTTCue).text))).toEqual([
      'Welcome to Northside.',
    ]);
    await page.getByRole('button', { name: 'Jump to 0:03: When does the new patrol start?' }).click();
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(3, 1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'recording-player-composed');
  }, 180_000);
});
