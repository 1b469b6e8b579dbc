// After the town hall: what the department does with every published question it did not answer
// live (a follow-up), and what it said it would do (a commitment). Both are public: the record
// page, the commitments page, the Atom feeds and the accountability page read these shapes.
// Officers work them over HTTP (docs/protocol.md, "Follow-ups and commitments").
import { z } from 'zod';
import { Id } from './ids.js';
import { boundedLine, boundedText } from './text.js';

// ---- units ---------------------------------------------------------------------------------

/**
 * A unit of the department (Patrol, Traffic, Investigations…), kept by admins like topics. Staff
 * accounts may belong to one; follow-ups are assigned and commitments owned by one. Never
 * deleted, only retired, so old records keep their labels.
 */
export interface Unit {
  id: Id;
  name: { en: string; es: string };
  retired: boolean;
}
const UnitName = boundedLine(2, 60);
export const NewUnit = z.strictObject({ en: UnitName, es: UnitName.optional() });
export const EditUnit = z.strictObject({ en: UnitName.optional(), es: UnitName.optional(), retired: z.boolean().optional() });
export const MAX_UNITS = 50;
/** An admin puts a staff account in a unit, or in none (`PUT /api/staff/:id/unit`). */
export const StaffUnitBody = z.strictObject({ unitId: Id.nullable() });
/**
 * An officer or admin a follow-up may be assigned to, as other officers see them
 * (`GET /api/officers`): the name they act under in public and their unit, nothing personal.
 */
export interface Assignee {
  id: Id;
  displayName: string;
  unitId: Id | null;
}

// ---- follow-ups ----------------------------------------------------------------------------

/**
 * open: waiting for the department; answered: answered in writing after the event; referred: sent
 * to a unit or another city department, with a public note; closed: closed with a public reason.
 * answered, referred and closed are final: a follow-up is never reopened (the record would
 * otherwise change under the people who read it).
 */
export const FollowUpStatus = z.enum(['open', 'answered', 'referred', 'closed']);
export type FollowUpStatus = z.infer<typeof FollowUpStatus>;

export const CloseReason = z.enum(['duplicate', 'already-answered', 'outside-remit', 'open-case', 'personal-matter']);
export type CloseReason = z.infer<typeof CloseReason>;

export const FOLLOW_UP_LIMITS = {
  answer: { min: 1, max: 4000 },
  note: { min: 1, max: 1000 },
  referredTo: { min: 2, max: 120 },
  /** The deadline policy, in days after the town hall ended (admin setting; null: none). */
  deadlineDays: { min: 1, max: 365 },
} as const;

/** One dated step in a follow-up's public history. */
export interface FollowUpEvent {
  at: number;
  kind: 'entered' | 'assigned' | 'answered' | 'referred' | 'closed';
  /** The officer's display name (officers act on the record); null for the system ('entered'). */
  byName: string | null;
  /** 'assigned': the unit it was assigned to, if any (the person assigned is staff-only). */
  unitId?: Id | null;
}

/** A follow-up as the public sees it. Keyed by its question: one follow-up per question. */
export interface FollowUpView {
  questionId: Id;
  townHallId: Id;
  /** The question's text and topic as published (never the asker's name if they hid it). */
  questionText: string;
  topicId: Id | null;
  askedAt: number;
  /** When it entered the queue: the end of its town hall. */
  enteredAt: number;
  status: FollowUpStatus;
  unitId: Id | null;
  /** From the deadline policy when it entered; null when there was none. */
  dueAt: number | null;
  answer: { text: string; byName: string; at: number } | null;
  referral: { to: string; note: string; byName: string; at: number } | null;
  closure: { reason: CloseReason; detail: string | null; byName: string; at: number } | null;
  /** When it left 'open' (answered, referred or closed), else null. */
  resolvedAt: number | null;
  history: FollowUpEvent[];
  /** Staff only: the officer it is assigned to. */
  assigneeId?: Id | null;
  /** Staff only: that officer's display name. */
  assigneeName?: string | null;
  /** Set by the server when it answers: still open and past `dueAt` by the server's clock. */
  overdue?: boolean;
}

