// The presenter screen on a hall's projector: the host opens it, it shows the join code as a QR
// code and a link, follows "answering now" as the host moves on with the keyboard from their
// own page or from the screen, never scrolls at projector sizes, and reads in both languages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { command, startTestServer, unwrap, type ClientSocket, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const LONG_QUESTION =
  'Since the new traffic pattern started on Elm Street and Cedar Avenue, cars speed through the school zone every morning between seven and nine, ' +
  'the crossing guard has been missing on most days, two children were nearly hit last week near the library, and the flashing sign by the park ' +
  'has been broken for a month: what will the department do about enforcement there, who decides where speed cameras go, and will residents get ' +
  'a say before anything changes, since we raised this at three meetings?';

/** Neither the page nor the question's own box has anything hidden below or beside it. */
async function fits(page: Page): Promise<{ page: boolean; question: boolean }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const text = document.querySelector<HTMLElement>('[data-testid="presenter-now"] .now-text');
    return {
      page: root.scrollHeight <= window.innerHeight && root.scrollWidth <= window.innerWidth,
      question: text !== null && text.scrollHeight <= text.clientHeight + 1 && text.scrollWidth <= text.clientWidth + 1,
    };
  });
}

const nowShowing = (page: Page) => page.getByTestId('presenter-now').locator('.now-text').textContent();

