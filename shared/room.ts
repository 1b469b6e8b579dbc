// The town hall room: one command to come in, one to go. Everything a town hall's page shows
// live starts from this join; each feature adds its part to the one snapshot it answers with.
import { z } from 'zod';
import type { BackchannelSnapshot } from './backchannel.js';
import type { CaptionsSnapshot } from './captions.js';
import type { ChatSnapshot } from './chat.js';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { PollView } from './polls.js';
import type { QaSnapshot, QuestionView } from './qa.js';
import type { RecordingState } from './recording.js';
import type { HallCodeView, TownHall } from './townhall.js';

export const TownHallJoin = z.strictObject({ townHallId: Id });
export const TownHallLeave = TownHallJoin;
export type TownHallJoin = z.input<typeof TownHallJoin>;

/** What each feature adds to a join, by the name it registers under on the server. */
export interface TownHallParts {
  qa: QaSnapshot;
  /** Merged questions this person may see: all of them for reviewing staff, their own for an asker. */
  qaMerged: QuestionView[];
  /** Every poll this person may see (drafts: staff only), with the results they may see and their ballot. */
  polls: PollView[];
  chat: ChatSnapshot;
  captions: CaptionsSnapshot;
  /** The code to show in the hall: its hosts (and admins) only, until it ends; null for everyone else. */
  hallCode: HallCodeView | null;
  /** The staff backchannel: the town hall's hosts, moderators, captioners and admins only; null for everyone else. */
  backchannel: BackchannelSnapshot | null;
  /** Whether the town hall is being recorded now: everyone is told. */
  recording: RecordingState;
}

/**
 * The answer to `townhall:join`, read after the connection is in the room: facts that arrive
 * while it is on its way apply over it.
 */
export interface TownHallSnapshot extends TownHallParts {
  townHall: TownHall;
}

/**
 * One fact inside a frame, as the event it would be on its own and that event's payload: the
 * client hands each to its listeners for that event, in order.
 */
export type FrameFact = [event: string, payload: unknown];

/**
 * What changed in a town hall during one tick, for one audience (everyone, or the town hall's
 * reviewing staff), encoded once and written once to every connection in that audience.
 * Tallies in it are absolute counts, merged: one `qa:votes-tallied` per frame at most.
 */
export interface RoomFrame {
  townHallId: string;
  facts: FrameFact[];
}

/** When chat to the crowd is sampled under overload: how many messages this frame left out. */
export interface ChatSkipped {
  townHallId: string;
  count: number;
}

export interface RoomServerEvents {
  /** The room's facts since the last tick (see RoomFrame); one a tick at most per audience. */
  'townhall:frame': (frame: RoomFrame) => void;
  /**
   * This connection skipped frames (its outgoing buffer was full) and has now drained: join
   * again (`townhall:join`) and apply the snapshot, whose counts are absolute.
   */
  'townhall:resync': (payload: { townHallId: string }) => void;
  /** Inside a frame only: chat messages left out of it (see ChatSkipped). */
  'chat:messages-skipped': (payload: ChatSkipped) => void;
}

/** A client connection as far as frames need it: its own listeners, by event name. */
export interface FrameTarget {
  // Listener types differ per event; a frame's facts are delivered by name.
  listeners(event: any): ((...args: any[]) => void)[];
}

/**
 * Hands each fact of a frame, in order, to the connection's own listeners for that event, as
 * if it had come alone: features listen for facts by name whether they come framed or not.
 */
export function deliverFrame(target: FrameTarget, frame: RoomFrame): void {
  for (const [event, payload] of frame.facts) {
    // A copy, as an emitter does: a `once` listener takes itself off while it runs.
    for (const listener of target.listeners(event).slice()) listener.call(target, payload);
  }
}

export interface RoomClientEvents {
  /**
   * Comes into a town hall's room (everyone, staff too): its facts reach this connection from
   * now on, and commands about it are allowed. Again after every reconnect.
   */
  'townhall:join': (payload: TownHallJoin, ack: Ack<TownHallSnapshot>) => void;
  /** Leaves the room; the connection's video in it closes. */
  'townhall:leave': (payload: TownHallJoin, ack: Ack<null>) => void;
}
