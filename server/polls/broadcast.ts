import type { PollResults } from '../../shared/polls.js';
import { rooms, type AppServer } from '../core/types.js';
import { pollFact, resultsAudience } from './rules.js';
import type { PollRecord } from './store.js';

export interface PollBroadcast {
  /** A poll was drafted (to staff only), opened or closed (to the whole town hall). */
  changed(p: PollRecord): void;
  /** Results to those who may see them now (see `resultsAudience`). */
  results(p: PollRecord, results: PollResults): void;
}

export function createPollBroadcast(io: AppServer): PollBroadcast {
  return {
    changed(p) {
      const room = p.status === 'draft' ? rooms.townHallStaff(p.townHallId) : rooms.townHall(p.townHallId);
      io.to(room).emit('poll:changed', { poll: pollFact(p) });
    },
    results(p, results) {
      const room = resultsAudience(p) === 'everyone' ? rooms.townHall(p.townHallId) : rooms.townHallStaff(p.townHallId);
      io.to(room).emit('poll:results', { pollId: p.id, results });
    },
  };
}
