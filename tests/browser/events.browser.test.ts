// An officer schedules a town hall with the form, goes live and ends it; a resident watching the
// page sees each change as it happens, and the home page files it under past town halls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('town hall events in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient(), media: true });
    await server.app.identity.createStaff({ username: 'officer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Reyes' });
    await server.app.identity.createStaff({ username: 'officer2', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Okafor' });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('schedules, goes live and ends a town hall while a resident watches it change', async () => {
    const officer = await personPage(browser);
    await officer.context().grantPermissions(['camera', 'microphone'], { origin: server.url });
    await signInAsStaff(officer, server.url, 'officer', '/');
    await officer.getByRole('link', { name: 'Schedule a town hall' }).click();
    await officer.getByRole('textbox', { name: 'Title' }).fill('Eastside traffic and parking');
    await officer.getByRole('textbox', { name: 'Description' }).fill('Speeding on Elm Street, parking near the market.');
    await officer.getByLabel('Date and time').fill('2030-05-14T18:30');
    await officer.getByRole('checkbox', { name: 'Lt. Okafor' }).check();
    expect(await officer.getByRole('checkbox', { name: 'Sgt. Reyes' }).isChecked()).toBe(true);
    await screenshot(officer, 'events-schedule-form');
    expect(await accessibilityViolations(officer)).toEqual([]);
    await officer.getByRole('button', { name: 'Schedule' }).click();

    await officer.getByRole('heading', { level: 1, name: 'Eastside traffic and parking' }).waitFor();
    await officer.getByText('Hosted by Sgt. Reyes, Lt. Okafor').waitFor();
    const townHallUrl = officer.url();
    const [stored] = (await server.app.townHalls.list()).filter((t) => t.title === 'Eastside traffic and parking');
    expect(stored).toMatchObject({ status: 'scheduled', startsAt: new Date('2030-05-14T18:30').getTime() });

    const resident = await personPage(browser);
    await joinTownHall(resident, townHallUrl, 'Ana');
    await resident.getByTestId('status-badge').filter({ hasText: 'Scheduled' }).waitFor();
    expect(await resident.getByRole('button', { name: 'Start the town hall' }).count()).toBe(0);
    await expect.poll(() => resident.getByTestId('media-waiting').textContent()).toContain('The officers have not started the video yet');

    await officer.getByRole('button', { name: 'Start the town hall' }).click();
    await resident.getByTestId('status-badge').filter({ hasText: 'Live now' }).waitFor();
    // Once the event is live, the host turns on camera and microphone, and the resident sees them.
    await officer.getByRole('button', { name: 'Go live with camera and microphone' }).click();
    await officer.getByRole('button', { name: 'Stop broadcasting' }).waitFor();
    await expect
      .poll(() => resident.getByTestId('video-tile').locator('video').first().evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await screenshot(officer, 'events-host-live');

    await officer.getByRole('button', { name: 'End town hall' }).click();
    await officer.getByText('It cannot be undone.').waitFor();
    await officer.getByRole('button', { name: 'Yes, end it for everyone' }).click();
    await resident.getByTestId('status-badge').filter({ hasText: 'Ended' }).waitFor();
    // Ending closes the video on every screen.
    await expect.poll(() => resident.getByTestId('video-tile').count()).toBe(0);
    await expect.poll(() => server.media!.stats().transports).toBe(0);
    await resident.getByRole('link', { name: /public record/ }).waitFor();
    await screenshot(resident, 'events-resident-ended');
    expect((await server.app.townHalls.require(stored!.id)).status).toBe('ended');

    await resident.goto(server.url);
    const past = resident.getByRole('region', { name: 'Past town halls' });
    await past.getByRole('link', { name: 'Eastside traffic and parking' }).waitFor();
    await screenshot(resident, 'events-home');
    expect(await accessibilityViolations(resident)).toEqual([]);
  });
});
