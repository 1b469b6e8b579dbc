// Where each viewer keeps the sign-language interpreter's tile: pinned or not, where over the
// large picture, and how big. Kept per browser (localStorage), so it is where the viewer left it
// in the next town hall too. Deaf viewers of BigBlueButton and Jitsi asked for exactly this.

/** Position over the large picture: 0 is the left (top) edge, 1 the right (bottom) one. */
export interface TilePosition {
  x: number;
  y: number;
}

export interface InterpreterTilePrefs {
  /** Kept in view while the page scrolls (the video scrolled away). */
  pinned: boolean;
  position: TilePosition;
  /** Width, as a percentage of the large picture's width. */
  width: number;
}

export const TILE_SIZES = { small: 24, medium: 34, large: 46 } as const;
export type TileSize = keyof typeof TILE_SIZES;
export const WIDTH_LIMITS = { min: 16, max: 60, step: 4 } as const;
/** How far an arrow key moves the tile, as a share of the room it has. */
export const MOVE_STEP = 0.1;

export const CORNERS = {
  topLeft: { x: 0, y: 0 },
  topRight: { x: 1, y: 0 },
  bottomLeft: { x: 0, y: 1 },
  bottomRight: { x: 1, y: 1 },
} as const satisfies Record<string, TilePosition>;
export type Corner = keyof typeof CORNERS;

export const DEFAULT_PREFS: InterpreterTilePrefs = { pinned: false, position: CORNERS.bottomRight, width: TILE_SIZES.medium };

const STORAGE_KEY = 'roundtable.interpreterTile';

const unit = (n: unknown, fallback: number): number => (typeof n === 'number' && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : fallback);

export const clampWidth = (width: number): number => Math.min(WIDTH_LIMITS.max, Math.max(WIDTH_LIMITS.min, Math.round(width)));

/** What was stored, checked field by field: anything odd falls back to the default. */
export function parsePrefs(raw: string | null): InterpreterTilePrefs {
  if (!raw) return DEFAULT_PREFS;
  try {
    const value = JSON.parse(raw) as Partial<InterpreterTilePrefs> | null;
    if (typeof value !== 'object' || value === null) return DEFAULT_PREFS;
    return {
      pinned: typeof value.pinned === 'boolean' ? value.pinned : DEFAULT_PREFS.pinned,
      position: { x: unit(value.position?.x, DEFAULT_PREFS.position.x), y: unit(value.position?.y, DEFAULT_PREFS.position.y) },
      width: typeof value.width === 'number' && Number.isFinite(value.width) ? clampWidth(value.width) : DEFAULT_PREFS.width,
    };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function loadPrefs(): InterpreterTilePrefs {
  try {
    return parsePrefs(localStorage.getItem(STORAGE_KEY));
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(prefs: InterpreterTilePrefs): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Private browsing may refuse storage: the choice then lasts for this page only.
  }
}

/** An arrow key's move, kept inside the picture. */
export function nudge(position: TilePosition, key: string): TilePosition | null {
  const step = { ArrowLeft: [-MOVE_STEP, 0], ArrowRight: [MOVE_STEP, 0], ArrowUp: [0, -MOVE_STEP], ArrowDown: [0, MOVE_STEP] }[key];
  if (!step) return null;
  const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 100) / 100;
  return { x: round(position.x + step[0]!), y: round(position.y + step[1]!) };
}

/** The size preset a width matches, if any. */
export const sizeOf = (width: number): TileSize | null =>
  (Object.keys(TILE_SIZES) as TileSize[]).find((size) => TILE_SIZES[size] === width) ?? null;

/** Which corner the tile sits in, if it sits in one. */
export const cornerOf = (position: TilePosition): Corner | null =>
  (Object.keys(CORNERS) as Corner[]).find((c) => CORNERS[c].x === position.x && CORNERS[c].y === position.y) ?? null;

/**
 * Where a floating (pinned, picture scrolled away) tile must go not to cover the captions: the
 * same corner side if it is clear of them, else the other vertical side.
 */
export function clearOfCaptions(
  position: TilePosition,
  tile: { top: number; bottom: number },
  captions: { top: number; bottom: number } | null,
): TilePosition {
  if (!captions || tile.bottom <= captions.top || tile.top >= captions.bottom) return position;
  return { x: position.x, y: position.y >= 0.5 ? 0 : 1 };
}
