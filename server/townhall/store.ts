import type { ModerationMode } from '../../shared/moderation.js';
import type { Host, TownHall, TownHallStatus } from '../../shared/townhall.js';

export type TownHallRecord = TownHall;
export interface NewTownHall {
  title: string;
  description: string;
  startsAt: number;
  status: TownHallStatus;
  moderation: ModerationMode;
  hosts?: Host[];
}

/** What a host may change before the event ends. */
export interface TownHallEdit {
  title?: string;
  description?: string;
  startsAt?: number;
  moderation?: ModerationMode;
  hosts?: Host[];
}

/**
 * Town halls and their lifecycle.
 *
 * Invariants: `get` returns what was stored; `list` is ordered by `startsAt` then `createdAt`;
 * a town hall created already live or ended has `startedAt`/`endedAt` set to its creation time;
 * `transition` is a compare-and-set: it moves the status only from `from` (null otherwise, and
 * nothing changes), stamping `startedAt` on entering 'live' and `endedAt` on entering 'ended';
 * `edit` and `setModeration` on an unknown id resolve to null and store nothing; `admit` is
 * idempotent (a person is admitted to a hall once, whatever the number of calls).
 */
export interface TownHallStore {
  create(input: NewTownHall): Promise<TownHallRecord>;
  get(id: string): Promise<TownHallRecord | null>;
  list(): Promise<TownHallRecord[]>;
  setModeration(id: string, moderation: ModerationMode): Promise<TownHallRecord | null>;
  edit(id: string, edit: TownHallEdit): Promise<TownHallRecord | null>;
  transition(id: string, from: TownHallStatus, to: TownHallStatus, at: number): Promise<TownHallRecord | null>;
  /** Records that a person came in with the hall's code: their votes are not capped per network. */
  admit(id: string, userId: string): Promise<void>;
  isAdmitted(id: string, userId: string): Promise<boolean>;
}