describe('the presenter screen', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let hostId: string;
  let admin: ClientSocket;
  let livePollId: string;
  const questions: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    const host = await server.app.identity.createStaff({ username: 'presenter', password: STAFF_PASSWORD, role: 'officer', displayName: 'Lt. Park' });
    hostId = host.id;
    townHallId = (await server.townHall({ title: 'Westside community night', hosts: [{ id: host.id, displayName: host.displayName }] })).id;
    browser = await launchChromium();

    // Residents ask and vote from their phones; the host runs a poll with live results.
    const join = async (name: string): Promise<ClientSocket> => {
      const socket = await server.connect(await server.guest(name));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      return socket;
    };
    const voters = await Promise.all(['Ana', 'Ben', 'Cy'].map(join));
    const asked: [string, string, number][] = [
      ['first', 'Why are patrols fewer on Main Street after dark?', 3],
      ['second', 'Who do I call about a broken streetlight?', 2],
      ['long', LONG_QUESTION, 1],
      ['last', 'Is the youth league getting a new coach?', 0],
    ];
    for (const [key, text, votes] of asked) {
      const asker = await join(`Asker ${key}`);
      const q = unwrap(await command(asker, 'qa:ask', { townHallId, text }));
      for (const voter of voters.slice(0, votes)) unwrap(await command(voter, 'qa:vote', { questionId: q.id, voted: true }));
      questions[key] = q.id;
    }
    admin = await server.connect(await server.staff('admin'));
    unwrap(await command(admin, 'townhall:join', { townHallId }));
    const poll = unwrap(
      await command(admin, 'poll:create', { townHallId, kind: 'single', question: 'Which park needs lighting first?', options: ['Riverside', 'Oak Hollow', 'Maple Green'] }),
    );
    unwrap(await command(admin, 'poll:open', { pollId: poll.id }));
    livePollId = poll.id;
    for (const [i, voter] of voters.entries()) {
      unwrap(await command(voter, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[i % 2]!.id } }));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the join QR code and link, and follows the host moving on with the keyboard from either screen', async () => {
    const screen = await personPage(browser, 1920, 1080);
    await signInAsStaff(screen, server.url, 'presenter', `/townhall/${townHallId}/present`);
    await screen.getByTestId('presenter-screen').waitFor();
    await screen.getByText('The next question will appear here.').waitFor();

    // The QR code is the library's drawing, and the link carries the hall's current code.
    const qr = screen.getByTestId('presenter-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    const d = await qr.locator('path').last().getAttribute('d');
    expect(d?.length).toBeGreaterThan(200);
    const { code } = await hallCode();
    const link = await screen.getByTestId('presenter-link').textContent();
    expect(link).toBe(`${new URL(server.url).host}/h/${code}`);
    expect(await qr.getAttribute('aria-label')).toContain(`${server.url}/h/${code}`);
    // Someone in the hall who opens it lands in the town hall and joins with the code.
    const neighbour = await personPage(browser, 390, 844);
    await neighbour.goto(`${server.url}/h/${code}`);
    expect(neighbour.url()).toBe(`${server.url}/townhall/${townHallId}?hall=${code}`);
    await neighbour.getByRole('textbox', { name: 'Your display name' }).fill('Neighbour');
    await neighbour.getByRole('button', { name: 'Join' }).click();
    await neighbour.getByText('You are in with the hall code.').waitFor();
    await neighbour.context().close();
    // The open poll's live chart, and the next questions in ranking order.
    await screen.getByTestId('presenter-poll').getByRole('img', { name: /3 ballots/ }).waitFor();
    const next = screen.getByTestId('presenter-next').getByRole('listitem');
    await expect.poll(() => next.allTextContents()).toEqual([
      expect.stringContaining('Why are patrols fewer'),
      expect.stringContaining('broken streetlight'),
      expect.stringContaining('Since the new traffic pattern'),
    ]);
    expect(await fits(screen)).toMatchObject({ page: true });
    await screenshot(screen, 'presenter-1920-waiting');

    // The host moves on from their own page with N: the screen follows.
    const hostPage = await personPage(browser, 1280, 900);
    await signInAsStaff(hostPage, server.url, 'presenter', `/townhall/${townHallId}`);
    const control = hostPage.getByRole('region', { name: 'Presenter screen and next question' });
    await control.getByRole('button', { name: 'Next question' }).waitFor();
    expect(await control.getByRole('link', { name: 'Open the presenter screen (new tab)' }).getAttribute('href')).toBe(`/townhall/${townHallId}/present`);
    await hostPage.locator('body').click({ position: { x: 5, y: 5 } });
    await hostPage.keyboard.press('n');
    await expect.poll(() => nowShowing(screen)).toBe('Why are patrols fewer on Main Street after dark?');
    await control.getByText('Now answering: Why are patrols fewer on Main Street after dark?').waitFor();
    await screenshot(hostPage, 'presenter-host-control');
    expect(await accessibilityViolations(hostPage)).toEqual([]);
    // The host's control in Spanish and on a phone, then back for the rest.
    await hostPage.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await hostPage.getByRole('region', { name: 'Pantalla de proyección y siguiente pregunta' }).waitFor();
    await hostPage.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityViolations(hostPage)).toEqual([]);
    await hostPage.setViewportSize({ width: 1280, height: 900 });
    await hostPage.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();

    // Typing N in a field types it; it does not move on.
    const field = hostPage.getByRole('textbox', { name: 'Your question' });
    await field.fill('');
    await field.press('n');
    await field.press('ArrowRight');
    expect(await field.inputValue()).toBe('n');
    expect((await server.stores.questions.getQuestion(questions.first!))!.answerState).toBe('answering');

    // → from the host's page, then N on the presenter screen itself.
    await hostPage.locator('body').click({ position: { x: 5, y: 5 } });
    await hostPage.keyboard.press('ArrowRight');
    await expect.poll(() => nowShowing(screen)).toBe('Who do I call about a broken streetlight?');
    await screen.keyboard.press('n');
    await expect.poll(() => nowShowing(screen)).toBe(LONG_QUESTION);
    expect((await server.stores.questions.getQuestion(questions.second!))!.answerState).toBe('answered');

    // The longest question fits at both projector sizes, and nothing scrolls.
    await expect.poll(() => fits(screen)).toEqual({ page: true, question: true });
    await screenshot(screen, 'presenter-1920-long');
    await screen.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => fits(screen)).toEqual({ page: true, question: true });
    await screenshot(screen, 'presenter-1280-long');
    expect(await accessibilityViolations(screen)).toEqual([]);

    // In Spanish too, with the page's language set for screen readers.
    await screen.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await screen.getByRole('heading', { name: 'Respondiendo ahora' }).waitFor();
    expect(await screen.evaluate(() => document.documentElement.lang)).toBe('es');
    expect(await screen.getByTestId('presenter-screen').getAttribute('lang')).toBe('es');
    await expect.poll(() => fits(screen)).toEqual({ page: true, question: true });
    await screenshot(screen, 'presenter-1280-es');
    expect(await accessibilityViolations(screen)).toEqual([]);
    await screen.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => fits(screen)).toEqual({ page: true, question: true });
    await screenshot(screen, 'presenter-1920-es');
    expect(await accessibilityViolations(screen)).toEqual([]);
    await screen.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();

    // A poll whose results are for staff shows none on the projector, though the host may read them.
    unwrap(await command(admin, 'poll:close', { pollId: livePollId }));
    const staffOnly = unwrap(
      await command(admin, 'poll:create', { townHallId, kind: 'single', question: 'Should we meet monthly?', options: ['Yes', 'No'], visibility: 'staff' }),
    );
    unwrap(await command(admin, 'poll:open', { pollId: staffOnly.id }));
    const pollPanel = screen.getByTestId('presenter-poll');
    await pollPanel.getByText('Should we meet monthly?').waitFor();
    await pollPanel.getByText('The results of this poll are not shown on screen.').waitFor();
    expect(await pollPanel.getByRole('img').count()).toBe(0);
    unwrap(await command(admin, 'poll:close', { pollId: staffOnly.id }));
    await expect.poll(() => pollPanel.count()).toBe(0);
    await expect.poll(() => fits(screen)).toEqual({ page: true, question: true });
    await screenshot(screen, 'presenter-1920-no-poll');

    // On a phone, the same screen is one column, still axe-clean.
    await screen.setViewportSize({ width: 390, height: 844 });
    await screenshot(screen, 'presenter-phone');
    expect(await screen.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await accessibilityViolations(screen)).toEqual([]);
    await screen.context().close();
    await hostPage.context().close();
  });

  it('tells anyone but its hosts that the screen is theirs, and shows them no code', async () => {
    const resident = await personPage(browser, 1280, 720);
    await resident.goto(`${server.url}/townhall/${townHallId}`);
    await resident.getByRole('textbox', { name: 'Your display name' }).fill('Curious');
    await resident.getByRole('button', { name: 'Join' }).click();
    await resident.getByRole('textbox', { name: 'Your question' }).waitFor();
    await resident.goto(`${server.url}/townhall/${townHallId}/present`);
    await resident.getByTestId('presenter-message').getByText(/Only this town hall's hosts can open its presenter screen/).waitFor();
    expect(await resident.getByTestId('presenter-qr').count()).toBe(0);
    expect(await accessibilityViolations(resident)).toEqual([]);
    await resident.context().close();
  });

  it('explains that a town hall that is not live has no presenter screen, in both languages', async () => {
    const later = await server.townHall({ title: 'Spring safety forum', status: 'scheduled', hosts: [{ id: hostId, displayName: 'Lt. Park' }] });
    const screen = await personPage(browser, 1280, 720);
    await signInAsStaff(screen, server.url, 'presenter', `/townhall/${later.id}/present`);
    await screen.getByTestId('presenter-message').getByText('This town hall has not started yet.', { exact: false }).waitFor();
    expect(await screen.getByTestId('presenter-qr').count()).toBe(0);
    expect(await accessibilityViolations(screen)).toEqual([]);
    await screenshot(screen, 'presenter-not-live');
    await screen.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await screen.getByTestId('presenter-message').getByText('Esta reunión aún no ha empezado.', { exact: false }).waitFor();
    expect(await accessibilityViolations(screen)).toEqual([]);
    await screen.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();
    expect((await server.app.townHalls.require(later.id)).status).toBe('scheduled');

    // Started, the screen opens by itself; ended, it takes the code down and says why.
    const host = await server.connect(await loginHost());
    unwrap(await command(host, 'townhall:join', { townHallId: later.id }));
    unwrap(await command(host, 'townhall:start', { townHallId: later.id }));
    await screen.getByTestId('presenter-qr').waitFor();
    unwrap(await command(host, 'townhall:end', { townHallId: later.id }));
    await screen.getByTestId('presenter-message').getByText('This town hall has ended.', { exact: false }).waitFor();
    expect(await screen.getByTestId('presenter-qr').count()).toBe(0);
    await screen.context().close();
  });

  /** The code the host would be shown now, read as the host's page reads it. */
  async function hallCode(): Promise<{ code: string }> {
    const socket = await server.connect(await loginHost());
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    const { hallCode: code } = unwrap(await command(socket, 'townhall:present', { townHallId }));
    socket.disconnect();
    return code;
  }

  async function loginHost() {
    const res = await fetch(`${server.url}/api/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'presenter', password: STAFF_PASSWORD }),
    });
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    return { cookie, me: ((await res.json()) as { me: never }).me };
  }
});
