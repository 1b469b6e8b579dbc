// WCAG 2.2 2.3.3 / reduced motion and 1.4.11 / forced colours on the main pages, in Chromium:
// with `prefers-reduced-motion: reduce` no animation or transition lasts longer than 0.01 s or
// runs without end; with `forced-colors: active` every control keeps a visible edge and focus
// ring, icons follow the text colour, and nothing shows only as a coloured background.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A11Y_PAGES, probe, settle, shot, startA11yScene, tabThrough, type A11yScene } from '../support/a11y.js';

describe('reduced motion and forced colours on the main pages', () => {
  let scene: A11yScene;

  beforeAll(async () => {
    scene = await startA11yScene();
  }, 120_000);
  afterAll(async () => {
    await scene?.close();
  });

  it('sees the poll bars move when the reader allows motion (the check can fail)', async () => {
    const page = await scene.open('resident', { reducedMotion: 'no-preference' });
    expect((await probe(page, (p) => p.motion())).join('\n')).toMatch(/transition/);
    await page.context().close();
  });

  describe.each(A11Y_PAGES)('the %s page', (name) => {
    it('runs no animation or transition longer than 0.01 s when the reader asks for reduced motion', async () => {
      const page = await scene.open(name, { reducedMotion: 'reduce' });
      expect(await probe(page, (p) => p.motion())).toEqual([]);
      await page.context().close();
    });

    it('keeps controls, focus rings, icons and meaning visible in forced colours', async () => {
      const page = await scene.open(name);
      await probe(page, (p) => p.snapshot('ordinary-colours'));
      await page.emulateMedia({ forcedColors: 'active' });
      await settle(page);
      await shot(page, name, 'forced-colours');
      expect(await probe(page, (p) => p.forcedColorProblems('ordinary-colours'))).toEqual([]);
      expect((await tabThrough(page, true)).problems).toEqual([]);
      await page.context().close();
    }, 90_000);
  });

  // Last: it takes an item in the shared queue.
  it("shows the moderator's chosen queue item in the reader's highlight colours in forced colours", async () => {
    const page = await scene.open('moderator');
    await page.getByTestId('queue-item').first().click();
    await page.locator('[data-testid="queue-item"][aria-current="true"]').waitFor();
    await probe(page, (p) => p.snapshot('ordinary-colours'));
    await page.emulateMedia({ forcedColors: 'active' });
    await settle(page);
    expect(await probe(page, (p) => p.forcedColorProblems('ordinary-colours'))).toEqual([]);
    await page.context().close();
  });
});
