// WCAG 2.2 2.4.7 Focus Visible, 2.4.11 Focus Not Obscured (Minimum) and 2.1.2 No Keyboard Trap
// on the main pages, in Chromium: Tab goes through every focusable element from the top of the
// page until focus comes round again; each stop shows an indicator (outline, box-shadow, border
// or background that differs from the unfocused look) and is not hidden under anything, on a
// desktop window and on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A11Y_PAGES, startA11yScene, tabThrough, type A11yScene } from '../support/a11y.js';

describe('keyboard focus on the main pages', () => {
  let scene: A11yScene;

  beforeAll(async () => {
    scene = await startA11yScene();
  }, 120_000);
  afterAll(async () => {
    await scene?.close();
  });

  describe.each(A11Y_PAGES)('the %s page', (name) => {
    it.each([
      ['a desktop window', 1280, 900],
      ['a phone', 390, 700],
    ])('shows every Tab stop, none hidden and none a trap, on %s', async (_what, width, height) => {
      const page = await scene.open(name, { viewport: { width, height } });
      const { count, problems } = await tabThrough(page);
      expect(problems).toEqual([]);
      // The skip link, the header's links, the language switch and the page's own controls.
      expect(count).toBeGreaterThan(8);
      await page.context().close();
    }, 90_000);
  });

  it('sees a missing focus ring and a banner over the focused element (the check can fail)', async () => {
    const bare = await scene.open('resident');
    await bare.addStyleTag({ content: ':focus-visible { outline: none !important; }' });
    expect((await tabThrough(bare)).problems.join('\n')).toMatch(/skip-link.*no visible focus indicator/);
    await bare.context().close();

    const covered = await scene.open('resident');
    await covered.evaluate(() =>
      document.body.insertAdjacentHTML('beforeend', '<div data-testid="cover" style="position: fixed; inset: 0; z-index: 1000; background: #fff"></div>'),
    );
    expect((await tabThrough(covered)).problems.join('\n')).toMatch(/entirely hidden under div\[cover\]/);
    await covered.context().close();
  });

  // Last: it takes an item in the shared queue.
  it("turns the moderator console's single-key shortcuts off, and they stay off on this device (2.1.4)", async () => {
    const page = await scene.open('moderator');
    const heading = page.locator('#item-heading');
    const nothingSelected = await heading.textContent();
    // Whether the console takes a key typed outside any field (its handler runs at once, on the window).
    const takesKey = (key: string) =>
      heading.evaluate((h, k) => {
        const event = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
        h.dispatchEvent(event);
        return event.defaultPrevented;
      }, key);
    expect(await takesKey('?')).toBe(true);
    await page.getByRole('checkbox', { name: /Single-key shortcuts/ }).uncheck();
    for (const key of ['n', 'a', 'r', '?']) expect(await takesKey(key)).toBe(false);
    await heading.focus();
    await page.keyboard.press('n');
    expect(await heading.textContent()).toBe(nothingSelected);
    expect(await page.getByRole('button', { name: 'Next' }).getAttribute('aria-keyshortcuts')).toBeNull();

    await page.reload();
    await page.getByTestId('queue-item').first().waitFor();
    expect(await page.getByRole('checkbox', { name: /Single-key shortcuts/ }).isChecked()).toBe(false);
    await page.getByRole('checkbox', { name: /Single-key shortcuts/ }).check();
    await heading.focus();
    await page.keyboard.press('n');
    await expect.poll(() => heading.textContent()).not.toBe(nothingSelected);
    await page.context().close();
  });
});
