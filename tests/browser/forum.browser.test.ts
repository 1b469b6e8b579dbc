// The forum as people use it, each in their own browser context (their own cookies), in
// Debian's Chromium: reading, posting, live replies, inert Markdown, and accessibility.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  accessibilityViolations,
  fillJoinForm,
  launchChromium,
  personPage,
  requireBuiltClient,
  screenshot,
  signInAsStaff,
  STAFF_PASSWORD,
} from '../support/browser.js';

describe('the forum in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let categoryId: string;
  let lockedThreadId: string;

  beforeAll(async () => {
    server = await startTestServer({ clientDir: requireBuiltClient() });
    await server.app.identity.createStaff({ username: 'moderator', password: STAFF_PASSWORD, role: 'moderator', displayName: 'Mod Sam' });
    const officer = await server.app.identity.createStaff({ username: 'officer', password: STAFF_PASSWORD, role: 'officer', displayName: 'Sgt. Reyes' });
    const forum = server.stores.forum;
    const now = Date.now();
    categoryId = (await forum.createCategory({ name: 'Traffic and parking', description: 'Speeding, crossings and parking on our streets.', createdBy: 'admin', createdAt: now })).id;
    await forum.createCategory({ name: 'Parks and events', description: 'Summer events, park safety, lighting.', createdBy: 'admin', createdAt: now + 1 });
    const opening = { authorId: officer.id, authorName: 'Sgt. Reyes', authorRole: 'officer' as const, status: 'published' as const, holdReason: null, filterHits: [] };
    const welcome = await forum.createThread({
      ...opening,
      categoryId,
      title: 'Welcome: how this forum works',
      body: 'Be kind, stay on topic, and **no personal information** please.\n\n- Officers answer here\n- Moderators keep it civil',
      createdAt: now - 3_600_000,
    });
    await forum.setPinned(welcome!.thread.id, true);
    const locked = await forum.createThread({ ...opening, categoryId, title: 'Road closures for the marathon', body: 'Closures are listed on the city site.', createdAt: now - 7_200_000 });
    lockedThreadId = locked!.thread.id;
    await forum.setLocked(lockedThreadId, true);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const newPage = (width?: number, height?: number): Promise<Page> => personPage(browser, width, height);
  const categoryUrl = () => `${server.url}/forum/c/${categoryId}`;
  const join = fillJoinForm;
  const posts = (page: Page) => page.getByTestId('post');

  it('lists categories and threads to anyone, pinned first, with no accessibility violations', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forum' }).click();
    await page.getByRole('heading', { level: 1, name: 'Community forum' }).waitFor();
    await page.getByRole('link', { name: 'Traffic and parking' }).waitFor();
    await screenshot(page, 'forum-categories');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Traffic and parking' }).click();
    await page.getByTestId('thread').first().waitFor();
    expect(await page.getByTestId('thread').first().textContent()).toContain('Welcome: how this forum works');
    expect(await page.getByTestId('thread').first().textContent()).toContain('Pinned');
    await screenshot(page, 'forum-category-reader');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('lets a resident start a thread and see another resident’s reply arrive live', async () => {
    const alice = await newPage();
    await alice.goto(categoryUrl());
    await join(alice, 'Alice');
    await alice.getByRole('textbox', { name: 'Title' }).fill('Crosswalk on 5th and Main');
    await alice.getByRole('textbox', { name: 'Your post' }).fill('Drivers do not stop. Could we get a **flashing** sign?');
    await alice.getByRole('button', { name: 'Post thread' }).click();
    await alice.waitForURL(/\/forum\/t\//);
    await expect.poll(() => posts(alice).count()).toBe(1);
    expect(await alice.getByTestId('post-body').first().innerHTML()).toContain('<strong>flashing</strong>');
    const threadUrl = alice.url();

    const bob = await newPage(375, 812);
    await bob.goto(threadUrl);
    await join(bob, 'Bob');
    await bob.getByRole('textbox', { name: 'Your reply' }).fill('Agreed, my kids cross there every morning.');
    await bob.getByRole('button', { name: 'Post reply' }).click();
    await expect.poll(() => bob.getByRole('status').filter({ hasText: 'Your reply was posted.' }).count()).toBe(1);

    await expect.poll(() => posts(alice).count()).toBe(2);
    expect(await posts(alice).nth(1).textContent()).toContain('my kids cross there');
    await expect.poll(() => alice.getByText('1 reply', { exact: true }).count()).toBe(1);
    await expect.poll(() => alice.getByTestId('announcer').filter({ hasText: 'New reply from Bob' }).count()).toBe(1);
    await screenshot(alice, 'forum-thread-live-reply');
    await screenshot(bob, 'forum-thread-phone');
    expect(await accessibilityViolations(alice)).toEqual([]);
    expect(await accessibilityViolations(bob)).toEqual([]);

    // Alice edits her opening post within the window; Bob sees the edit without reloading.
    await posts(alice).first().getByRole('button', { name: 'Edit' }).click();
    await alice.getByRole('textbox', { name: 'Edit your post' }).fill('Drivers do not stop. Could we get a flashing sign, please?');
    await alice.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => posts(bob).first().textContent()).toContain('please?');
    expect(await posts(bob).first().textContent()).toContain('edited');

    // Bob reports Alice's post to the moderators (not his own).
    expect(await posts(bob).nth(1).getByRole('button', { name: 'Flag' }).count()).toBe(0);
    await posts(bob).first().getByRole('button', { name: 'Flag' }).click();
    await posts(bob).first().getByLabel('Reason').selectOption('harassment');
    await posts(bob).first().getByRole('button', { name: 'Send to moderators' }).click();
    await posts(bob).first().getByText('Thanks, a moderator will review it.').waitFor();
  });

  it('renders script and javascript: links in a post inert', async () => {
    const carol = await newPage();
    await carol.goto(categoryUrl());
    await join(carol, 'Carol');
    await carol.getByRole('textbox', { name: 'Title' }).fill('Testing the formatting');
    await carol
      .getByRole('textbox', { name: 'Your post' })
      .fill('<script>window.pwned=1</script> and [x](javascript:alert(1)) and <img src=x onerror="window.pwned=2">');
    await carol.getByRole('button', { name: 'Post thread' }).click();
    await carol.waitForURL(/\/forum\/t\//);
    const body = carol.getByTestId('post-body').first();
    await expect.poll(() => body.textContent()).toContain('<script>window.pwned=1</script>');

    const reader = await newPage();
    await reader.goto(carol.url());
    await reader.getByTestId('post-body').first().waitFor();
    await screenshot(reader, 'forum-thread-inert-markup');
    for (const page of [carol, reader]) {
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('[data-testid="post-body"] script, [data-testid="post-body"] img').count()).toBe(0);
      const hrefs = await page.locator('[data-testid="post-body"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).toEqual([]);
    }
  });

  it('shows a resident their held thread as waiting for review, and nobody else', async () => {
    const erin = await newPage(375, 812);
    await erin.goto(categoryUrl());
    await join(erin, 'Erin');
    await erin.getByRole('textbox', { name: 'Title' }).fill('Why is that dirtycop still here');
    await erin.getByRole('textbox', { name: 'Your post' }).fill('Every night on my street.');
    await erin.getByRole('button', { name: 'Post thread' }).click();
    await erin.waitForURL(/\/forum\/t\//);
    await erin.getByTestId('my-pending').getByTestId('post').waitFor();
    expect(await erin.getByText('This thread is waiting for review').count()).toBe(1);
    expect(await erin.getByRole('textbox', { name: 'Your reply' }).count()).toBe(0);
    await screenshot(erin, 'forum-thread-held-phone');
    expect(await accessibilityViolations(erin)).toEqual([]);

    const other = await newPage();
    await other.goto(erin.url());
    await other.getByRole('heading', { level: 1, name: 'Thread not found' }).waitFor();
    await other.goto(categoryUrl());
    await other.getByTestId('thread').first().waitFor();
    expect(await other.getByTestId('thread-list').textContent()).not.toContain('dirtycop');
  });

  it('keeps residents out of a locked thread while staff manage and answer it, in both languages', async () => {
    const resident = await newPage();
    await resident.goto(`${server.url}/forum/t/${lockedThreadId}`);
    await resident.getByTestId('locked-notice').waitFor();
    expect(await resident.getByRole('textbox', { name: 'Your reply' }).count()).toBe(0);
    expect(await resident.getByRole('textbox', { name: 'Your display name' }).count()).toBe(0);
    await screenshot(resident, 'forum-thread-locked');
    expect(await accessibilityViolations(resident)).toEqual([]);

    const moderator = await newPage();
    await signInAsStaff(moderator, server.url, 'moderator', `/forum/t/${lockedThreadId}`);
    const tools = moderator.getByTestId('thread-controls');
    await tools.getByRole('button', { name: 'Unlock thread' }).waitFor();
    await moderator.getByRole('textbox', { name: 'Your reply' }).waitFor();
    await screenshot(moderator, 'forum-thread-moderator');
    expect(await accessibilityViolations(moderator)).toEqual([]);

    // Once unlocked, the reader (with no session, so no live connection) finds the form on reload.
    await tools.getByRole('button', { name: 'Unlock thread' }).click();
    await tools.getByRole('button', { name: 'Lock thread' }).waitFor();
    await resident.reload();
    await resident.getByRole('textbox', { name: 'Your display name' }).waitFor();
    expect(await resident.getByTestId('locked-notice').count()).toBe(0);

    await resident.getByTestId('language-switcher').getByRole('button', { name: 'Español' }).click();
    await resident.getByRole('textbox', { name: 'Su nombre visible' }).waitFor();
    await screenshot(resident, 'forum-thread-es');
    expect(await accessibilityViolations(resident)).toEqual([]);
  });
});
