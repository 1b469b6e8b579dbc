import type { Logger } from '../core/log.js';

export interface ResultsTally {
  /** Notes that a poll's results changed; they go out with the next tick, not now. */
  dirty(pollId: string): void;
  close(): void;
}

/**
 * Coalesces results: however fast ballots arrive, each poll's results are sent at most once
 * per interval, counted afresh from the stored ballots. A crowd voting therefore costs one
 * tally and one broadcast per tick instead of one per ballot. A tick still running when the
 * next is due lets it pass, so slow storage cannot pile ticks up.
 */
export function createResultsTally(intervalMs: number, send: (pollId: string) => Promise<void>, log: Logger): ResultsTally {
  let pending = new Set<string>();
  let running = false;
  const timer = setInterval(async () => {
    if (running || pending.size === 0) return;
    running = true;
    const batch = pending;
    pending = new Set();
    try {
      for (const pollId of batch) {
        try {
          await send(pollId);
        } catch (err) {
          // Storage is briefly away: try again on the next tick rather than lose the final count.
          pending.add(pollId);
          log.warn({ err, poll: pollId }, 'poll results not sent');
        }
      }
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return {
    dirty: (pollId) => void pending.add(pollId),
    close: () => clearInterval(timer),
  };
}
