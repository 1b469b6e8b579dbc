import type { RaisedHand, StageView } from '../../shared/media.js';
import type { DirtyKeys } from './coalesce.js';
import type { Logger } from './log.js';
import type { RateLimits } from './rate-limit.js';

/**
 * The state nodes share that is not a record: what changed since the last tick, how much of a
 * budget someone has spent, which cached answers are stale, who is on stage. Like Colyseus's
 * `Presence`, one interface with two implementations (server/coordination/): memory for a
 * single node, Redis for several. Features receive it; none of them sees a driver.
 *
 * Everything here may be lost with the backend (a Redis restart): tallies are sent again from
 * the stores, budgets start afresh, caches expire by themselves, and a stage empties.
 */
export interface Coordination {
  /** The dirty-key set `name`, taken by one node per `intervalMs` (see coalesce.ts). */
  dirtyKeys(name: string, intervalMs: number, log: Logger): DirtyKeys;
  /** Rate budgets, shared by every node so spreading over nodes does not multiply them. */
  readonly limits: RateLimits;
  /** Tells every node (this one included) that what it caches under a key is stale. */
  invalidations(name: string): Invalidations;
  /** Raised hands and speakers per town hall. */
  readonly stage: StageRoster;
  close(): Promise<void>;
}

export interface Invalidations {
  /** Reaches every subscriber on every node, this node's included, once each. */
  publish(key: string): Promise<void>;
  /** Returns the unsubscribe. */
  /** Resolves once subscribed everywhere, to the unsubscribe. */
  subscribe(listener: (key: string) => void): Promise<() => void>;
}

/**
 * Who has a hand up and who is on stage, per town hall. Invariants, kept atomically on every
 * node together:
 * - a person is in at most one of the two: `invite` moves a raised hand on stage, and a
 *   speaker cannot raise a hand;
 * - hands are listed in the order they went up, speakers in the order they came on stage;
 * - each change answers whether it changed anything (false: the hand was already up, was not
 *   up, the person was not on stage), so exactly one of two racing nodes announces it.
 */
export interface StageRoster {
  view(townHallId: string): Promise<StageView>;
  hands(townHallId: string): Promise<RaisedHand[]>;
  handRaised(townHallId: string, userId: string): Promise<boolean>;
  isSpeaker(townHallId: string, userId: string): Promise<boolean>;
  /** False when the hand is already up or the person is on stage. */
  raise(townHallId: string, person: { userId: string; displayName: string }, now?: number): Promise<boolean>;
  lower(townHallId: string, userId: string): Promise<boolean>;
  /** Moves a raised hand on stage; false when that person's hand is not up. */
  invite(townHallId: string, userId: string): Promise<boolean>;
  sendBack(townHallId: string, userId: string): Promise<boolean>;
  /** Takes a person off stage and out of the queue (they left, or were banned); what changed. */
  remove(townHallId: string, userId: string): Promise<{ hand: boolean; speaker: boolean }>;
  clear(townHallId: string): Promise<void>;
}
