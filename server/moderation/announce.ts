import type { ContentStatus } from './pipeline-types.js';

/** How a feature shows its own clients an item whose status a decision changed. */
export interface DecisionScreens<T> {
  /** The item as it is now, for everyone who still sees it; `wasPublic`: everyone saw it before. */
  changed(item: T, wasPublic: boolean): void | Promise<void>;
  /** It left public view but stays on its author's and staff's screens. */
  hidden?(item: T): void;
  /** It left every screen. */
  removed(item: T, wasPublic: boolean): void;
}

/**
 * The one mapping from a decision to what screens are told, shared by the features' adapters: a
 * published item comes (back) to everyone, a hidden one leaves residents' screens and stays with
 * its author and staff, a removed or rejected one leaves every screen.
 */
export async function showDecision<T>(item: T, to: ContentStatus, wasPublic: boolean, screens: DecisionScreens<T>): Promise<void> {
  if (to === 'removed' || to === 'rejected') return screens.removed(item, wasPublic);
  if (to === 'hidden' && wasPublic) screens.hidden?.(item);
  await screens.changed(item, wasPublic);
}
