import type { RaisedHand, Speaker, StageView } from '../../shared/media.js';
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
  /** Which node each town hall's media lives on. */
  readonly mediaHomes: MediaHomes;
  /** Opens this node's mailbox: requests from other nodes addressed to `nodeId`, and its own to them. */
  mailbox(nodeId: string): Promise<Mailbox>;
  close(): Promise<void>;
}

/**
 * The home node of each town hall's media: the node whose router every producer reaches and
 * every other node's router is fed from. A lease: it lapses unless its holder renews it, so when
 * the holder dies another node takes it over. Invariants, on every node together:
 * - at most one node holds a town hall's lease at a time;
 * - only the holder extends or releases it; a lapsed lease is anyone's to claim.
 */
export interface MediaHomes {
  /** Takes the lease for `ttlMs` unless another node holds it; answers the holder now (maybe this node). */
  claim(townHallId: string, nodeId: string, ttlMs: number): Promise<string>;
  /** Extends the leases `nodeId` holds among these; answers those it no longer holds (lapsed, or taken). */
  renew(nodeId: string, townHallIds: string[], ttlMs: number): Promise<string[]>;
  holder(townHallId: string): Promise<string | null>;
  /** Gives the lease up if `nodeId` holds it (its media closed, or that node was found gone). */
  release(townHallId: string, nodeId: string): Promise<boolean>;
}

/** A request's handler: its answer goes back to the sender; a throw reaches it as a failure. */
export type MailHandler = (body: unknown, from: string) => Promise<unknown>;

/**
 * Requests between nodes, each addressed to one node and answered by it. Bodies are JSON: what
 * goes in comes out as plain data (the nodes run the same code; the channel is trusted, as Redis
 * is).
 */
export interface Mailbox {
  readonly nodeId: string;
  /**
   * Sends to one node and resolves to its answer. Rejects with NodeUnreachableError when no node
   * has that mailbox open (it is gone), with MailTimeoutError after `timeoutMs`, and with the
   * handler's message when it threw.
   */
  request(to: string, topic: string, body: unknown, timeoutMs?: number): Promise<unknown>;
  /** Answers requests on a topic; one handler per topic. */
  handle(topic: string, handler: MailHandler): void;
  close(): Promise<void>;
}

export class NodeUnreachableError extends Error {
  constructor(readonly nodeId: string) {
    super(`node ${nodeId} is not listening`);
    this.name = 'NodeUnreachableError';
  }
}

export class MailTimeoutError extends Error {
  constructor(topic: string, to: string) {
    super(`no answer to ${topic} from node ${to}`);
    this.name = 'MailTimeoutError';
  }
}

/** What a mailbox waits for an answer by default. */
export const MAIL_TIMEOUT_MS = 5000;

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
  /** The sign-language interpreter, with whether they are staff (a resident one goes with the stage). */
  interpreter(townHallId: string): Promise<Interpreter | null>;
  /** Marks (or with null unmarks) the one interpreter; answers the one it replaced. */
  setInterpreter(townHallId: string, interpreter: Interpreter | null): Promise<Interpreter | null>;
  /** Unmarks the interpreter only if it is this person (they left the stage); whether it was. */
  unmarkInterpreter(townHallId: string, userId: string): Promise<boolean>;
  clear(townHallId: string): Promise<void>;
}

export interface Interpreter extends Speaker {
  staff: boolean;
}
