import { newId } from '../core/ids.js';
import type { NewTownHall, TownHallRecord } from './store.js';

/** Copies exactly the declared fields, so both stores return what they will read back. */
export const newTownHallRecord = (t: NewTownHall): TownHallRecord => ({
  id: newId(),
  title: t.title,
  description: t.description,
  startsAt: t.startsAt,
  status: t.status,
  moderation: t.moderation,
  createdAt: Date.now(),
});
