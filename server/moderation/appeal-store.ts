import type { Appeal, ContentRef, Notice } from '../../shared/moderation.js';

export type NewAppeal = Omit<Appeal, 'outcome' | 'decidedBy' | 'decidedAt'>;

/**
 * What authors are told and what they answer: the notices of decisions on their items, and
 * their appeals. They are one part because a notice is what offers the appeal, and an appeal
 * closes that offer.
 *
 * Invariants (tests/stores/moderation-appeals.contract.ts runs them on both implementations):
 * - an item has at most one appeal: a second `createAppeal`, from any node, resolves to null;
 * - `decideAppeal` decides it once (compare-and-set), a second call resolves to null;
 * - `closeAppealOnNotices` changes only that person's notices about that item;
 * - every method resolves only after its write is stored.
 */
export interface AppealStore {
  createAppeal(appeal: NewAppeal): Promise<Appeal | null>;
  getAppeal(ref: ContentRef): Promise<Appeal | null>;
  decideAppeal(ref: ContentRef, outcome: 'upheld' | 'restored', by: string, at: number): Promise<Appeal | null>;

  addNotice(notice: Omit<Notice, 'id'>): Promise<Notice>;
  /** A person's notices, newest first. */
  noticesFor(userId: string, limit: number): Promise<Notice[]>;
  /** Marks that the person appealed, so the notice no longer offers it. */
  closeAppealOnNotices(userId: string, ref: ContentRef): Promise<void>;
}
