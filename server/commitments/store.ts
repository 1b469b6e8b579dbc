import type { CommitmentStatus, CommitmentUpdate, CommitmentView } from '../../shared/followups.js';

/** A commitment as stored: the public view plus who recorded it (staff only, for who may update it). */
export interface CommitmentRecord extends CommitmentView {
  createdById: string;
}

export type NewCommitmentRecord = Omit<CommitmentRecord, 'id' | 'status' | 'dropReason' | 'doneAt' | 'updates'>;

/**
 * The department's commitments and their dated updates.
 *
 * Invariants (tests/stores/commitments.contract.ts runs them on both implementations):
 * - a commitment is never deleted; updates are only appended, oldest first;
 * - `addUpdate` is compare-and-set on the status: it applies only while the status is still
 *   `expected`, so of two officers moving one commitment at once one wins and the other gets
 *   null; a note (no status) by each of them keeps both;
 * - `list` answers every commitment, oldest first (ties by id);
 * - every method resolves only after its write is stored.
 */
export interface CommitmentStore {
  add(input: NewCommitmentRecord): Promise<CommitmentRecord>;
  get(id: string): Promise<CommitmentRecord | null>;
  list(): Promise<CommitmentRecord[]>;
  /** Appends `update` (see rules.ts applyUpdate); null for an unknown id or a status other than `expected`. */
  addUpdate(id: string, expected: CommitmentStatus, update: CommitmentUpdate): Promise<CommitmentRecord | null>;
}

/** A fresh record: planned, nothing done, no updates. Both stores build it here. */
export const newCommitmentRecord = (id: string, c: NewCommitmentRecord): CommitmentRecord => ({
  id,
  townHallId: c.townHallId,
  questionIds: [...c.questionIds],
  topicIds: [...c.topicIds],
  text: c.text,
  unitId: c.unitId,
  dueDate: c.dueDate,
  status: 'planned',
  dropReason: null,
  createdAt: c.createdAt,
  createdByName: c.createdByName,
  createdById: c.createdById,
  doneAt: null,
  updates: [],
});

export const plainUpdate = (u: CommitmentUpdate): CommitmentUpdate => ({ at: u.at, byName: u.byName, status: u.status, text: u.text });
