import { describe, expect, it } from 'vitest';
import { clearOfCaptions, cornerOf, DEFAULT_PREFS, nudge, parsePrefs, sizeOf, WIDTH_LIMITS } from '../../client/src/lib/interpreter-tile.js';

describe("a viewer's interpreter tile preferences", () => {
  it('reads back what was stored, and falls back field by field on anything odd', () => {
    const stored = { pinned: true, position: { x: 0, y: 0.3 }, width: 46 };
    expect(parsePrefs(JSON.stringify(stored))).toEqual(stored);
    expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('not json')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs('null')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs(JSON.stringify({ pinned: 'yes', position: { x: 7, y: -2 }, width: 500 }))).toEqual({
      pinned: DEFAULT_PREFS.pinned,
      position: { x: 1, y: 0 },
      width: WIDTH_LIMITS.max,
    });
    expect(parsePrefs(JSON.stringify({ width: 'big', position: 'here' }))).toEqual(DEFAULT_PREFS);
  });

  it('moves by arrow keys inside the picture and ignores other keys', () => {
    expect(nudge({ x: 0, y: 0 }, 'ArrowRight')).toEqual({ x: 0.1, y: 0 });
    expect(nudge({ x: 0.95, y: 1 }, 'ArrowRight')).toEqual({ x: 1, y: 1 });
    expect(nudge({ x: 0, y: 0.05 }, 'ArrowUp')).toEqual({ x: 0, y: 0 });
    expect(nudge({ x: 0.5, y: 0.5 }, 'Enter')).toBeNull();
  });

  it('names the corner and size it matches', () => {
    expect(cornerOf({ x: 1, y: 0 })).toBe('topRight');
    expect(cornerOf({ x: 0.5, y: 0 })).toBeNull();
    expect(sizeOf(24)).toBe('small');
    expect(sizeOf(30)).toBeNull();
  });

  it('keeps a floating tile off the captions by going to the other side', () => {
    const bottom = { x: 1, y: 1 };
    expect(clearOfCaptions(bottom, { top: 600, bottom: 800 }, { top: 100, bottom: 250 })).toEqual(bottom);
    expect(clearOfCaptions(bottom, { top: 600, bottom: 800 }, { top: 700, bottom: 850 })).toEqual({ x: 1, y: 0 });
    expect(clearOfCaptions({ x: 0, y: 0 }, { top: 8, bottom: 200 }, { top: 100, bottom: 250 })).toEqual({ x: 0, y: 1 });
    expect(clearOfCaptions(bottom, { top: 600, bottom: 800 }, null)).toEqual(bottom);
  });
});
