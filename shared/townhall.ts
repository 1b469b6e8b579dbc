import { z } from 'zod';
import { ModerationMode } from './moderation.js';
import { Id } from './ids.js';

export const TownHallStatus = z.enum(['scheduled', 'live', 'ended']);
export type TownHallStatus = z.infer<typeof TownHallStatus>;

/** A town hall as anyone may see it (GET /api/townhalls, GET /api/townhalls/:id). */
export interface TownHall {
  id: Id;
  title: string;
  description: string;
  startsAt: number;
  status: TownHallStatus;
  moderation: ModerationMode;
  createdAt: number;
}
