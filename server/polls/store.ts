import type { FilterHit, HoldReason } from '../../shared/moderation.js';
import type { Ballot, PollKind, PollOption, PollStatus, PollVisibility } from '../../shared/polls.js';
import type { ContentStatus, Decision } from '../moderation/pipeline-types.js';

export interface PollRecord {
  id: string;
  townHallId: string;
  kind: PollKind;
  question: string;
  options: PollOption[];
  maxChoices: number | null;
  scale: { min: number; max: number } | null;
  visibility: PollVisibility;
  allowChange: boolean;
  status: PollStatus;
  /** The host who drafted it; never shown to residents. */
  createdBy: string;
  createdAt: number;
  openedAt: number | null;
  closesAt: number | null;
  closedAt: number | null;
}

export type NewPoll = Pick<
  PollRecord,
  'townHallId' | 'kind' | 'question' | 'options' | 'maxChoices' | 'scale' | 'visibility' | 'allowChange' | 'createdBy'
>;

/**
 * One person's ballot in a poll, without the person. Word-cloud answers go through moderation,
 * so every ballot carries a status; only published ones are counted (other kinds are always
 * published). The id stays the same when the person changes their ballot: it is the answer's
 * id in the moderation queue.
 */
export interface BallotRecord {
  id: string;
  pollId: string;
  ballot: Ballot;
  castAt: number;
  status: ContentStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  /** Set when a moderator decided the answer; cleared when the ballot is replaced. */
  decision: Decision | null;
}

/** A ballot with who cast it, for the moderation pipeline only (its author gets notices). */
export interface AnswerRecord extends BallotRecord {
  townHallId: string;
  userId: string;
}

export type NewBallot = Pick<BallotRecord, 'ballot' | 'castAt' | 'status' | 'holdReason' | 'filterHits'>;

export type CastOutcome =
  | { accepted: true; replaced: boolean; ballot: BallotRecord }
  /** not-open: draft, closed, or past its closing time at `castAt`; already-voted: changes are not allowed. */
  | { accepted: false; replaced: false; reason: 'not-open' | 'already-voted' };

/**
 * Polls and their ballots.
 *
 * Invariants (tests/stores/polls.contract.ts runs them on both implementations):
 * - one ballot per person per poll: `castBallot` from two tabs or two nodes at once stores one,
 *   and `ballots` holds exactly one entry per person who voted, so a tally drawn from it is
 *   the sum of ballots;
 * - ballots are taken only while the poll is open and before its `closesAt`, checked in the same
 *   atomic step as the write; on a draft or closed poll nothing is stored;
 * - with `allowChange` false a second ballot is refused and the first stays as it was;
 * - `transition` is compare-and-set: draft → open and open → closed only; any other move, or a
 *   poll that moved meanwhile, resolves to null and changes nothing;
 * - `setAnswerStatus` is compare-and-set on one ballot's status, like a question's transition;
 * - `ballots` never carries who cast them; only `ballotOf` (one's own) and `getAnswer` (for
 *   moderators) relate a ballot to a person;
 * - every method resolves only after its write is stored.
 */
export interface PollStore {
  /** Stores a draft. */
  createPoll(input: NewPoll): Promise<PollRecord>;
  getPoll(id: string): Promise<PollRecord | null>;
  /** Every poll of a town hall, drafts included, oldest first (ties by id). */
  listPolls(townHallId: string): Promise<PollRecord[]>;
  /** Opening stamps `openedAt` = at and `closesAt`; closing stamps `closedAt` = at. */
  transition(id: string, to: 'open' | 'closed', at: number, closesAt?: number | null): Promise<PollRecord | null>;
  castBallot(pollId: string, userId: string, ballot: NewBallot, allowChange: boolean): Promise<CastOutcome>;
  ballotOf(pollId: string, userId: string): Promise<BallotRecord | null>;
  /** Every ballot of a poll (one per person), in no particular order. */
  ballots(pollId: string): Promise<BallotRecord[]>;
  getAnswer(ballotId: string): Promise<AnswerRecord | null>;
  setAnswerStatus(ballotId: string, from: ContentStatus[], to: ContentStatus, decision: Decision): Promise<AnswerRecord | null>;
}
