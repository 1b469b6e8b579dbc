// Which simulcast layer a viewer asks for. The host sends three (a quarter, a half and the full
// resolution); a tile never needs more pixels than it shows, and a slow or hidden tab takes one
// step down so the sound keeps its share of a thin connection.

/** The highest spatial layer a host's camera sends (three encodings: 0, 1, 2). */
export const TOP_LAYER = 2;

/** The layer that fills a tile of this many CSS pixels without wasting bandwidth. */
export function layerForWidth(width: number): number {
  if (width < 400) return 0;
  if (width < 800) return 1;
  return TOP_LAYER;
}

/** Network Information API values that mean "save bandwidth" (Chromium only; absent elsewhere). */
const SLOW = new Set(['slow-2g', '2g', '3g']);

export interface Conditions {
  /** `navigator.connection.effectiveType`, when the browser tells. */
  effectiveType?: string | undefined;
  saveData?: boolean | undefined;
  /** `document.hidden`: nobody is looking at the video. */
  hidden: boolean;
}

export function isConstrained({ effectiveType, saveData, hidden }: Conditions): boolean {
  return hidden || saveData === true || (effectiveType !== undefined && SLOW.has(effectiveType));
}

/** The layer to ask for: by the tile's width, one lower when the connection or tab says so. */
export function chooseLayer(width: number, conditions: Conditions): number {
  const layer = layerForWidth(width);
  return isConstrained(conditions) ? Math.max(0, layer - 1) : layer;
}

interface NetworkInformation extends EventTarget {
  effectiveType?: string;
  saveData?: boolean;
}

/** The browser's connection hints, when it has any. */
export function networkInformation(): NetworkInformation | undefined {
  return (navigator as Navigator & { connection?: NetworkInformation }).connection;
}

export function currentConditions(): Conditions {
  const connection = networkInformation();
  return { effectiveType: connection?.effectiveType, saveData: connection?.saveData, hidden: document.hidden };
}
