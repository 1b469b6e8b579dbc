import type {
  Appeal,
  ContentRef,
  FilterEntry,
  Notice,
  QueueReason,
  ReasonCode,
  Sanction,
} from '../../shared/moderation.js';

/** An item waiting for a moderator. `place` is 'townhall:<id>' or 'thread:<id>'. */
export interface QueueEntry {
  ref: ContentRef;
  place: string;
  reason: QueueReason;
  /** How many distinct people flagged it. */
  flags: number;
  /** When it entered the queue (the first time, if it was re-queued for another reason). */
  submittedAt: number;
  claim: { by: string; byName: string; until: number } | null;
}

/** A sanction to store; `alias` is left out (null) for one given to a named person. */
export type NewSanction = Omit<Sanction, 'id' | 'liftedAt' | 'liftedBy' | 'alias'> & { alias?: string | null };
export type NewAppeal = Omit<Appeal, 'outcome' | 'decidedBy' | 'decidedAt'>;

/**
 * Everything the moderation pipeline keeps besides the content itself (each feature keeps its
 * content and its status; the pipeline keeps flags, who took part where, the queue, claims,
 * sanctions, appeals, notices, filter entries and per-place slow mode).
 *
 * Invariants (tests/stores/moderation.contract.ts runs them on both implementations):
 * - a person flags an item once, ever: `addFlag` again returns `added: false` and the same
 *   count, even after `resetFlags`;
 * - `flagCount` counts the people who flagged an item since its last `resetFlags` (a
 *   moderator's decision), and `countingFlagCount` those of them whose flag counts toward
 *   hiding it; `resetFlags` brings both to 0, so only new people count again;
 * - taking part is only ever added: `tookPart` is true from the first `markTookPart` on;
 * - a filter term exists once (compared lower-case): `addFilterEntry` with a taken term
 *   resolves to null; every add or remove raises `filterVersion`;
 * - `claim` is compare-and-set: it succeeds when the entry is unclaimed, its claim has
 *   expired, or the claimant already holds it; otherwise null;
 * - `dequeue` removes the entry once (a second call resolves to null) and records the time
 *   from `submittedAt` to the decision for `recentDecisionTimes`;
 * - an item has at most one appeal: a second `createAppeal` resolves to null;
 *   `decideAppeal` decides it once (compare-and-set), a second call resolves to null;
 * - `activeSanctions` lists sanctions not lifted whose `until` is null or after `now`;
 * - every method resolves only after its write is stored.
 */
export interface ModerationStore {
  listFilterEntries(): Promise<FilterEntry[]>;
  addFilterEntry(entry: Omit<FilterEntry, 'id' | 'createdAt'>): Promise<FilterEntry | null>;
  removeFilterEntry(id: string): Promise<FilterEntry | null>;
  filterVersion(): Promise<number>;

  /**
   * A person's flag on an item. `counts` (true unless given) says whether it counts toward
   * hiding the item; one that does not is still a report. `count` is `flagCount` after it.
   */
  addFlag(ref: ContentRef, userId: string, reason: ReasonCode, counts?: boolean): Promise<{ added: boolean; count: number }>;
  /** People who flagged the item since the last moderator decision on it. */
  flagCount(ref: ContentRef): Promise<number>;
  /** Those of them whose flags count toward hiding it. */
  countingFlagCount(ref: ContentRef): Promise<number>;
  /** A moderator decided the item: the counts start again from 0 and earlier flaggers stay spent. */
  resetFlags(ref: ContentRef): Promise<void>;

  /** The person wrote or voted in a place ('townhall:<id>', 'thread:<id>'…). */
  markTookPart(userId: string, place: string): Promise<void>;
  tookPart(userId: string, place: string): Promise<boolean>;

  /** Adds the item to the queue, or updates its reason and raises its flag count if it is there already (the count never falls). */
  enqueue(entry: Omit<QueueEntry, 'claim'>): Promise<QueueEntry>;
  getQueueEntry(ref: ContentRef): Promise<QueueEntry | null>;
  /** The whole queue, oldest submission first. */
  listQueue(): Promise<QueueEntry[]>;
  dequeue(ref: ContentRef, decidedAt: number): Promise<QueueEntry | null>;
  claim(ref: ContentRef, moderator: { id: string; name: string }, until: number, now: number): Promise<QueueEntry | null>;
  /** Releases a claim held by this moderator; null when they did not hold it. */
  release(ref: ContentRef, moderatorId: string): Promise<QueueEntry | null>;
  /** Milliseconds from submission to decision of the most recent decisions, newest first. */
  recentDecisionTimes(limit: number): Promise<number[]>;

  addSanction(sanction: NewSanction): Promise<Sanction>;
  liftSanction(id: string, by: string, at: number): Promise<Sanction | null>;
  activeSanctions(userId: string, now: number): Promise<Sanction[]>;
  /** Every sanction of a person, newest first. */
  sanctionsOf(userId: string): Promise<Sanction[]>;

  createAppeal(appeal: NewAppeal): Promise<Appeal | null>;
  getAppeal(ref: ContentRef): Promise<Appeal | null>;
  decideAppeal(ref: ContentRef, outcome: 'upheld' | 'restored', by: string, at: number): Promise<Appeal | null>;

  addNotice(notice: Omit<Notice, 'id'>): Promise<Notice>;
  /** A person's notices, newest first. */
  noticesFor(userId: string, limit: number): Promise<Notice[]>;
  /** Marks that the person appealed, so the notice no longer offers it. */
  closeAppealOnNotices(userId: string, ref: ContentRef): Promise<void>;

  /** Seconds a person must wait between messages in a place; 0 is off. */
  setSlowMode(place: string, seconds: number): Promise<void>;
  getSlowMode(place: string): Promise<number>;
}
