// The live Q&A contract: commands a client sends (each with an acknowledgement) and the facts
// the server broadcasts. Server and client import these same schemas and types.
import { z } from 'zod';
import { Id } from './ids.js';
import { boundedText, LIMITS } from './text.js';
import { HoldReason, ModerationMode, type FilterHit } from './moderation.js';
import type { Ack } from './errors.js';
import type { StaffRole } from './roles.js';
import type { Topic } from './topics.js';

/**
 * held: waiting for first review; hidden: taken down pending review (flags or a moderator);
 * merged: folded into another question of the same town hall (kept, and can be taken back out).
 */
export const QuestionStatus = z.enum(['held', 'published', 'hidden', 'rejected', 'removed', 'merged']);
export type QuestionStatus = z.infer<typeof QuestionStatus>;
export const AnswerState = z.enum(['open', 'answering', 'answered']);
export type AnswerState = z.infer<typeof AnswerState>;

export interface WrittenAnswer {
  text: string;
  /** The officer's display name: officers answer on the record. */
  byName: string;
  at: number;
}

/**
 * A question as one audience sees it. Residents get the public view: `authorName` is null when
 * the asker chose to hide it, and nothing else identifies the asker. Staff additionally get
 * `authorHandle`, a pseudonym stable per person and town hall, and for held items why they
 * were held. The asker's own copy carries `mine: true` (and is the only resident copy of a held
 * question).
 */
export interface QuestionView {
  id: Id;
  townHallId: Id;
  text: string;
  createdAt: number;
  votes: number;
  /** 'merged' only on the asker's own copy of a question folded into another (see `mergedInto`). */
  status: 'held' | 'hidden' | 'published' | 'merged';
  anonymous: boolean;
  authorName: string | null;
  /**
   * The asker's staff role when they asked, null for residents and guests. Anonymous questions
   * carry it too: staff may hide their name, never that they are staff.
   */
  authorRole: StaffRole | null;
  answerState: AnswerState;
  answer: WrittenAnswer | null;
  /** The department topic it is filed under (shared/topics.ts); null or absent when none. */
  topicId?: Id | null;
  mine?: true;
  /** staff only */
  authorHandle?: string;
  /** staff and the asker */
  holdReason?: HoldReason;
  /** staff only */
  filterHits?: FilterHit[];
  /**
   * How many other people asked a question that was merged into this one (distinct askers,
   * not counting this question's own); left out when none.
   */
  alsoAskedBy?: number;
  /** On the asker's copy of a merged question: the question it now lives in. */
  mergedInto?: { id: Id; text: string };
}

/**
 * Ranking for the live list: the question being answered first, then most votes, then the one
 * waiting longest. (Answered questions are listed apart.)
 */
export function compareForRanking(a: QuestionView, b: QuestionView): number {
  const now = (q: QuestionView) => (q.answerState === 'answering' ? 0 : 1);
  return now(a) - now(b) || b.votes - a.votes || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
}

export interface QaSnapshot {
  townHallId: Id;
  moderation: ModerationMode;
  /** Seconds a resident waits between questions here (0: slow mode is off); staff are exempt. */
  slowModeSeconds: number;
  /** Published questions, plus held ones for staff and the asker's own held ones. */
  questions: QuestionView[];
  /** Ids of the questions this person has upvoted. */
  myVotes: Id[];
  /** The department's topics, retired ones too (questions may still carry them); the form offers the others. */
  topics: Topic[];
}

/** The page's language, sent with a similarity lookup: the tie-break when a text's words do not tell. */
export const QaLocale = z.enum(['en', 'es']);

/** An existing question that may ask the same thing as the text being typed. */
export interface SimilarQuestion {
  question: QuestionView;
  /** How alike the two are, from 0 (no word in common) to 1 (the same words). */
  score: number;
}

// ---- command payloads --------------------------------------------------------------------

