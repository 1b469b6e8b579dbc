import type { FilterEntry } from '../../shared/moderation.js';

/**
 * The department's own word list (the configured and public lists are not stored).
 *
 * Invariants (tests/stores/moderation-filter.contract.ts runs them on both implementations):
 * - a term exists once (compared trimmed and lower-case): `addFilterEntry` with a taken term
 *   resolves to null, also when two nodes add it at once;
 * - every add or remove raises `filterVersion`, a refused add or an unknown remove does not, so
 *   a node may keep its compiled filter until the version moves;
 * - every method resolves only after its write is stored.
 */
export interface FilterStore {
  /** Every entry, by term. */
  listFilterEntries(): Promise<FilterEntry[]>;
  addFilterEntry(entry: Omit<FilterEntry, 'id' | 'createdAt'>): Promise<FilterEntry | null>;
  removeFilterEntry(id: string): Promise<FilterEntry | null>;
  filterVersion(): Promise<number>;
}
