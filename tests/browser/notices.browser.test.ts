// People who asked hear back, in Debian's Chromium against a real SMTP server: the asker finds
// their question already followed, gives an address, confirms it from the mail, and sees the
// answer arrive on their notices page while it is open; an upvoter follows from the town hall
// on a phone. Every new screen is checked with axe in English and Spanish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FollowUpChange } from '../../shared/followups.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { linkIn, startSmtp } from '../support/smtp.js';
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

describe('following a question and hearing back in the browser', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  let browser: Browser;
  let townHallId: string;
  let clock = Date.now();

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ clientDir: requireBuiltClient(), now: () => clock });
    await server.stores.notifications.putMailSettings({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', from: 'pd@example.org', retentionDays: 30 });
    townHallId = (await server.townHall({ title: 'Eastside Town Hall' })).id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  const spanish = async (page: Page) => page.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
  const english = async (page: Page) => page.getByTestId('language-switcher').getByRole('button', { name: 'English' }).click();
  async function axeBoth(page: Page, name: string) {
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `${name}-en`);
    await spanish(page);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `${name}-es`);
    await english(page);
  }

  it('lets the asker give an address, confirm it, and see the answer arrive', async () => {
    const text = 'Will the Elm Street crossing get a guard before school starts?';
    const [asker, voter] = await Promise.all([personPage(browser), personPage(browser, 390, 844)]);
    const townHallUrl = `${server.url}/townhall/${townHallId}`;
    await Promise.all([joinTownHall(asker, townHallUrl, 'Ana'), joinTownHall(voter, townHallUrl, 'Ben')]);
    await asker.getByRole('textbox', { name: 'Your question' }).fill(text);
    await asker.getByRole('button', { name: 'Ask question' }).click();

    // The voter, on a phone, upvotes it and then follows it.
    await expect.poll(() => card(voter, text).count()).toBe(1);
    await card(voter, text).getByRole('button', { name: /^Upvote/ }).click();
    const follow = voter.getByTestId('follow-toggle');
    await follow.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    await screenshot(voter, 'follow-townhall-phone');
    expect(await accessibilityViolations(voter)).toEqual([]);

    // The asker follows it already, and asks for mail too.
    await asker.goto(`${server.url}/notices`);
    const followed = asker.getByTestId('followed').filter({ hasText: text });
    await followed.waitFor();
    await axeBoth(asker, 'notices-following');
    await followed.getByRole('textbox', { name: 'Also tell me by e-mail (optional)' }).fill('not an address');
    await followed.getByRole('button', { name: 'Send confirmation' }).click();
    await expect.poll(() => followed.textContent()).toContain('That does not look like an e-mail address.');
    const confirmation = smtp.next('ana@example.org');
    await followed.getByRole('textbox', { name: 'Also tell me by e-mail (optional)' }).fill('ana@example.org');
    await followed.getByRole('button', { name: 'Send confirmation' }).click();
    await expect.poll(() => followed.textContent()).toContain('Check your e-mail');

    // The link in the mail confirms it; the same link again says so and changes nothing.
    const link = linkIn((await confirmation).body, '/mail/confirm');
    const confirmPage = await asker.context().newPage();
    await confirmPage.goto(link.href);
    await expect.poll(() => confirmPage.getByTestId('mail-link-done').textContent()).toContain('Your address is confirmed.');
    await axeBoth(confirmPage, 'mail-confirmed');
    await confirmPage.reload();
    await expect.poll(() => confirmPage.getByTestId('mail-link-error').textContent()).toContain('This link was already used.');
    await axeBoth(confirmPage, 'mail-link-used');

    // A day later the department answers it: the open notices page shows it at once, and mail goes out.
    await asker.reload();
    await expect.poll(() => asker.getByTestId('followed').filter({ hasText: text }).textContent()).toContain('You also get these notices by e-mail.');
    const q = (await server.stores.questions.listVisible(townHallId)).find((x) => x.text === text)!;
    clock += 86_400_000;
    const change: FollowUpChange = {
      followUp: {
        questionId: q.id,
        townHallId,
        questionText: q.text,
        topicId: null,
        askedAt: q.createdAt,
        enteredAt: clock - 3600_000,
        status: 'answered',
        unitId: null,
        dueAt: null,
        answer: { text: 'Yes: a crossing guard starts on Monday, 7:30–8:30 am.', byName: 'Lt. Diaz', at: clock },
        referral: null,
        closure: null,
        resolvedAt: clock,
        history: [],
      },
      event: { at: clock, kind: 'answered', byName: 'Lt. Diaz' },
    };
    const mail = smtp.next('ana@example.org');
    await server.app.notices.onFollowUpChange(change);
    const notice = asker.getByTestId('follow-notice').first();
    await expect.poll(() => notice.textContent()).toContain('Your question was answered after the meeting');
    await expect.poll(() => notice.textContent()).toContain('a crossing guard starts on Monday');
    expect((await mail).headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    await axeBoth(asker, 'notices-answered');
    await asker.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => asker.getByTestId('follow-notice').filter({ hasText: 'New' }).count()).toBe(0);

    // The voter hears too, on their phone's notices page.
    await voter.goto(`${server.url}/notices`);
    await expect.poll(() => voter.getByTestId('follow-notice').first().textContent()).toContain('answered after the meeting');
    await axeBoth(voter, 'notices-phone');

    // The unsubscribe page asks before it acts, in both languages.
    const unsubscribe = await asker.context().newPage();
    await unsubscribe.goto(linkIn((await mail).body, '/mail/unsubscribe').href);
    await unsubscribe.getByRole('button', { name: 'Stop e-mail and delete my address' }).waitFor();
    await axeBoth(unsubscribe, 'mail-unsubscribe');
    await unsubscribe.getByRole('button', { name: 'Stop e-mail and delete my address' }).click();
    await expect.poll(() => unsubscribe.getByTestId('mail-link-done').textContent()).toContain('no more e-mail');
  }, 120_000);

  it('lets an admin set up SMTP without ever seeing the stored password', async () => {
    await server.app.identity.createStaff({ username: 'mailadmin', password: STAFF_PASSWORD, role: 'admin', displayName: 'Admin' });
    const before = await server.stores.notifications.mailSettings();
    await server.stores.notifications.putMailSettings({ ...before!, password: 'relay-secret' });
    const page = await personPage(browser);
    await signInAsStaff(page, server.url, 'mailadmin', '/admin');
    const form = page.getByTestId('mail-settings');
    await form.waitFor();
    expect(await form.textContent()).toContain('A password is stored.');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain('relay-secret');
    await axeBoth(page, 'admin-mail-settings');
    await page.getByLabel('Keep addresses at most (days)').fill('14');
    await page.getByRole('button', { name: 'Save mail settings' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Mail settings saved.');
    expect(await server.stores.notifications.mailSettings()).toMatchObject({ retentionDays: 14, password: 'relay-secret', host: '127.0.0.1' });
  }, 60_000);
});
