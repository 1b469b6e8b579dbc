// The town hall contract: an event scheduled by officers, run live by its hosts, then ended and
// kept as a public record.
import { z } from 'zod';
import type { Ack } from './errors.js';
import { ModerationMode } from './moderation.js';
import { Id } from './ids.js';
import { HallPass } from './session.js';
import { canHost, type Role } from './roles.js';
import { boundedLine, boundedText } from './text.js';

/** scheduled → live → ended. Only a host (or an admin) moves it along; nothing moves back. */
export const TownHallStatus = z.enum(['scheduled', 'live', 'ended']);
export type TownHallStatus = z.infer<typeof TownHallStatus>;

/** An officer who runs the event: publishes video, answers, starts and ends it. */
export interface Host {
  id: Id;
  displayName: string;
}

/** A town hall as anyone may see it (GET /api/townhalls, GET /api/townhalls/:id). */
export interface TownHall {
  id: Id;
  title: string;
  description: string;
  startsAt: number;
  status: TownHallStatus;
  moderation: ModerationMode;
  hosts: Host[];
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/**
 * Who runs a town hall: an officer listed as its host, or an admin. The server checks it on
 * every command; the pages use the same rule to show host controls.
 */
export const isHostOf = (townHall: Pick<TownHall, 'hosts'>, user: { id: string; role: Role }): boolean =>
  user.role === 'admin' || (canHost(user.role) && townHall.hosts.some((h) => h.id === user.id));

export const TOWNHALL_LIMITS = {
  title: { min: 3, max: 120 },
  description: { min: 0, max: 2000 },
  hosts: { min: 1, max: 10 },
} as const;

/** POST /api/townhalls (officers and admins). Hosts are officers' ids; the scheduler by default. */
export const ScheduleTownHall = z.strictObject({
  title: boundedLine(TOWNHALL_LIMITS.title.min, TOWNHALL_LIMITS.title.max),
  description: boundedText(TOWNHALL_LIMITS.description.min, TOWNHALL_LIMITS.description.max),
  startsAt: z.number().int().positive(),
  moderation: ModerationMode.default('post'),
  hostIds: z.array(Id).min(TOWNHALL_LIMITS.hosts.min).max(TOWNHALL_LIMITS.hosts.max).optional(),
});
export type ScheduleTownHall = z.infer<typeof ScheduleTownHall>;

/** PATCH /api/townhalls/:id (its hosts and admins, before it ends). */
export const EditTownHall = ScheduleTownHall.partial();
export type EditTownHall = z.infer<typeof EditTownHall>;

export const TownHallTarget = z.strictObject({ townHallId: Id });

/** A hall code as a host shows it: six characters, accepted until `expiresAt` (a new one shows before then). */
export interface HallCodeView {
  code: string;
  expiresAt: number;
}

/** Many votes on one question or poll from identities a network made minutes before. */
export interface VoteSurge {
  townHallId: Id;
  target: { kind: 'question' | 'poll'; id: Id };
  /** Such votes in the last ten minutes, from the network with the most. */
  votes: number;
}

export interface TownHallClientEvents {
  /** The hall's code and when it expires (hosts and admins, until the town hall ends). */
  'townhall:hall-code': (input: z.input<typeof TownHallTarget>, ack: Ack<HallCodeView>) => void;
  /** Comes in with the hall's code: votes are then not capped per network (anyone; FORBIDDEN for a wrong code). */
  'townhall:admit': (input: z.input<typeof HallPass>, ack: Ack<{ admitted: true }>) => void;
  /** scheduled → live (hosts and admins). */
  'townhall:start': (input: z.input<typeof TownHallTarget>, ack: Ack<TownHall>) => void;
  /** live → ended: closes the media and freezes Q&A, polls and chat (hosts and admins). */
  'townhall:end': (input: z.input<typeof TownHallTarget>, ack: Ack<TownHall>) => void;
}

export interface TownHallServerEvents {
  /** The town hall changed (started, ended, edited): sent to everyone in it. */
  'townhall:changed': (townHall: TownHall) => void;
  /** To its staff: votes from freshly made identities on one network are piling onto one item. */
  'townhall:votes-surged': (surge: VoteSurge) => void;
}