/** Whose follow-ups an officer's worklist shows (`GET /api/followups?scope=&status=`). */
export const FollowUpScope = z.enum(['mine', 'unit', 'unassigned', 'all']);
export type FollowUpScope = z.infer<typeof FollowUpScope>;
export const FollowUpQuery = z.strictObject({ scope: FollowUpScope.default('mine'), status: FollowUpStatus.optional() });

export const AssignFollowUp = z
  .strictObject({ assigneeId: Id.nullable().optional(), unitId: Id.nullable().optional() })
  .refine((b) => b.assigneeId !== undefined || b.unitId !== undefined, { message: 'an assignee or a unit' });
export const AnswerFollowUp = z.strictObject({ text: boundedText(FOLLOW_UP_LIMITS.answer.min, FOLLOW_UP_LIMITS.answer.max) });
export const ReferFollowUp = z.strictObject({
  to: boundedLine(FOLLOW_UP_LIMITS.referredTo.min, FOLLOW_UP_LIMITS.referredTo.max),
  note: boundedText(FOLLOW_UP_LIMITS.note.min, FOLLOW_UP_LIMITS.note.max),
});
export const CloseFollowUp = z.strictObject({
  reason: CloseReason,
  /** Required for 'outside-remit' (referred to whom) and 'personal-matter' (the contact channel). */
  detail: boundedText(1, FOLLOW_UP_LIMITS.note.max).optional(),
});

// ---- commitments ---------------------------------------------------------------------------

export const CommitmentStatus = z.enum(['planned', 'in-progress', 'done', 'dropped']);
export type CommitmentStatus = z.infer<typeof CommitmentStatus>;

/** The status changes the rules allow; done and dropped are final. */
export const COMMITMENT_TRANSITIONS: Record<CommitmentStatus, readonly CommitmentStatus[]> = {
  planned: ['in-progress', 'done', 'dropped'],
  'in-progress': ['done', 'dropped'],
  done: [],
  dropped: [],
};

export const COMMITMENT_LIMITS = {
  text: { min: 5, max: 1000 },
  update: { min: 1, max: 2000 },
  questions: 20,
} as const;

export interface CommitmentUpdate {
  at: number;
  byName: string;
  /** The status it moved to with this update, or null for a note that changed no status. */
  status: CommitmentStatus | null;
  text: string;
}

export interface CommitmentView {
  id: Id;
  /** The town hall it was made at or after; null for one recorded outside any town hall. */
  townHallId: Id | null;
  questionIds: Id[];
  /** The topics of its questions (deduplicated), for filtering. */
  topicIds: Id[];
  text: string;
  /** The unit that owns it. */
  unitId: Id;
  /** The day it is due, YYYY-MM-DD in the department's time zone. */
  dueDate: string;
  status: CommitmentStatus;
  /** With 'dropped': why (also the last update's text). */
  dropReason: string | null;
  createdAt: number;
  createdByName: string;
  /** When it became done, else null: "done on time" compares this day with dueDate. */
  doneAt: number | null;
  updates: CommitmentUpdate[];
}

const DueDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const NewCommitment = z.strictObject({
  townHallId: Id.nullable().default(null),
  questionIds: z.array(Id).max(COMMITMENT_LIMITS.questions).default([]),
  text: boundedText(COMMITMENT_LIMITS.text.min, COMMITMENT_LIMITS.text.max),
  unitId: Id,
  dueDate: DueDate,
});
export const CommitmentUpdateBody = z.strictObject({
  status: CommitmentStatus.optional(),
  text: boundedText(COMMITMENT_LIMITS.update.min, COMMITMENT_LIMITS.update.max),
});
export type NewCommitment = z.input<typeof NewCommitment>;
export type CommitmentUpdateBody = z.input<typeof CommitmentUpdateBody>;

// ---- what changed (server-side events other features listen to) ---------------------------

/** Told to listeners (notifications, feeds) after a follow-up changed and was stored. */
export interface FollowUpChange {
  followUp: FollowUpView;
  event: FollowUpEvent;
}
/** Told to listeners after a commitment changed and was stored. */
export interface CommitmentChange {
  commitment: CommitmentView;
  /** 'created', or the update just added. */
  update: CommitmentUpdate | 'created';
}
