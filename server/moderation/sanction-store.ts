import type { Sanction } from '../../shared/moderation.js';

/** A sanction to store; `alias` is left out (null) for one given to a named person. */
export type NewSanction = Omit<Sanction, 'id' | 'liftedAt' | 'liftedBy' | 'alias'> & { alias?: string | null };

/**
 * Timeouts and bans, site-wide or in one town hall.
 *
 * Invariants (tests/stores/moderation-sanctions.contract.ts runs them on both implementations):
 * - `addSanction` returns exactly what a later read returns, the pseudonym it was given under
 *   included;
 * - `liftSanction` lifts once (compare-and-set): a second call, from any node, resolves to null;
 * - `activeSanctions` lists sanctions not lifted whose `until` is null or after `now`;
 * - every method resolves only after its write is stored.
 */
export interface SanctionStore {
  addSanction(sanction: NewSanction): Promise<Sanction>;
  liftSanction(id: string, by: string, at: number): Promise<Sanction | null>;
  activeSanctions(userId: string, now: number): Promise<Sanction[]>;
  /** Every sanction of a person, newest first. */
  sanctionsOf(userId: string): Promise<Sanction[]>;
}
