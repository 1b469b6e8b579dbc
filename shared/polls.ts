// The polls contract: five kinds of poll in a town hall, one ballot per person, results drawn
// by the client from tallies the server sends at a fixed rate.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { HoldReason } from './moderation.js';
import { boundedLine } from './text.js';

export const PollKind = z.enum(['single', 'multiple', 'rating', 'ranked', 'wordcloud']);
export type PollKind = z.infer<typeof PollKind>;
/** live: everyone sees results as votes arrive; on-close: after closing; staff: staff only. */
export const PollVisibility = z.enum(['live', 'on-close', 'staff']);
export type PollVisibility = z.infer<typeof PollVisibility>;
export const PollStatus = z.enum(['draft', 'open', 'closed']);
export type PollStatus = z.infer<typeof PollStatus>;

export const POLL_LIMITS = {
  question: { min: 3, max: 200 },
  option: { min: 1, max: 80 },
  options: { min: 2, max: 12 },
  wordcloudAnswer: { min: 1, max: 40 },
  /** Longest a timed poll may run. */
  durationSeconds: { min: 10, max: 24 * 3600 },
  /** Words shown in a word cloud. */
  cloudWords: 60,
} as const;

export interface PollOption {
  id: string;
  label: string;
}

export interface PollView {
  id: Id;
  townHallId: Id;
  kind: PollKind;
  question: string;
  /** single, multiple and ranked polls. */
  options: PollOption[];
  /** multiple: how many options a ballot may choose. */
  maxChoices: number | null;
  /** rating: the scale, e.g. 1–5 or 0–10. */
  scale: { min: number; max: number } | null;
  visibility: PollVisibility;
  /** Whether a person may change their ballot while the poll is open. */
  allowChange: boolean;
  status: PollStatus;
  createdAt: number;
  openedAt: number | null;
  /** When a timed poll closes by itself. */
  closesAt: number | null;
  closedAt: number | null;
  /** Results, when this person may see them (see `visibility`); null otherwise. */
  results: PollResults | null;
  /** This person's ballot, if they cast one. */
  myBallot: Ballot | null;
}

// ---- ballots -----------------------------------------------------------------------------

export const SingleBallot = z.strictObject({ kind: z.literal('single'), optionId: Id });
export const MultipleBallot = z.strictObject({ kind: z.literal('multiple'), optionIds: z.array(Id).min(1).max(12) });
export const RatingBallot = z.strictObject({ kind: z.literal('rating'), value: z.number().int().min(-10).max(100) });
export const RankedBallot = z.strictObject({ kind: z.literal('ranked'), ranking: z.array(Id).min(1).max(12) });
export const WordcloudBallot = z.strictObject({
  kind: z.literal('wordcloud'),
  text: boundedLine(POLL_LIMITS.wordcloudAnswer.min, POLL_LIMITS.wordcloudAnswer.max),
});
export const Ballot = z.discriminatedUnion('kind', [SingleBallot, MultipleBallot, RatingBallot, RankedBallot, WordcloudBallot]);
export type Ballot = z.infer<typeof Ballot>;

// ---- results -----------------------------------------------------------------------------

export interface IrvRound {
  /** Continuing ballots counted for each option still in the running. */
  counts: Record<string, number>;
  /** Options eliminated at the end of this round (ties are eliminated together). */
  eliminated: string[];
  /** Ballots with no continuing option left. */
  exhausted: number;
}

export type PollResults =
  | { kind: 'single' | 'multiple'; ballots: number; counts: Record<string, number> }
  | { kind: 'rating'; ballots: number; counts: Record<string, number>; mean: number | null }
  | {
      kind: 'ranked';
      ballots: number;
      firstPreferences: Record<string, number>;
      rounds: IrvRound[];
      /** The option with a majority of continuing ballots; several on a final tie; empty with no ballots. */
      winners: string[];
    }
  | { kind: 'wordcloud'; ballots: number; words: { word: string; count: number }[] };

// ---- commands ----------------------------------------------------------------------------

export const PollCreate = z
  .strictObject({
    townHallId: Id,
    kind: PollKind,
    question: boundedLine(POLL_LIMITS.question.min, POLL_LIMITS.question.max),
    options: z.array(boundedLine(POLL_LIMITS.option.min, POLL_LIMITS.option.max)).max(POLL_LIMITS.options.max).default([]),
    maxChoices: z.number().int().min(1).max(POLL_LIMITS.options.max).optional(),
    scale: z.strictObject({ min: z.number().int().min(0).max(1), max: z.number().int().min(3).max(10) }).optional(),
    visibility: PollVisibility.default('live'),
    allowChange: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    const needsOptions = p.kind === 'single' || p.kind === 'multiple' || p.kind === 'ranked';
    if (needsOptions && p.options.length < POLL_LIMITS.options.min) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `at least ${POLL_LIMITS.options.min} options` });
    }
    if (needsOptions && new Set(p.options.map((o) => o.toLowerCase())).size !== p.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must differ' });
    }
    if (!needsOptions && p.options.length > 0) ctx.addIssue({ code: 'custom', path: ['options'], message: 'no options for this kind' });
    if (p.kind === 'multiple' && (p.maxChoices === undefined || p.maxChoices > p.options.length)) {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: 'between 1 and the number of options' });
    }
    if (p.kind !== 'multiple' && p.maxChoices !== undefined) ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: 'only for multiple choice' });
    if (p.kind === 'rating' && p.scale === undefined) ctx.addIssue({ code: 'custom', path: ['scale'], message: 'a rating needs a scale' });
    if (p.kind !== 'rating' && p.scale !== undefined) ctx.addIssue({ code: 'custom', path: ['scale'], message: 'only for ratings' });
  });
export const PollOpen = z.strictObject({
  pollId: Id,
  durationSeconds: z.number().int().min(POLL_LIMITS.durationSeconds.min).max(POLL_LIMITS.durationSeconds.max).optional(),
});
export const PollRef = z.strictObject({ pollId: Id });
export const PollVote = z.strictObject({ pollId: Id, ballot: Ballot });

export interface PollClientEvents {
  /** Drafts a poll (officer, admin). */
  'poll:create': (payload: z.input<typeof PollCreate>, ack: Ack<PollView>) => void;
  /** Launches a draft, optionally closing by itself after `durationSeconds`. */
  'poll:open': (payload: z.input<typeof PollOpen>, ack: Ack<PollView>) => void;
  'poll:close': (payload: z.input<typeof PollRef>, ack: Ack<PollView>) => void;
  /**
   * `held`: a word-cloud answer held for review (`holdReason` says why, to its author only); it
   * shows once a moderator approves it.
   */
  'poll:vote': (
    payload: z.input<typeof PollVote>,
    ack: Ack<{ pollId: Id; ballot: Ballot; replaced: boolean; held: boolean; holdReason?: HoldReason }>,
  ) => void;
}

export interface PollServerEvents {
  /** A poll was opened, closed or drafted (drafts to staff only). Results follow separately. */
  'poll:changed': (payload: { poll: Omit<PollView, 'results' | 'myBallot'> }) => void;
  /** Current results of a poll, at most once per tally interval, to those who may see them. */
  'poll:results-tallied': (payload: { pollId: Id; results: PollResults }) => void;
}
