// The town hall room: one command to come in, one to go. Everything a town hall's page shows
// live starts from this join; each feature adds its part to the one snapshot it answers with.
import { z } from 'zod';
import type { CaptionsSnapshot } from './captions.js';
import type { ChatSnapshot } from './chat.js';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { PollView } from './polls.js';
import type { QaSnapshot } from './qa.js';
import type { HallCodeView, TownHall } from './townhall.js';

export const TownHallJoin = z.strictObject({ townHallId: Id });
export const TownHallLeave = TownHallJoin;
export type TownHallJoin = z.input<typeof TownHallJoin>;

/** What each feature adds to a join, by the name it registers under on the server. */
export interface TownHallParts {
  qa: QaSnapshot;
  /** Every poll this person may see (drafts: staff only), with the results they may see and their ballot. */
  polls: PollView[];
  chat: ChatSnapshot;
  captions: CaptionsSnapshot;
  /** The code to show in the hall: its hosts (and admins) only, until it ends; null for everyone else. */
  hallCode: HallCodeView | null;
}

/**
 * The answer to `townhall:join`, read after the connection is in the room: facts that arrive
 * while it is on its way apply over it.
 */
export interface TownHallSnapshot extends TownHallParts {
  townHall: TownHall;
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
