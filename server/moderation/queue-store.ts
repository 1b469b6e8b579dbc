import type { ContentRef, Place, QueueReason, ReasonCode } from '../../shared/moderation.js';

/** An item waiting for a moderator. */
export interface QueueEntry {
  ref: ContentRef;
  place: Place;
  reason: QueueReason;
  /** How many distinct people flagged it. */
  flags: number;
  /** When it entered the queue (the first time, if it was re-queued for another reason). */
  submittedAt: number;
  claim: { by: string; byName: string; until: number } | null;
}

/**
 * What puts items before moderators and what they work from: flags, who took part where (which
 * decides whose flags count), the queue with its claims and decision times, and per-place slow
 * mode. Slow mode sits here rather than in a part of its own: like taking part it is kept per
 * place and read on the same write path, and a store for one setting would be a part in name only.
 *
 * Invariants (tests/stores/moderation-queue.contract.ts runs them on both implementations):
 * - a person flags an item once, ever: `addFlag` again returns `added: false` and the same
 *   count, even after `resetFlags`;
 * - `flagCount` counts the people who flagged an item since its last `resetFlags` (a
 *   moderator's decision), and `countingFlagCount` those of them whose flag counts toward
 *   hiding it; `resetFlags` brings both to 0, so only new people count again;
 * - taking part is only ever added: `tookPart` is true from the first `markTookPart` on;
 * - `enqueue` of a queued item keeps its place in line and its claim, and never lowers its flags;
 * - `claim` is compare-and-set: it succeeds when the entry is unclaimed, its claim has
 *   expired, or the claimant already holds it; otherwise null;
 * - `dequeue` removes the entry once (a second call resolves to null) and records the time
 *   from `submittedAt` to the decision for `recentDecisionTimes`;
 * - every method resolves only after its write is stored.
 */
export interface QueueStore {
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

  /** The person wrote or voted in a place. */
  markTookPart(userId: string, place: Place): Promise<void>;
  tookPart(userId: string, place: Place): Promise<boolean>;

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

  /** Seconds a person must wait between messages in a place; 0 is off. */
  setSlowMode(place: Place, seconds: number): Promise<void>;
  getSlowMode(place: Place): Promise<number>;
}
