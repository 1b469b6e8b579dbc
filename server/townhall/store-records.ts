import { newId } from '../core/ids.js';
import type { NewTownHall, TownHallRecord } from './store.js';

/** Copies exactly the declared fields, so both stores return what they will read back. */
export const newTownHallRecord = (t: NewTownHall): TownHallRecord => {
  const createdAt = Date.now();
  return {
    id: newId(),
    title: t.title,
    description: t.description,
    startsAt: t.startsAt,
    status: t.status,
    moderation: t.moderation,
    hosts: (t.hosts ?? []).map((h) => ({ id: h.id, displayName: h.displayName })),
    createdAt,
    startedAt: t.status === 'scheduled' ? null : createdAt,
    endedAt: t.status === 'ended' ? createdAt : null,
  };
};

/** The timestamp a status change stamps: entering 'live' starts, entering 'ended' ends. */
export const stampFor = (to: TownHallRecord['status']): 'startedAt' | 'endedAt' | null =>
  to === 'live' ? 'startedAt' : to === 'ended' ? 'endedAt' : null;
