import type { Topic } from '../../shared/topics.js';

export interface TopicChange {
  en?: string | undefined;
  es?: string | undefined;
  retired?: boolean | undefined;
}

/**
 * The department's topics.
 *
 * Invariants (tests/stores/topics.contract.ts runs them on both implementations):
 * - a topic is never deleted, only retired, so every id a question carries keeps resolving;
 * - `list` answers every topic, retired ones too, in the order they were added;
 * - `update` changes only the fields it is given, and resolves to null for an unknown id;
 * - every method resolves only after its write is stored.
 */
export interface TopicStore {
  list(): Promise<Topic[]>;
  get(id: string): Promise<Topic | null>;
  add(name: { en: string; es: string }): Promise<Topic>;
  update(id: string, change: TopicChange): Promise<Topic | null>;
}
