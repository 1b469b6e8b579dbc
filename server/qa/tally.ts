import { rooms, type AppServer } from '../core/types.js';

export interface VoteTally {
  /** Notes a question's new count; it goes out with the next tick, not now. */
  record(townHallId: string, questionId: string, votes: number): void;
  close(): void;
}

/**
 * Coalesces vote counts: however fast votes arrive, each town hall gets at most one
 * `qa:votes-tallied` per interval, carrying only the counts that changed. A crowd voting
 * therefore costs one small broadcast per tick instead of one per vote.
 */
export function createVoteTally(io: AppServer, intervalMs: number): VoteTally {
  let pending = new Map<string, Map<string, number>>();
  const timer = setInterval(() => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    for (const [townHallId, counts] of batch) {
      io.to(rooms.townHall(townHallId)).emit('qa:votes-tallied', { townHallId, votes: Object.fromEntries(counts) });
    }
  }, intervalMs);
  timer.unref();
  return {
    record(townHallId, questionId, votes) {
      let counts = pending.get(townHallId);
      if (!counts) pending.set(townHallId, (counts = new Map()));
      counts.set(questionId, votes);
    },
    close: () => clearInterval(timer),
  };
}
