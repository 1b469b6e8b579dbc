// The public record as people read it: after a town hall with answered, unanswered, removed and
// held questions, a poll, chat and captions has ended, anyone opens its record page; an admin
// turns a section off and sets how long guests' names are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TownHallRecordView } from '../../shared/record.js';
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

const REMOVED_TEXT = 'REMOVED-TEXT the sergeant lives on Elm';
const HELD_TEXT = 'HELD-TEXT about the dirtycop';

describe('the town hall record in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let recordUrl: string;
  let resident: Page;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    await server.app.identity.createStaff({ username: 'recordadmin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin Ada' });
    const officerSession = await server.staff('officer', 'Sgt. Kim');
    townHallId = (await server.townHall({ title: 'Eastside Town Hall', hosts: [{ id: officerSession.me.id, displayName: 'Sgt. Kim' }] })).id;
    recordUrl = `${server.url}/townhall/${townHallId}/record`;
    const join = async (s: ClientSocket) => (unwrap(await command(s, 'townhall:join', { townHallId })), s);
    const officer = await join(await server.connect(officerSession));
    const moderator = await join(await server.connect(await server.staff('moderator')));
    const guest = async (name: string) => join(await server.connect(await server.guest(name)));
    const ask = async (s: ClientSocket, text: string, anonymous = false) => unwrap(await command(s, 'qa:ask', { townHallId, text, anonymous })).id;

    const [alice, bob, cara, dev, eli] = await Promise.all(['Alice Rivera', 'Bob Chen', 'Cara Diaz', 'Dev Patel', 'Eli Moss'].map(guest));
    const live = await ask(alice!, 'Will the station open on Sundays?');
    const written = await ask(bob!, 'Why was my noise complaint never answered?', true);
    await ask(cara!, 'When will the streetlights on Elm Street be fixed?');
    const removed = await ask(dev!, REMOVED_TEXT);
    await ask(eli!, HELD_TEXT);
    unwrap(await command(officer, 'qa:set-answer-state', { questionId: live, state: 'answered' }));
    unwrap(await command(officer, 'qa:answer', { questionId: written, text: 'It was lost in a system move. We have called you back.' }));
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'question', id: removed }, action: 'remove', reason: 'harassment' }));
    const poll = unwrap(await command(officer, 'poll:create', { townHallId, kind: 'single', question: 'Which park first?', options: ['Riverside Park', 'Oak Park'] }));
    unwrap(await command(officer, 'poll:open', { pollId: poll.id }));
    for (const s of [alice!, bob!]) unwrap(await command(s, 'poll:vote', { pollId: poll.id, ballot: { kind: 'single', optionId: poll.options[0]!.id } }));
    unwrap(await command(officer, 'poll:close', { pollId: poll.id }));
    const line = { townHallId, authorRole: null, status: 'published' as const, holdReason: null, filterHits: [] };
    await server.stores.chat.add({ ...line, authorId: 'guest-alice', authorName: 'Alice Rivera', text: 'Thanks for doing this online.' });
    await server.stores.chat.add({ ...line, authorId: officerSession.me.id, authorName: 'Sgt. Kim', authorRole: 'officer', text: 'Thank you for coming.' });
    await server.stores.chat.add({ ...line, authorId: 'guest-dev', authorName: 'Dev Patel', text: 'CHAT-REMOVED insult', status: 'removed' });
    await server.stores.captions.add({ townHallId, authorId: officerSession.me.id, authorRole: 'officer', text: 'Good evening, and welcome to Eastside.' });

    browser = await launchChromium();
    resident = await personPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says the record comes once the town hall has ended', async () => {
    await resident.goto(recordUrl);
    await expect.poll(() => resident.getByRole('alert').textContent()).toContain('The record is published once the town hall has ended.');
    expect(await accessibilityViolations(resident)).toEqual([]);
  });

  it('shows the figures, every outcome, the poll chart, transcripts and moderation totals of the ended event', async () => {
    const host = await server.app.identity.sessionUser((await server.app.townHalls.require(townHallId)).hosts[0]!.id);
    await server.app.townHalls.end(townHallId, host!);
    await resident.goto(recordUrl);
    await resident.getByRole('heading', { level: 1, name: 'Record of Eastside Town Hall' }).waitFor();

    const summary = resident.getByTestId('record-summary');
    await expect.poll(() => summary.textContent()).toMatch(/Questions received\s*5/);
    expect(await summary.textContent()).toMatch(/Answered\s*2\s*40% of questions received\s*1 in writing, 1 live/);
    expect(await summary.textContent()).toMatch(/Removed by moderators\s*1.*Held for review, never reviewed\s*1/s);

    const answered = resident.getByRole('list', { name: 'Answered questions' }).getByTestId('record-question');
    expect(await answered.count()).toBe(2);
    expect(await answered.nth(0).textContent()).toMatch(/Will the station open on Sundays\?.*Asked by Alice Rivera.*Answered live/s);
    expect(await answered.nth(1).textContent()).toMatch(/Asked by Anonymous.*Written answer by Sgt\. Kim.*lost in a system move/s);
    expect(await resident.getByRole('list', { name: 'Questions not reached' }).textContent()).toContain('Asked by Cara Diaz');
    expect(await resident.getByTestId('record-removed').getByRole('row', { name: /Harassment/ }).textContent()).toMatch(/Harassment\s*1/);
    expect(await resident.getByText('1 question was held for review and never reviewed').count()).toBe(1);

    const pollArticle = resident.getByTestId('record-poll');
    expect(await pollArticle.getByRole('heading', { name: 'Which park first?' }).count()).toBe(1);
    expect(await pollArticle.locator('svg').textContent()).toMatch(/Riverside Park[\s\S]*2 \(100%\)/);

    const chat = resident.getByTestId('record-chat');
    expect(await chat.getByText('Thanks for doing this online.').isVisible()).toBe(false);
    await chat.getByText('Show the chat (2 messages)').click();
    await expect.poll(() => chat.getByText('Thanks for doing this online.').isVisible()).toBe(true);
    // Staff lines carry their role in words; a resident's carries none.
    expect(await chat.getByRole('listitem').filter({ hasText: 'Thank you for coming.' }).getByTestId('staff-badge').textContent()).toBe('Officer');
    expect(await chat.getByRole('listitem').filter({ hasText: 'Thanks for doing this online.' }).getByTestId('staff-badge').count()).toBe(0);
    await resident.getByText('Show the captions (1 line)').click();
    expect(await resident.getByTestId('record-captions').getByTestId('staff-badge').textContent()).toBe('Officer');
    expect(await resident.getByTestId('record-moderation').textContent()).toMatch(/Removed\s*Harassment\s*1/);

    const page = (await resident.content()) + (await resident.evaluate(() => document.body.innerText));
    for (const secret of ['REMOVED-TEXT', 'HELD-TEXT', 'CHAT-REMOVED', 'Dev Patel', 'Eli Moss', 'Bob Chen']) expect(page).not.toContain(secret);

    expect(await accessibilityViolations(resident)).toEqual([]);
    await screenshot(resident, 'record-page');

    // The downloads are the API's numbers.
    const csvHref = await resident.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const csv = await (await fetch(`${server.url}${csvHref}`)).text();
    expect(csv).toMatch(/\r\nsummary,received,,,5,/);
    const json = (await (await fetch(`${server.url}${await resident.getByRole('link', { name: 'Download JSON' }).getAttribute('href')}`)).json()) as TownHallRecordView;
    expect(json.questions!.summary).toMatchObject({ received: 5, answered: 2, removed: 1, heldNeverReviewed: 1 });
  });

  it('reads in Spanish too, still axe-clean', async () => {
    const page = await personPage(browser, 390, 844);
    await page.goto(server.url);
    await page.evaluate(() => localStorage.setItem('roundtable.language', 'es'));
    await page.goto(recordUrl);
    await page.getByRole('heading', { level: 1, name: 'Acta de Eastside Town Hall' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Preguntas retiradas' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'record-page-es-phone');
    await page.context().close();
  });

  it('lets an admin stop publishing the chat and keep guest names for fewer days', async () => {
    const adminPage = await personPage(browser);
    await signInAsStaff(adminPage, server.url, 'recordadmin', '/admin');
    const form = adminPage.getByTestId('record-settings');
    await form.getByRole('checkbox', { name: 'Chat transcript' }).uncheck();
    const days = form.getByRole('spinbutton', { name: "Days to keep guests' names after an event" });
    await days.fill('-3');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form.getByText('Enter a whole number from 0 to 3650.').count()).toBe(1);
    expect(await server.stores.settings.get()).toMatchObject({ guestNameRetentionDays: 30, publish: { chat: true } });
    await days.fill('7');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Settings saved.');
    expect(await server.stores.settings.get()).toMatchObject({ guestNameRetentionDays: 7, publish: { chat: false, questions: true } });
    expect(await accessibilityViolations(adminPage)).toEqual([]);
    await screenshot(adminPage, 'record-settings-admin');

    await resident.goto(recordUrl);
    await resident.getByRole('heading', { name: 'Moderation totals' }).waitFor();
    expect(await resident.getByRole('heading', { name: 'Chat transcript' }).count()).toBe(0);
    await adminPage.context().close();
  });
});
