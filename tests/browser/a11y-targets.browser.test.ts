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

  it('sees two 12 px buttons side by side, and not one standing alone (the check can fail)', async () => {
    const page = await scene.open('resident');
    const tiny = (id: string) => `<button type="button" data-testid="${id}" style="width: 12px; height: 12px; padding: 0; border: 1px solid">x</button>`;
    await page.evaluate(
      (html) => document.querySelector('main')!.insertAdjacentHTML('afterbegin', html),
      `<p>${tiny('tiny-a')}${tiny('tiny-b')}</p><p style="margin: 3rem">${tiny('alone')}</p>`,
    );
    const found = (await probe(page, (p) => p.smallTargets())).join('\n');
    expect(found).toMatch(/button\[tiny-a\] "x" is 12×12 px and within 12 px of button\[tiny-b\]/);
    expect(found).not.toMatch(/alone/);
    await page.context().close();
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
