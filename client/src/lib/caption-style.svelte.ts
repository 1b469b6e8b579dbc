// How a viewer wants live captions shown (issue 17, and WCAG 1.4.12's spirit for captions): the
// size of the type, the colours behind it, and whether the captions stay at the bottom of the
// screen while the page scrolls. Remembered on this device; every choice keeps the text's
// contrast above 7:1.

export const CAPTION_SIZES = ['medium', 'large', 'extra-large'] as const;
export const CAPTION_BACKGROUNDS = ['dark', 'light', 'yellow'] as const;
export const CAPTION_POSITIONS = ['below-video', 'screen-bottom'] as const;

export type CaptionSize = (typeof CAPTION_SIZES)[number];
export type CaptionBackground = (typeof CAPTION_BACKGROUNDS)[number];
export type CaptionPosition = (typeof CAPTION_POSITIONS)[number];

export interface CaptionStyle {
  size: CaptionSize;
  background: CaptionBackground;
  position: CaptionPosition;
}

export const DEFAULT_CAPTION_STYLE: CaptionStyle = { size: 'medium', background: 'dark', position: 'below-video' };
const STORAGE_KEY = 'roundtable.captionStyle';

/** A stored choice, with anything unknown (an older or edited value) back to its default. */
function stored(): CaptionStyle {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Record<keyof CaptionStyle, string>>;
    const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T =>
      allowed.includes(value as T) ? (value as T) : fallback;
    return {
      size: pick(raw.size, CAPTION_SIZES, DEFAULT_CAPTION_STYLE.size),
      background: pick(raw.background, CAPTION_BACKGROUNDS, DEFAULT_CAPTION_STYLE.background),
      position: pick(raw.position, CAPTION_POSITIONS, DEFAULT_CAPTION_STYLE.position),
    };
  } catch {
    return { ...DEFAULT_CAPTION_STYLE };
  }
}

export class CaptionStyleState {
  style = $state<CaptionStyle>(stored());

  set<K extends keyof CaptionStyle>(key: K, value: CaptionStyle[K]): void {
    this.style = { ...this.style, [key]: value };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.style));
    } catch {
      // Private browsing: the choice lasts for this page.
    }
  }
}
