import type { FollowUpStatus } from '../../shared/followups.js';
import type { FollowUpRecord } from './rules.js';

export type { FollowUpRecord };

/** Which follow-ups a list asks for; every field given must hold. */
export interface FollowUpFilter {
  status?: FollowUpStatus | undefined;
  /** An officer's id, or null for those assigned to nobody. */
  assigneeId?: string | null | undefined;
  unitId?: string | undefined;
}

/**
 * The follow-up queue: one follow-up per question, keyed by the question's id.
 *
 * Invariants (tests/stores/followups.contract.ts runs them on both implementations):
 * - `enter` is idempotent: a question already entered keeps its follow-up as it is (entering a
 *   town hall twice, or again after a restart, never duplicates or resets one), and it resolves
 *   to the follow-ups it actually added; the town hall is then marked entered (`hasEntered`);
 * - `replace` is compare-and-set: it stores `next` only when the follow-up is still exactly
 *   `previous`, so of two officers acting at once one wins and the other reads again;
 * - lists come oldest entered first, ties by the question's asking time, then by id;
 * - every method resolves only after its write is stored.
 */
export interface FollowUpStore {
  enter(townHallId: string, followUps: FollowUpRecord[]): Promise<FollowUpRecord[]>;
  hasEntered(townHallId: string): Promise<boolean>;
  get(questionId: string): Promise<FollowUpRecord | null>;
  listForTownHall(townHallId: string): Promise<FollowUpRecord[]>;
  list(filter: FollowUpFilter): Promise<FollowUpRecord[]>;
  replace(previous: FollowUpRecord, next: FollowUpRecord): Promise<boolean>;
}

/** Exactly the declared fields, in one order, so a stored follow-up compares as a string. */
export function followUpJson(f: FollowUpRecord): string {
  const plain: FollowUpRecord = {
    questionId: f.questionId,
    townHallId: f.townHallId,
    questionText: f.questionText,
    topicId: f.topicId,
    askedAt: f.askedAt,
    enteredAt: f.enteredAt,
    status: f.status,
    unitId: f.unitId,
    assigneeId: f.assigneeId,
    dueAt: f.dueAt,
    answer: f.answer && { text: f.answer.text, byName: f.answer.byName, at: f.answer.at },
    referral: f.referral && { to: f.referral.to, note: f.referral.note, byName: f.referral.byName, at: f.referral.at },
    closure: f.closure && { reason: f.closure.reason, detail: f.closure.detail, byName: f.closure.byName, at: f.closure.at },
    resolvedAt: f.resolvedAt,
    history: f.history.map((e) => ({ at: e.at, kind: e.kind, byName: e.byName, ...(e.unitId !== undefined ? { unitId: e.unitId } : {}) })),
  };
  return JSON.stringify(plain);
}

export const followUpOrder = (a: FollowUpRecord, b: FollowUpRecord): number =>
  a.enteredAt - b.enteredAt || a.askedAt - b.askedAt || (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0);

export const matches = (f: FollowUpRecord, filter: FollowUpFilter): boolean =>
  (filter.status === undefined || f.status === filter.status) &&
  (filter.assigneeId === undefined || f.assigneeId === filter.assigneeId) &&
  (filter.unitId === undefined || f.unitId === filter.unitId);
