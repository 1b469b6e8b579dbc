import { coalesce, type DirtyKeys } from '../core/coalesce.js';
import type { Logger } from '../core/log.js';
import type { RoomPublisher } from '../townhall/publish.js';
import type { QuestionStore } from './store.js';

export interface VoteTally {
  /** Notes that a question's count changed; it goes out with the next tick, not now. */
  record(questionId: string): void;
  /** Sends the changed counts now (before a frame is built). */
  flush(): Promise<void>;
  close(): void;
}

/**
 * Coalesces vote counts: however fast votes arrive (on whichever node), each town hall gets at
 * most one `qa:votes-tallied` per interval, carrying the stored counts of the questions that
 * changed. A crowd voting therefore costs one small broadcast per tick instead of one per vote,
 * and the count sent is always the stored one, never a stale figure from a vote that raced.
 */
export function createVoteTally(deps: {
  room: RoomPublisher;
  questions: QuestionStore;
  intervalMs: number;
  keys: DirtyKeys;
  log: Logger;
}): VoteTally {
  const { room, questions } = deps;
  const tally = coalesce({
    name: 'qa-votes',
    intervalMs: deps.intervalMs,
    keys: deps.keys,
    log: deps.log,
    async flush(keys) {
      const byTownHall = new Map<string, Record<string, number>>();
      const found = await Promise.all(keys.map((id) => questions.getQuestion(id)));
      for (const q of found) {
        if (!q || q.status === 'removed' || q.status === 'rejected' || q.status === 'merged') continue;
        let counts = byTownHall.get(q.townHallId);
        if (!counts) byTownHall.set(q.townHallId, (counts = {}));
        counts[q.id] = q.votes;
      }
      for (const [townHallId, votes] of byTownHall) room.publish(townHallId, 'qa:votes-tallied', { townHallId, votes });
    },
  });
  return { record: tally.mark, flush: tally.flush, close: tally.close };
}
