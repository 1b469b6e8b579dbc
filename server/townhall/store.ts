import type { ModerationMode } from '../../shared/moderation.js';
import type { TownHall, TownHallStatus } from '../../shared/townhall.js';

export type TownHallRecord = TownHall;
export interface NewTownHall {
  title: string;
  description: string;
  startsAt: number;
  status: TownHallStatus;
  moderation: ModerationMode;
}

/**
 * Town halls. (Scheduling, hosts and the live/ended lifecycle grow here with the events issue.)
 *
 * Invariants: `get` returns what was stored; `list` is ordered by `startsAt` then `createdAt`;
 * `setModeration` on an unknown id resolves to null and stores nothing.
 */
export interface TownHallStore {
  create(input: NewTownHall): Promise<TownHallRecord>;
  get(id: string): Promise<TownHallRecord | null>;
  list(): Promise<TownHallRecord[]>;
  setModeration(id: string, moderation: ModerationMode): Promise<TownHallRecord | null>;
}
