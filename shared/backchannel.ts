// The staff backchannel: a private, live channel per town hall for the people running it (its
// hosts, moderators, captioners and admins): "take the Elm Street question next", "audio is low".
// Residents never receive any of it: no fact, no part of their join snapshot, no HTTP route.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import type { StaffRole } from './roles.js';
import { boundedText } from './text.js';

export const BACKCHANNEL_LIMITS = {
  text: { min: 1, max: 500 },
  /** Messages a staff member receives on joining: the most recent ones. */
  recent: 100,
} as const;

/** One backchannel message as staff see it. Staff write under their own names: it is their working channel. */
export interface BackchannelMessage {
  id: Id;
  townHallId: Id;
  text: string;
  at: number;
  authorName: string;
  authorRole: StaffRole;
}

/** The backchannel's part of the join snapshot: for the town hall's staff, null for everyone else. */
export interface BackchannelSnapshot {
  townHallId: Id;
  /** The most recent messages, oldest first. */
  messages: BackchannelMessage[];
}

export const BackchannelSend = z.strictObject({
  townHallId: Id,
  text: boundedText(BACKCHANNEL_LIMITS.text.min, BACKCHANNEL_LIMITS.text.max),
});
export type BackchannelSend = z.input<typeof BackchannelSend>;

export interface BackchannelClientEvents {
  /** The town hall's hosts, its moderators and captioners, admins; joined. */
  'backchannel:send': (payload: BackchannelSend, ack: Ack<BackchannelMessage>) => void;
}

export interface BackchannelServerEvents {
  /** A new message, to the town hall's staff who joined it (never to residents). */
  'backchannel:posted': (payload: { message: BackchannelMessage }) => void;
}
