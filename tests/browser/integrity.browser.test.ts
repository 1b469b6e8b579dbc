// One person, one voice, as people meet it: a browser does the proof of work a busy network
// is asked for without the resident noticing more than a pause, and a host's hall code lets
// the people in the room join from its link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  fillJoinForm,
  joinTownHall,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('one person, one voice in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let townHallUrl: string;

  beforeAll(async () => {
    // Every new identity from this machine is asked for work, at a cost a test can afford.
    server = await startTestServer({
      clientDir: requireBuiltClient(),
      integrity: { votesPerNetwork: 10, identities: { freePerNetwork: 0, baseWork: 500, maxWork: 1000 } },
    });
    const host = await server.app.identity.createStaff({ username: 'hallhost', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Okafor' });
    townHallId = (await server.townHall({ title: 'Community centre night', hosts: [{ id: host.id, displayName: host.displayName }] })).id;
    townHallUrl = `${server.url}/townhall/${townHallId}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('does the proof of work in the browser and joins', async () => {
    const page = await personPage(browser);
    const challenged: number[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/api/session/guest')) challenged.push(res.status());
    });
    await joinTownHall(page, townHallUrl, 'Pat');
    expect(challenged).toEqual([428, 200]);
  });

  it('shows hosts the hall code, and lets a resident in from its link without a challenge', async () => {
    const host = await personPage(browser);
    await signInAsStaff(host, server.url, 'hallhost', `/townhall/${townHallId}`);
    const panel = host.getByRole('region', { name: 'People in the room' });
    const link = await panel.getByRole('link').textContent();
    expect(link).toMatch(/\?hall=[A-Z0-9]{6}$/);
    await screenshot(host, 'hall-code-host');
    expect(await accessibilityViolations(host)).toEqual([]);
    // The same panel in Spanish, still axe-clean, then back to English for the rest.
    await host.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    const panelEs = host.getByRole('region', { name: 'Personas en la sala' });
    await panelEs.getByText('Código de la sala').waitFor();
    await screenshot(host, 'hall-code-host-es');
    expect(await accessibilityViolations(host)).toEqual([]);
    await host.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();

    const resident = await personPage(browser, 390, 844);
    const statuses: number[] = [];
    resident.on('response', (res) => {
      if (res.url().endsWith('/api/session/guest')) statuses.push(res.status());
    });
    await resident.goto(link!);
    await fillJoinForm(resident, 'Neighbour');
    await resident.getByText('You are in with the hall code.').waitFor();
    await resident.getByRole('textbox', { name: 'Your question' }).waitFor();
    expect(statuses).toEqual([200]);
    await screenshot(resident, 'hall-code-resident');
    const me = (await (await resident.request.get(`${server.url}/api/session`)).json()) as { me: { id: string } };
    expect(await server.stores.townHalls.isAdmitted(townHallId, me.me.id)).toBe(true);
  });
});
