// The whole follow-through loop of issue 15, as people live it, in Debian's Chromium against a
// real SMTP server and on the app's controlled clock: a resident asks at a town hall and gives an
// address to hear back, confirmed through the link in the real mail; the host answers another
// question live and ends the town hall without reaching hers; a day later an officer takes it from
// the worklist and answers it in writing; the resident sees the notice in the app and gets the
// mail; the record shows the answer and its date; the accountability page counts it as answered
// after the meeting; and a commitment linked to it goes planned → in progress → done on
// /commitments, its asker told at each step. The API is used only to set up what nobody does by
// hand here (accounts, a unit, the SMTP relay, the scheduled town hall). Every page is checked
// with axe as it is visited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FollowUpView } from '../../shared/followups.js';
import { dayOf } from '../../server/commitments/rules.js';
import { startTestServer, type Session, type TestServer } from '../support/server.js';
import { linkIn, startSmtp, type Received } from '../support/smtp.js';
import {
  accessibilityViolations,
  joinTownHall,
  launchChromium,
  personPage,
  questionCard as card,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

const DAY = 24 * 3600 * 1000;
const ASKED = 'Can the city put a crossing guard at Elm and 5th before school starts?';
const LIVE = 'Who do I call about a broken streetlight on Oak Avenue?';
const ANSWER = 'Yes: a crossing guard starts at Elm and 5th on Monday, 7:30 to 8:30 am.';
const COMMITMENT = 'A crossing guard at Elm and 5th on every school day, 7:30 to 8:30 am';
const ADDRESS = 'ana@example.org';
// Arrivals cross the server, SMTP and a browser on two shared cores.
const SOON = { timeout: 15_000 };

describe('the follow-through loop in the browser', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let townHallUrl: string;
  let admin: Session;
  // The server's clock runs with real time, moved forward when the story says "a day later".
  let shift = 0;
  const now = () => Date.now() + shift;
  // The people, each in a browser context of their own.
  let ana: Page;
  let ben: Page;
  let host: Page;
  let officer: Page;

  // The people's browsers live in the same world as the server: their clocks move with it.
  async function later(ms: number) {
    shift += ms;
    await Promise.all([ana, ben, host, officer].map((page) => page.context().clock.setSystemTime(now())));
  }
  async function axe(page: Page, name: string) {
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `loop-${name}`);
  }
  const publicFollowUp = async (): Promise<FollowUpView | undefined> => {
    const res = await fetch(`${server.url}/api/townhalls/${townHallId}/followups`);
    return ((await res.json()) as { followUps: FollowUpView[] }).followUps.find((f) => f.questionText === ASKED);
  };
  const askedQuestionId = async () => (await server.stores.questions.listVisible(townHallId)).find((q) => q.text === ASKED)!.id;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ clientDir: requireBuiltClient(), now });
    await server.stores.notifications.putMailSettings({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', from: 'pd@example.org', retentionDays: 30 });
    admin = await server.staff('admin', 'Admin Ada');
    const res = await fetch(`${server.url}/api/admin/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie },
      body: JSON.stringify({ en: 'Patrol', es: 'Patrulla' }),
    });
    expect(res.status).toBe(201);
    const kim = await server.app.identity.createStaff({ username: 'loophost', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Kim' });
    await server.app.identity.createStaff({ username: 'loopofficer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Ofc. Lee' });
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: kim.id, displayName: kim.displayName }] })).id;
    townHallUrl = `${server.url}/townhall/${townHallId}`;
    browser = await launchChromium();
    [ana, ben, host, officer] = await Promise.all([personPage(browser), personPage(browser, 390, 844), personPage(browser), personPage(browser)]);
    await Promise.all([ana, ben, host, officer].map((page) => page.context().clock.install({ time: now() })));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  it('lets a resident ask, and confirm an address to hear back from the link in the mail', async () => {
    await Promise.all([joinTownHall(ana, townHallUrl, 'Ana'), joinTownHall(ben, townHallUrl, 'Ben')]);
    await ana.getByRole('textbox', { name: 'Your question' }).fill(ASKED);
    await ana.getByRole('button', { name: 'Ask question' }).click();
    await ben.getByRole('textbox', { name: 'Your question' }).fill(LIVE);
    await ben.getByRole('button', { name: 'Ask question' }).click();
    await expect.poll(() => card(ana, LIVE).count(), SOON).toBe(1);
    await expect.poll(() => card(ben, ASKED).count(), SOON).toBe(1);
    await axe(ana, 'townhall-resident');

    // The asker follows her question from the start; on her notices page she asks for mail too.
    await ana.getByTestId('notices-link').click();
    await ana.getByRole('heading', { level: 1, name: 'Notices' }).waitFor();
    const followed = ana.getByTestId('followed').filter({ hasText: ASKED });
    await followed.waitFor();
    expect(await followed.textContent()).toContain('Notices appear on this page only.');
    const confirmation = smtp.next(ADDRESS, SOON.timeout);
    await followed.getByRole('textbox', { name: 'Also tell me by e-mail (optional)' }).fill(ADDRESS);
    await followed.getByRole('button', { name: 'Send confirmation' }).click();
    await expect.poll(() => followed.textContent(), SOON).toContain('Check your e-mail');
    await axe(ana, 'notices-pending');

    const confirmPage = await ana.context().newPage();
    await confirmPage.goto(linkIn((await confirmation).body, '/mail/confirm').href);
    await expect.poll(() => confirmPage.getByTestId('mail-link-done').textContent(), SOON).toContain('Your address is confirmed.');
    await axe(confirmPage, 'mail-confirmed');
    await confirmPage.close();
    await ana.reload();
    await expect.poll(() => ana.getByTestId('followed').filter({ hasText: ASKED }).textContent(), SOON).toContain('You also get these notices by e-mail.');
  });

  it('lets the host answer another question live and end the town hall without reaching hers', async () => {
    await ana.goto(townHallUrl);
    await signInAsStaff(host, server.url, 'loophost', `/townhall/${townHallId}`);
    await card(host, LIVE).getByRole('button', { name: 'Mark answered' }).click();
    await expect.poll(() => ana.getByTestId('answered').textContent(), SOON).toContain(LIVE);
    await axe(host, 'townhall-host');

    await host.getByRole('button', { name: 'End town hall' }).click();
    await host.getByRole('button', { name: 'Yes, end it for everyone' }).click();
    await ana.getByTestId('status-badge').filter({ hasText: 'Ended' }).waitFor(SOON);
    expect(await ana.getByTestId('answered').textContent()).not.toContain(ASKED);

    // From the ended town hall she reads its record: her question waits for the department.
    await ana.getByRole('link', { name: /public record/ }).click();
    const mine = ana.getByTestId('record-question').filter({ hasText: ASKED });
    await expect.poll(() => mine.getByTestId('follow-up-status').textContent(), SOON).toBe('Waiting for the department');
    expect((await publicFollowUp())?.status).toBe('open');
    await axe(ana, 'record-waiting');
  });

  it('lets an officer take it from the worklist a day later and answer it in writing', async () => {
    await later(DAY);
    await signInAsStaff(officer, server.url, 'loopofficer', '/followups');
    await officer.getByRole('heading', { level: 1, name: 'Follow-ups' }).waitFor();
    // Nobody has it yet: it waits among the unassigned, and the question answered live is not there.
    await officer.getByRole('radio', { name: 'Unassigned' }).check();
    const item = officer.getByTestId('worklist-item').filter({ hasText: ASKED });
    await item.waitFor(SOON);
    expect(await officer.getByTestId('worklist-item').filter({ hasText: LIVE }).count()).toBe(0);
    await axe(officer, 'followups-open');

    await item.getByRole('button', { name: 'Take it' }).click();
    await expect.poll(() => item.textContent(), SOON).toContain('Assigned to Ofc. Lee');
    await item.getByRole('textbox', { name: 'Written answer (public)' }).fill(ANSWER);
    const answerMail = smtp.next(ADDRESS, SOON.timeout);
    // Her notice arrives live wherever she is: she is reading the record.
    expect(await ana.getByTestId('notices-link').textContent()).not.toContain('new');
    await item.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => item.textContent(), SOON).toContain('Answer published.');
    expect(await item.textContent()).toContain(ANSWER);
    await axe(officer, 'followups-answered');

    // The answer was published a day after the town hall, on the server's clock.
    const followUp = await publicFollowUp();
    expect(followUp?.status).toBe('answered');
    expect(followUp!.answer!.at - (await server.app.townHalls.require(townHallId)).endedAt!).toBeGreaterThanOrEqual(DAY);

    // The mail carries the answer and a one-click unsubscribe; it is the last, so the address goes.
    const mail: Received = await answerMail;
    expect(mail.body).toContain('It was answered after the town hall');
    expect(mail.body).toContain(ANSWER);
    expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const questionId = await askedQuestionId();
    await expect.poll(async () => (await server.stores.notifications.confirmedAddresses(questionId)).length, SOON).toBe(0);
  });

  it('shows the resident the notice in the app', async () => {
    const link = ana.getByTestId('notices-link');
    await expect.poll(() => link.textContent(), SOON).toContain('(1 new)');
    // Said to screen readers too, politely, on the page she is reading.
    await expect.poll(() => ana.getByTestId('follow-announcer').textContent(), SOON).toContain(`New notice about “${ASKED}”`);
    await link.click();
    const notice = ana.getByTestId('follow-notice').filter({ hasText: ASKED });
    await expect.poll(() => notice.textContent(), SOON).toContain('Your question was answered after the meeting');
    expect(await notice.textContent()).toContain(ANSWER);
    // The address was deleted with the last mail, and the page says so.
    await expect.poll(() => ana.getByTestId('followed').filter({ hasText: ASKED }).textContent(), SOON).toContain('Notices appear on this page only.');
    await axe(ana, 'notices-answered');
    await ana.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => link.textContent(), SOON).not.toContain('new');
  });

  it('shows the answer and its date on the record page', async () => {
    const notice = ana.getByTestId('follow-notice').filter({ hasText: ASKED });
    await notice.getByRole('link', { name: "See the town hall's record" }).click();
    const mine = ana.getByTestId('record-question').filter({ hasText: ASKED });
    await expect.poll(() => mine.getByTestId('follow-up-status').textContent(), SOON).toBe('Answered after the meeting');
    const answer = mine.getByTestId('follow-up-answer');
    const followUp = (await publicFollowUp())!;
    const day = new Intl.DateTimeFormat('en', { dateStyle: 'full' }).format(followUp.answer!.at);
    expect(await answer.textContent()).toContain(ANSWER);
    expect(await answer.textContent()).toContain(`Answer by Ofc. Lee, ${day}`);
    // The dated history: entered when the town hall ended, taken and answered a day later.
    await mine.getByText('History').click();
    const steps = mine.getByTestId('follow-up-history').getByRole('listitem');
    await expect.poll(() => steps.count()).toBe(3);
    expect(await steps.nth(0).textContent()).toContain('Entered the follow-up queue');
    expect(await steps.nth(2).textContent()).toContain('Answered, by Ofc. Lee');
    expect(await steps.nth(2).locator('time').getAttribute('datetime')).toBe(new Date(followUp.answer!.at).toISOString());
    // The question answered live is in the answered list.
    expect(await ana.getByRole('region', { name: 'Answered questions' }).textContent()).toContain(LIVE);
    await axe(ana, 'record-answered');
  });

  it('counts it as answered after the meeting on the accountability page', async () => {
    await ana.getByRole('link', { name: "The department's record over time" }).click();
    await ana.getByRole('heading', { level: 1, name: 'Accountability' }).waitFor();
    const figures = ana.getByTestId('figures');
    await expect.poll(() => figures.textContent(), SOON).toMatch(/Questions received\s*2/);
    const text = await figures.textContent();
    expect(text).toMatch(/Town halls held\s*1/);
    expect(text).toMatch(/Answered live\s*1/);
    expect(text).toMatch(/Answered after\s*1/);
    expect(text).toMatch(/Never answered\s*0/);
    expect(text).toMatch(/Share answered\s*100%/);
    expect(text).toMatch(/Median time to answer after\s*1 d/);
    await axe(ana, 'accountability');
  });

  it('tracks a commitment linked to it from planned to done on /commitments', async () => {
    // The host records what the department will do, on the record page, linked to her question.
    await host.goto(`${townHallUrl}/record`);
    const form = host.getByRole('form', { name: 'Record a commitment' });
    await form.waitFor(SOON);
    await form.getByLabel('What the department will do').fill(COMMITMENT);
    await form.getByLabel('Owning unit').selectOption({ label: 'Patrol' });
    await form.getByLabel('Due date').fill(dayOf(now() + 30 * DAY));
    await form.getByRole('checkbox', { name: ASKED }).check();
    await form.getByRole('button', { name: 'Record commitment' }).click();
    await form.getByText('Commitment recorded.').waitFor(SOON);
    await host.getByTestId('record-commitments').getByRole('heading', { name: COMMITMENT }).waitFor();
    await axe(host, 'record-host');

    // Then moves it on the commitments page as the work goes.
    await host.goto(`${server.url}/commitments`);
    const mine = host.getByTestId('commitment').filter({ hasText: COMMITMENT });
    await mine.waitFor(SOON);
    expect(await mine.getByTestId('commitment-status').textContent()).toContain('Planned');
    await axe(host, 'commitments-host');
    const move = async (status: string, text: string) => {
      const open = await mine.locator('details').evaluate((d) => (d as HTMLDetailsElement).open);
      if (!open) await mine.getByText('Post an update').click();
      await mine.getByLabel('Change the status').selectOption({ label: status });
      await mine.getByLabel('Update (public)').fill(text);
      await mine.getByRole('button', { name: 'Post update' }).click();
      await expect.poll(() => mine.getByTestId('commitment-status').textContent(), SOON).toContain(status);
    };
    await move('In progress', 'The guard was hired and trained.');
    await later(3 * DAY);
    await move('Done', 'The guard is at the crossing every school day.');

    // Everyone reads it, done, with her question and the dated updates.
    await ben.goto(`${server.url}/commitments`);
    const seen = ben.getByTestId('commitment').filter({ hasText: COMMITMENT });
    await seen.waitFor(SOON);
    expect(await seen.getByTestId('commitment-status').textContent()).toContain('Done');
    expect(await seen.textContent()).toContain(ASKED);
    const updates = seen.getByTestId('commitment-updates').getByRole('listitem');
    expect(await updates.count()).toBe(2);
    expect(await updates.nth(1).textContent()).toContain('The guard is at the crossing every school day.');
    // Each update is dated when it was posted: done three days after work started.
    const [started, done] = await Promise.all([0, 1].map(async (i) => Date.parse((await updates.nth(i).locator('time').getAttribute('datetime'))!)));
    expect(done! - started!).toBeGreaterThanOrEqual(3 * DAY);
    expect(await seen.getByTestId('commitment-overdue').count()).toBe(0);
    expect(await ben.getByText('Post an update').count()).toBe(0);
    await axe(ben, 'commitments-phone');

    // The asker heard of each step in the app.
    await ana.goto(`${server.url}/notices`);
    const notices = ana.getByTestId('follow-notice').filter({ hasText: ASKED });
    await expect.poll(() => notices.count(), SOON).toBe(4);
    const titles = await notices.locator('h3').allTextContents();
    expect(titles.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'New Its commitment is now done',
      'New Its commitment is now in progress',
      'New The department made a commitment about your question',
      'Your question was answered after the meeting',
    ]);
    await axe(ana, 'notices-commitment');

    // And the figures count the commitment, done on time (read on Ben's phone: Ana's browser may
    // keep her earlier read of the figures for the minute their Cache-Control allows).
    await ben.goto(`${server.url}/accountability`);
    const figures = ben.getByTestId('figures');
    await expect.poll(() => figures.textContent(), SOON).toMatch(/Commitments made\s*1/);
    expect(await figures.textContent()).toMatch(/Share done on time\s*100%/);
  }, 120_000);
});