export const QaAsk = z.strictObject({
  townHallId: Id,
  text: boundedText(LIMITS.questionText.min, LIMITS.questionText.max),
  anonymous: z.boolean().default(false),
  /** One of the department's topics; a retired or unknown one is refused with NOT_FOUND. */
  topicId: Id.optional(),
});
export const QaVote = z.strictObject({ questionId: Id, voted: z.boolean() });
export const QaSetAnswerState = z.strictObject({ questionId: Id, state: AnswerState });
export const QaAnswer = z.strictObject({
  questionId: Id,
  text: boundedText(LIMITS.answerText.min, LIMITS.answerText.max),
});
export const QaSetModeration = z.strictObject({ townHallId: Id, moderation: ModerationMode });
/** Files a question under a topic, or under none (null): hosts of the town hall and moderators. */
export const QaSetTopic = z.strictObject({ questionId: Id, topicId: Id.nullable() });
/** The draft being typed; at most three published questions like it come back. */
export const QaSimilar = z.strictObject({
  townHallId: Id,
  text: z.string().max(LIMITS.questionText.max * 4).transform((s) => s.slice(0, LIMITS.questionText.max * 2)),
  locale: QaLocale.optional(),
});

/**
 * Folds duplicates into one question. Sources must differ from the target and from each other;
 * a list of at most 20 keeps one command's work bounded.
 */
export const QaMerge = z
  .strictObject({ targetId: Id, sourceIds: z.array(Id).min(1).max(20) })
  .refine((m) => !m.sourceIds.includes(m.targetId), { path: ['sourceIds'], message: 'A question cannot be merged into itself.' })
  .refine((m) => new Set(m.sourceIds).size === m.sourceIds.length, { path: ['sourceIds'], message: 'A question is listed twice.' });
export const QaUnmerge = z.strictObject({ questionId: Id });

export type QaAsk = z.input<typeof QaAsk>;
export type QaMerge = z.input<typeof QaMerge>;
export type QaUnmerge = z.input<typeof QaUnmerge>;
export type QaVote = z.input<typeof QaVote>;
export type QaSetAnswerState = z.input<typeof QaSetAnswerState>;
export type QaAnswer = z.input<typeof QaAnswer>;
export type QaSetModeration = z.input<typeof QaSetModeration>;
export type QaSetTopic = z.input<typeof QaSetTopic>;
export type QaSimilar = z.input<typeof QaSimilar>;

export interface VoteResult {
  questionId: Id;
  voted: boolean;
  votes: number;
}

export interface MergeResult {
  /** The surviving question, as staff see it. */
  question: QuestionView;
  /** The questions now merged into it (merge), or the one taken back out (unmerge). */
  questionIds: Id[];
}

export interface QaClientEvents {
  'qa:ask': (payload: QaAsk, ack: Ack<QuestionView>) => void;
  'qa:vote': (payload: QaVote, ack: Ack<VoteResult>) => void;
  'qa:set-answer-state': (payload: QaSetAnswerState, ack: Ack<QuestionView>) => void;
  'qa:answer': (payload: QaAnswer, ack: Ack<QuestionView>) => void;
  'qa:set-moderation': (payload: QaSetModeration, ack: Ack<null>) => void;
  'qa:set-topic': (payload: QaSetTopic, ack: Ack<QuestionView>) => void;
  'qa:similar': (payload: QaSimilar, ack: Ack<SimilarQuestion[]>) => void;
  'qa:merge': (payload: QaMerge, ack: Ack<MergeResult>) => void;
  'qa:unmerge': (payload: QaUnmerge, ack: Ack<MergeResult>) => void;
}

export interface QaServerEvents {
  /** A question appeared for this audience or changed (answer state, written answer, approval). Upsert by id. */
  'qa:question-changed': (payload: { question: QuestionView }) => void;
  /** A question left this audience's view (removed, rejected). */
  'qa:question-removed': (payload: { townHallId: Id; questionId: Id }) => void;
  /** Vote counts that changed since the last tally, sent at a fixed rate however fast votes arrive. */
  'qa:votes-tallied': (payload: { townHallId: Id; votes: Record<Id, number> }) => void;
  /** This person's vote changed from another tab. */
  'qa:my-vote-changed': (payload: VoteResult) => void;
  'qa:moderation-changed': (payload: { townHallId: Id; moderation: ModerationMode }) => void;
  /**
   * These questions were folded into `targetId` (each also leaves the list through
   * `qa:question-removed`): a client that had voted for one of them now supports the target.
   */
  'qa:questions-merged': (payload: { townHallId: Id; targetId: Id; questionIds: Id[] }) => void;
  /**
   * A merged question, as reviewing staff and its asker see it (`status: 'merged'`, `mergedInto`).
   * It is taken back out by a `qa:question-changed` of the same id.
   */
  'qa:question-merged': (payload: { question: QuestionView }) => void;
}
