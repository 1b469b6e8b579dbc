// One viewer's interpreter tile: the choices the tile and its options panel share, saved in this
// browser on every change.
import {
  clampWidth,
  CORNERS,
  loadPrefs,
  nudge,
  savePrefs,
  TILE_SIZES,
  WIDTH_LIMITS,
  type Corner,
  type InterpreterTilePrefs,
  type TilePosition,
  type TileSize,
} from './interpreter-tile.js';

export class InterpreterTileState {
  prefs = $state.raw<InterpreterTilePrefs>(loadPrefs());
  optionsOpen = $state(false);

  #set(prefs: InterpreterTilePrefs): void {
    this.prefs = prefs;
    savePrefs(prefs);
  }

  togglePin(): void {
    this.#set({ ...this.prefs, pinned: !this.prefs.pinned });
  }

  moveTo(position: TilePosition): void {
    this.#set({ ...this.prefs, position });
  }

  moveToCorner(corner: Corner): void {
    this.moveTo({ ...CORNERS[corner] });
  }

  /** An arrow key on the move handle; whether it was one. */
  nudge(key: string): boolean {
    const next = nudge(this.prefs.position, key);
    if (next) this.moveTo(next);
    return next !== null;
  }

  resizeTo(size: TileSize): void {
    this.setWidth(TILE_SIZES[size]);
  }

  setWidth(width: number): void {
    this.#set({ ...this.prefs, width: clampWidth(width) });
  }

  /** A key on the resize handle, as on any slider; whether it was one. */
  resizeKey(key: string): boolean {
    if (key === 'Home' || key === 'End') {
      this.setWidth(key === 'Home' ? WIDTH_LIMITS.min : WIDTH_LIMITS.max);
      return true;
    }
    const delta = ({ ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 2, PageDown: -2 } as Record<string, number>)[key];
    if (delta === undefined) return false;
    this.setWidth(this.prefs.width + delta * WIDTH_LIMITS.step);
    return true;
  }
}
