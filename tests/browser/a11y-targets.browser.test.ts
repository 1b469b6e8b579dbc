// WCAG 2.2 2.5.8 Target Size (Minimum) on the main pages, in Chromium: every control that is not
// a link inside a sentence is at least 24×24 CSS px, or small but with a 24 px circle around its
// centre that touches no other control nor another small control's circle (the spacing
// exception), on a desktop window and at 320 CSS px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A11Y_PAGES, probe, startA11yScene, type A11yScene } from '../support/a11y.js';

describe('target size on the main pages', () => {
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
      ['320 CSS px', 320, 640],
    ])('gives every control 24×24 CSS px or room around it on %s', async (_what, width, height) => {
      const page = await scene.open(name, { viewport: { width, height } });
      expect(await probe(page, (p) => p.smallTargets())).toEqual([]);
      await page.context().close();
    });
  });
});
