import type { FilterHit, HoldReason, ReasonCode } from '../../shared/moderation.js';
import type { AnswerState, QuestionStatus, WrittenAnswer } from '../../shared/qa.js';
import type { StaffRole } from '../../shared/roles.js';
import type { QuestionMerges } from './merge-store.js';

export interface QuestionRecord {
  id: string;
  townHallId: string;
  authorId: string;
  /** The asker's display name when they asked; kept for staff and for named questions. */
  authorName: string;
  /** The asker's staff role when they asked (null: resident or guest); null on questions asked before it was kept. */
  authorRole: StaffRole | null;
  anonymous: boolean;
  text: string;
  createdAt: number;
  status: QuestionStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  votes: number;
  answerState: AnswerState;
  answer: WrittenAnswer | null;
  /** When an officer marked it answered live (spoken on stage); cleared if it is reopened. */
  answeredLiveAt: number | null;
  /** The department topic it is filed under (null: none); set by the asker, changed by staff. */
  topicId: string | null;
  /** Set when a moderator decided it (approve, reject, remove). */
  decision: { by: string; at: number; reason: ReasonCode | null; note: string | null } | null;
  /** The question this one was merged into (status 'merged'); null otherwise. */
  mergedInto: string | null;
  /** How many questions are merged into this one. */
  mergedCount: number;
  /** Distinct askers of the questions merged into this one, this question's own asker left out. */
  alsoAskedBy: number;
}

/** Only a merge makes a question 'merged', so no question starts out so. */
type UnmergedStatus = Exclude<QuestionStatus, 'merged'>;

export type NewQuestion = Pick<
  QuestionRecord,
  'townHallId' | 'authorId' | 'authorName' | 'authorRole' | 'anonymous' | 'text' | 'holdReason' | 'filterHits'
> & { status: UnmergedStatus; topicId?: string | null };

/** A question by id, or the record (or the part of it) a caller already read. */
export type QuestionRef = string | Pick<QuestionRecord, 'id' | 'townHallId'>;

export interface VoteChange {
  /** false when the vote was already in that state (a repeat, a second tab, a replay). */
  changed: boolean;
  votes: number;
}

/**
 * Questions and their votes (merging duplicates: see merge-store.ts).
 *
 * Invariants (tests/stores/qa.contract.ts runs them on both implementations):
 * - one vote per person per question: `castVote` twice counts once, `retractVote` without a
 *   vote changes nothing, and `votes` always equals the number of distinct voters;
 * - votes count only on published questions: on any other status `castVote` resolves to null;
 * - `transition` is compare-and-set: it changes the status only when the current status is one
 *   of `from`, so two moderators racing on one item cannot both win; the loser gets null;
 * - a removed or rejected question never returns from `listVisible`;
 * - every method resolves only after its write is stored.
 */
export interface QuestionStore extends QuestionMerges<QuestionRecord> {
  addQuestion(input: NewQuestion): Promise<QuestionRecord & { status: UnmergedStatus }>;
  getQuestion(id: string): Promise<QuestionRecord | null>;
  /** Held, hidden and published questions of a town hall, oldest first (who sees which is rules.ts's call). */
  listVisible(townHallId: string): Promise<QuestionRecord[]>;
  /**
   * By id, or by the record the caller already holds, which spares the store reading the
   * question's town hall again (a question never changes town hall). The status is still
   * checked in the store, atomically with the vote.
   */
  castVote(question: QuestionRef, userId: string): Promise<VoteChange | null>;
  retractVote(question: QuestionRef, userId: string): Promise<VoteChange | null>;
  /** Ids of the questions in this town hall that this person has a vote on. */
  votesBy(townHallId: string, userId: string): Promise<string[]>;
  transition(
    id: string,
    from: QuestionStatus[],
    to: QuestionStatus,
    decision: NonNullable<QuestionRecord['decision']>,
  ): Promise<QuestionRecord | null>;
  /**
   * Only published questions can be answered; resolves to null otherwise. Entering 'answered'
   * stamps `answeredLiveAt` (kept if already set); leaving it clears the stamp.
   */
  setAnswerState(id: string, state: AnswerState, at?: number): Promise<QuestionRecord | null>;
  /** Stores a written answer and marks the question answered; null unless published. */
  setAnswer(id: string, answer: WrittenAnswer): Promise<QuestionRecord | null>;
  /**
   * Files a held, hidden or published question under a topic (null: none); null for a removed,
   * rejected or unknown question. Which topics exist is the caller's check (settings/topics.ts).
   */
  setTopic(id: string, topicId: string | null): Promise<QuestionRecord | null>;
  /** Every question of a town hall whatever its status, oldest first (ties by id): the public record's source. */
  listForRecord(townHallId: string): Promise<QuestionRecord[]>;
  /**
   * Data minimisation: replaces the stored name on every question of the town hall by these
   * authors with `replacement`. Resolves to how many questions changed (0 on a repeat).
   */
  forgetAuthorNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
}
