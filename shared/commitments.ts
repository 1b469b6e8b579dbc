// What the commitments endpoints answer (GET /api/commitments, docs/protocol.md "Commitments").
// The commitment itself, its updates and what may be sent are in followups.ts.
import { z } from 'zod';
import { CommitmentStatus, type CommitmentView } from './followups.js';
import { Id } from './ids.js';

/** A question a commitment answers, as the public may read it now. */
export interface LinkedQuestion {
  id: Id;
  /** The published text; null when it is no longer public (removed by a moderator since). */
  text: string | null;
}

/** A commitment as listed: the view, whether it is overdue today, and what the page prints beside it. */
export interface CommitmentItem extends CommitmentView {
  /** Not done or dropped, and today (in the department's time zone) is after its due date. */
  overdue: boolean;
  questions: LinkedQuestion[];
  /** The title of its town hall (null: recorded outside any town hall). */
  townHallTitle: string | null;
}

export interface CommitmentList {
  commitments: CommitmentItem[];
  /** Today in the department's time zone (YYYY-MM-DD): the day `overdue` was judged on. */
  today: string;
}

/** The list's filters, from the query string; each one narrows it. */
export const CommitmentFilter = z.strictObject({
  status: CommitmentStatus.optional(),
  topic: Id.optional(),
  townHallId: Id.optional(),
});
export type CommitmentFilter = z.infer<typeof CommitmentFilter>;
