/**
 * One of the department's short named lists, kept by admins: the question topics, the units.
 * Both have the same shape (shared/topics.ts `Topic`, shared/followups.ts `Unit`), so one store
 * keeps either; `NamedList` says which.
 */
export interface NamedItem {
  id: string;
  /** The name in English, and in Spanish (the English one when none was given). */
  name: { en: string; es: string };
  /** Offered no more, and kept on whatever carries it: an item is never deleted. */
  retired: boolean;
}

/** The lists there are. Each is a table in SQLite and a pair of keys in Redis, named after it. */
export type NamedList = 'topics' | 'units';

export interface NamedItemChange {
  en?: string | undefined;
  es?: string | undefined;
  retired?: boolean | undefined;
}

/**
 * A named list of the department.
 *
 * Invariants (tests/stores/named-list.contract.ts runs them on both implementations, for each list):
 * - an item is never deleted, only retired, so every id a record carries keeps resolving;
 * - `list` answers every item, retired ones too, in the order they were added;
 * - `update` changes only the fields it is given, and resolves to null for an unknown id;
 * - the lists are apart: an item of one is unknown to the other;
 * - every method resolves only after its write is stored.
 */
export interface NamedListStore {
  list(): Promise<NamedItem[]>;
  get(id: string): Promise<NamedItem | null>;
  add(name: { en: string; es: string }): Promise<NamedItem>;
  update(id: string, change: NamedItemChange): Promise<NamedItem | null>;
}
