// WCAG 2.2 1.4.10 Reflow, 1.4.4 Resize Text and 1.4.12 Text Spacing on the main pages, in
// Chromium: at 320 CSS px nothing scrolls sideways or is cut off; with text at 200 % every text
// grows, no control is cut off or overlaps another, and a 1280 px window still needs no sideways
// scrolling; with the spacing 1.4.12 names, nothing is cut off or overlaps either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A11Y_PAGES, probe, settle, shot, startA11yScene, type A11yScene } from '../support/a11y.js';

describe('reflow and text size on the main pages', () => {
  let scene: A11yScene;

  beforeAll(async () => {
    scene = await startA11yScene();
  }, 120_000);
  afterAll(async () => {
    await scene?.close();
  });

  it('sees a page wider than the window, a box that cuts off its text, and text set in px (the checks can fail)', async () => {
    const page = await scene.open('resident', { viewport: { width: 320, height: 640 } });
    await probe(page, (p) => p.snapshot('text-100'));
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<div data-testid="wide" style="width: 900px">wide</div>'));
    await page.addStyleTag({ content: '.card { max-height: 3rem; overflow: hidden; } h2 { font-size: 20px !important; }' });
    await page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%', 'important'));
    expect((await probe(page, (p) => p.horizontalOverflow())).join('\n')).toMatch(/page scrolls sideways[\s\S]*div\[wide\]/);
    expect((await probe(page, (p) => p.clippedContent())).join('\n')).toMatch(/card.*cuts off its content below/);
    expect((await probe(page, (p) => p.textNotScaled('text-100', 2))).join('\n')).toMatch(/h2.*text grew from [\d.]+ to 20 px only/);
    await page.context().close();
  });

  describe.each(A11Y_PAGES)('the %s page', (name) => {
    it('fits 320 CSS px with nothing scrolling sideways, cut off or overlapping', async () => {
      const page = await scene.open(name, { viewport: { width: 320, height: 640 } });
      await shot(page, name, 'reflow-320');
      expect(await probe(page, (p) => p.horizontalOverflow())).toEqual([]);
      expect(await probe(page, (p) => p.clippedContent())).toEqual([]);
      expect(await probe(page, (p) => p.overlappingControls())).toEqual([]);
      await page.context().close();
    });

    it('doubles every text at 200 % with no control cut off or overlapping, and no sideways scroll at 1280 px', async () => {
      const page = await scene.open(name);
      await probe(page, (p) => p.snapshot('text-100'));
      // The reader's own text size: the root font size every rem and em of the app follows.
      await page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%', 'important'));
      await settle(page);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px');
      await shot(page, name, 'text-200');
      expect(await probe(page, (p) => p.textNotScaled('text-100', 2))).toEqual([]);
      expect(await probe(page, (p) => p.horizontalOverflow())).toEqual([]);
      expect(await probe(page, (p) => p.clippedContent())).toEqual([]);
      expect(await probe(page, (p) => p.overlappingControls())).toEqual([]);
      await page.context().close();
    });

    it('loses nothing with the text spacing of 1.4.12, on a desktop window and a phone', async () => {
      for (const width of [1280, 390]) {
        const page = await scene.open(name, { viewport: { width, height: 900 } });
        await page.addStyleTag({
          content: `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
            p { margin-bottom: 2em !important; }`,
        });
        await settle(page);
        if (width === 390) await shot(page, name, 'text-spacing-phone');
        expect(await probe(page, (p) => p.horizontalOverflow())).toEqual([]);
        expect(await probe(page, (p) => p.clippedContent())).toEqual([]);
        expect(await probe(page, (p) => p.overlappingControls())).toEqual([]);
        await page.context().close();
      }
    });
  });
});
