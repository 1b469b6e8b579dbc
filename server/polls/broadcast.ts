import type { PollResults } from '../../shared/polls.js';
import type { RoomPublisher } from '../townhall/publish.js';
import { pollFact, resultsAudience } from './rules.js';
import type { PollRecord } from './store.js';

export interface PollBroadcast {
  /** A poll was drafted (to staff only), opened or closed (to the whole town hall). */
  changed(p: PollRecord): void;
  /** Results to those who may see them now (see `resultsAudience`). */
  results(p: PollRecord, results: PollResults): void;
}

export function createPollBroadcast(room: RoomPublisher): PollBroadcast {
  return {
    changed(p) {
      const fact = { poll: pollFact(p) };
      if (p.status === 'draft') room.publishToStaff(p.townHallId, 'poll:changed', fact);
      else room.publish(p.townHallId, 'poll:changed', fact);
    },
    results(p, results) {
      const fact = { pollId: p.id, results };
      if (resultsAudience(p) === 'everyone') room.publish(p.townHallId, 'poll:results-tallied', fact);
      else room.publishToStaff(p.townHallId, 'poll:results-tallied', fact);
    },
  };
}
