// Town hall video as people use it: an officer goes live from the browser, residents see and hear
// it, one resident is brought on stage and sent back, and a resident whose browser refuses the
// camera still takes part in the Q&A. Real mediasoup, real Chromium with its fake camera.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const OFFICER = { username: 'videoofficer', displayName: 'Lt. Okafor' };

/**
 * Keeps every RTCPeerConnection the page makes, so the test can read its inbound-rtp stats
 * (decoded frames, audio energy) the way chrome://webrtc-internals would.
 */
function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const seen: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = seen;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      seen.push(this);
    }
  };
}

async function personContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['camera', 'microphone'], { origin });
  await context.addInitScript(recordPeerConnections);
  return context;
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** A remote person's camera tile, found by the name in its caption. */
const tileOf = (page: Page, name: string): Locator =>
  page.getByTestId('video-tile').filter({ has: page.locator('figcaption', { hasText: name }) }).and(page.locator('[data-local="false"]'));

/** The video's decoded-frame count, once it has a picture; 0 before that. */
const framesShown = (tile: Locator): Promise<number> =>
  tile.locator('video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0));

/** Waits until the tile's video has a picture and its frame count keeps rising. */
async function expectVideoPlaying(tile: Locator): Promise<void> {
  await expect.poll(() => framesShown(tile), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await framesShown(tile);
  await expect.poll(() => framesShown(tile), { timeout: 10_000 }).toBeGreaterThan(before + 5);
  expect(await tile.locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
}

/** Inbound RTP totals over every peer connection of the page. */
const inbound = (page: Page) =>
  page.evaluate(async () => {
    const totals = { audioEnergy: 0, audioLevel: 0, framesDecoded: 0 };
    for (const pc of (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((report: Record<string, unknown>) => {
        if (report.type !== 'inbound-rtp') return;
        if (report.kind === 'audio') {
          totals.audioEnergy += Number(report.totalAudioEnergy ?? 0);
          totals.audioLevel = Math.max(totals.audioLevel, Number(report.audioLevel ?? 0));
        } else {
          totals.framesDecoded += Number(report.framesDecoded ?? 0);
        }
      });
    }
    return totals;
  });

/** A mono 16-bit 48 kHz WAV of a sine tone at half volume. */
function sineWav(frequency: number, seconds: number): Buffer {
  const rate = 48_000;
  const samples = rate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(16_000 * Math.sin((2 * Math.PI * frequency * i) / rate)), 44 + i * 2);
  return wav;
}

describe('town hall video in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let townHallUrl: string;
  let officerId: string;

  beforeAll(async () => {
    server = await startTestServer({ media: true, clientDir: requireBuiltClient() });
    const officer = await server.app.identity.createStaff({ ...OFFICER, password: STAFF_PASSWORD, role: 'officer' });
    officerId = officer.id;
    ({ id: townHallId } = await server.townHall({
      title: 'Northside Safety Town Hall',
      hosts: [{ id: officer.id, displayName: OFFICER.displayName }],
    }));
    townHallUrl = `${server.url}/townhall/${townHallId}`;
    // As in a visitor's browser: sound plays only after the page has had a click or key press.
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=user-gesture-required',
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const producersOf = (userId: string) =>
    (server.media?.existingMedia(townHallId)?.producers() ?? []).filter((p) => p.appData.userId === userId).length;

  it('shows the officer live to residents with sound, fits layers to tiles, shares a screen, and takes a resident on stage and back', async () => {
    const officer = await newPage(await personContext(browser, server.url));
    const alice = await newPage(await personContext(browser, server.url));
    const bob = await newPage(await personContext(browser, server.url));

    await Promise.all([joinTownHall(alice, townHallUrl, 'Alice'), joinTownHall(bob, townHallUrl, 'Bob')]);
    await expect.poll(() => bob.getByTestId('media-waiting').textContent()).toContain('The officers have not started the video yet');

    await signInAsStaff(officer, server.url, OFFICER.username, new URL(townHallUrl).pathname);
    await officer.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await officer.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    await expect.poll(() => producersOf(officerId)).toBe(2);

    // Both residents see the officer's camera playing and receive sound.
    for (const resident of [alice, bob]) {
      const tile = tileOf(resident, OFFICER.displayName);
      await expectVideoPlaying(tile);
      await expect(tile.getByText('Staff', { exact: true }).count()).resolves.toBe(1);
      await expect.poll(async () => (await inbound(resident)).audioEnergy, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await inbound(resident)).framesDecoded).toBeGreaterThan(0);
      expect(await resident.getByTestId('remote-audio').evaluate((audio: HTMLAudioElement) => audio.paused)).toBe(false);
    }
    await expect.poll(() => bob.getByTestId('media-announcer').textContent()).toContain('The officers are live.');

    // A viewer silences the town hall on the page, not only with the system volume (WCAG 1.4.2), and brings it back.
    const muteSound = bob.getByRole('button', { name: 'Mute the sound' });
    const allMuted = () => bob.getByTestId('remote-audio').evaluateAll((all) => all.every((a) => (a as HTMLAudioElement).muted));
    await muteSound.click();
    expect(await muteSound.getAttribute('aria-pressed')).toBe('true');
    expect(await allMuted()).toBe(true);
    await muteSound.click();
    expect(await muteSound.getAttribute('aria-pressed')).toBe('false');
    expect(await bob.getByTestId('remote-audio').evaluateAll((all) => all.some((a) => (a as HTMLAudioElement).muted))).toBe(false);

    // Each viewer receives the simulcast layer that fits the tile it shows: 640 wide for a tile
    // under 800 px, 320 under 400 px, and more again once the tile grows (the top layer depends
    // on how much the officer's loaded machine can encode, so only "more than the smallest").
    const receivedWidth = () => tileOf(bob, OFFICER.displayName).locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth);
    await bob.setViewportSize({ width: 600, height: 900 });
    await expect.poll(receivedWidth, { timeout: 15_000 }).toBe(640);
    await bob.setViewportSize({ width: 360, height: 800 });
    await expect.poll(receivedWidth, { timeout: 15_000 }).toBe(320);
    await screenshot(bob, 'media-resident-phone');
    await bob.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(receivedWidth, { timeout: 15_000 }).toBeGreaterThan(320);
    expect(await bob.getByTestId('sound-blocked').count()).toBe(0);

    // Someone who arrives already signed in has not touched the page yet: the browser holds the
    // sound back, and one click on "Turn on sound" lets it play.
    const dan = await newPage(await browser.newContext());
    const { cookie } = await server.guest('Dan');
    const split = cookie.indexOf('=');
    await dan.context().addCookies([{ name: cookie.slice(0, split), value: cookie.slice(split + 1), url: server.url }]);
    // Watched from inside the page: any evaluation from the test counts as a user gesture.
    let reportSoundBlocked = () => {};
    const soundHeldBack = new Promise<void>((resolve) => (reportSoundBlocked = resolve));
    await dan.exposeFunction('reportSoundBlocked', () => reportSoundBlocked());
    await dan.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-testid="sound-blocked"]')) return;
        observer.disconnect();
        (window as unknown as { reportSoundBlocked: () => void }).reportSoundBlocked();
      }).observe(document, { childList: true, subtree: true });
    });
    await dan.goto(townHallUrl);
    await soundHeldBack;
    await screenshot(dan, 'media-resident-sound-held-back');
    const turnOnSound = dan.getByRole('button', { name: 'Turn on sound' });
    await turnOnSound.click();
    await expect.poll(() => dan.getByTestId('remote-audio').evaluate((audio: HTMLAudioElement) => audio.paused)).toBe(false);
    expect(await dan.getByTestId('sound-blocked').count()).toBe(0);
    await expectVideoPlaying(tileOf(dan, OFFICER.displayName));
    await dan.context().close();

    // Alice raises her hand; the officer sees it and brings her on stage.
    await alice.getByRole('button', { name: 'Raise hand to speak' }).click();
    await alice.getByRole('button', { name: 'Lower hand' }).waitFor();
    const hands = officer.getByTestId('raised-hands');
    await hands.getByText('Alice', { exact: true }).waitFor();
    await expect.poll(() => bob.getByTestId('stage').textContent()).toContain('1 hand is up');
    await hands.getByRole('button', { name: 'Bring on stage: Alice' }).click();

    await alice.getByText('You are on stage: everyone here can see and hear you.').waitFor();
    await expect.poll(() => alice.getByTestId('media-announcer').textContent()).toContain('You are on stage');
    await expectVideoPlaying(tileOf(bob, 'Alice'));
    await expectVideoPlaying(tileOf(officer, 'Alice'));
    await officer.getByTestId('stage-speakers').getByText('Alice', { exact: true }).waitFor();
    await screenshot(officer, 'media-host-with-resident-on-stage');
    await screenshot(bob, 'media-resident-watching-stage');
    await screenshot(alice, 'media-resident-on-stage');

    // Send back: Alice's producers close at once and her tile leaves every page.
    await officer.getByTestId('stage-speakers').getByRole('button', { name: 'Send back: Alice' }).click();
    await expect.poll(() => tileOf(bob, 'Alice').count()).toBe(0);
    await expect.poll(() => tileOf(officer, 'Alice').count()).toBe(0);
    await alice.getByRole('button', { name: 'Raise hand to speak' }).waitFor();
    expect(await alice.locator('[data-testid="video-tile"][data-local="true"]').count()).toBe(0);
    await expect.poll(() => alice.getByTestId('media-announcer').textContent()).toContain('You are back in the audience');
    const officerOnly = (server.media?.existingMedia(townHallId)?.producers() ?? []).map((p) => p.appData.userId);
    expect(officerOnly).toEqual([officerId, officerId]);
    // The officer's video carries on for those who stay.
    await expectVideoPlaying(tileOf(bob, OFFICER.displayName));

    // The officer shares a screen: it takes the large place on residents' pages until it stops.
    await officer.getByRole('button', { name: 'Share screen' }).click();
    const screenTile = tileOf(bob, `${OFFICER.displayName}'s screen`);
    await expectVideoPlaying(screenTile);
    expect(await bob.getByTestId('video-tile').first().getAttribute('data-source')).toBe('screen');
    await screenshot(bob, 'media-resident-sees-screen');
    await officer.getByRole('button', { name: 'Stop sharing screen' }).click();
    await expect.poll(() => screenTile.count()).toBe(0);

    expect(await accessibilityViolations(bob)).toEqual([]);
  }, 120_000);

  it('keeps the Q&A working for a resident whose browser refuses the camera, and says what to do on stage', async () => {
    const officer = await newPage(await personContext(browser, server.url));
    // Without the fake-UI flag and without a grant, Chromium refuses the prompt, as a person
    // who clicked "Block" would (with the flag it would accept every prompt).
    const refusing = await launchChromium(['--use-fake-device-for-media-stream']);
    const carol = await newPage(await refusing.newContext({ viewport: { width: 1280, height: 900 } }));
    await signInAsStaff(officer, server.url, OFFICER.username, new URL(townHallUrl).pathname);
    await joinTownHall(carol, townHallUrl, 'Carol');

    await carol.getByRole('textbox', { name: 'Your question' }).fill('Will the video be recorded?');
    await carol.getByRole('button', { name: 'Ask question' }).click();
    await carol.getByTestId('question').filter({ hasText: 'Will the video be recorded?' }).waitFor();

    // By keyboard: the hand button keeps focus as it turns into "Lower hand".
    await carol.getByRole('button', { name: 'Raise hand to speak' }).focus();
    await carol.keyboard.press('Enter');
    await expect.poll(() => carol.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Lower hand');
    await officer.getByTestId('raised-hands').getByRole('button', { name: 'Bring on stage: Carol' }).click();
    await expect.poll(() => carol.getByTestId('capture-problem').textContent()).toContain('Your browser blocked the camera and microphone');
    await screenshot(carol, 'media-resident-camera-refused');
    expect(await accessibilityViolations(carol)).toEqual([]);

    await carol.getByRole('button', { name: 'Leave stage' }).focus();
    await carol.keyboard.press('Enter');
    await expect.poll(() => carol.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Raise hand to speak');
    await expect.poll(() => carol.getByTestId('capture-problem').count()).toBe(0);
    await refusing.close();
  }, 90_000);
  it('marks the officer as speaking on every screen while their microphone carries a voice', async () => {
    // Chromium's fake microphone beeps too briefly to count as speech; a steady tone from a file
    // stands in for a voice.
    const tone = path.join(mkdtempSync(path.join(tmpdir(), 'rt-tone-')), 'tone.wav');
    writeFileSync(tone, sineWav(440, 4));
    const speaking = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${tone}`,
    ]);
    try {
      const officer = await newPage(await personContext(speaking, server.url));
      const erin = await newPage(await personContext(browser, server.url));
      await joinTownHall(erin, townHallUrl, 'Erin');
      await signInAsStaff(officer, server.url, OFFICER.username, new URL(townHallUrl).pathname);
      const goLive = officer.getByRole('button', { name: 'Go live with camera and microphone' });
      const stop = officer.getByRole('button', { name: 'Stop broadcasting' });
      await goLive.or(stop).waitFor();
      if (await goLive.isVisible()) await goLive.click();
      await stop.waitFor();
      const tile = tileOf(erin, OFFICER.displayName);
      await expect.poll(() => tile.getByTestId('speaking').count(), { timeout: 20_000 }).toBe(1);
      await screenshot(erin, 'media-resident-sees-speaker');
    } finally {
      await speaking.close();
    }
  }, 90_000);
});
