import { coalesce, type DirtyKeys } from '../core/coalesce.js';
import type { Logger } from '../core/log.js';

export interface ResultsTally {
  /** Notes that a poll's results changed; they go out with the next tick, not now. */
  dirty(pollId: string): void;
  /** Sends the changed results now (before a frame is built). */
  flush(): Promise<void>;
  close(): void;
}

/**
 * Coalesces results: however fast ballots arrive (on whichever node), each poll's results are
 * sent at most once per interval, counted afresh from the stored ballots. A crowd voting
 * therefore costs one tally and one broadcast per tick instead of one per ballot.
 */
export function createResultsTally(
  intervalMs: number,
  send: (pollId: string) => Promise<void>,
  keys: DirtyKeys,
  log: Logger,
): ResultsTally {
  const tally = coalesce({
    name: 'poll-results',
    intervalMs,
    keys,
    log,
    async flush(pollIds) {
      const outcomes = await Promise.allSettled(pollIds.map(send));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      // Storage is briefly away: the whole batch is retried next tick rather than lose a final count.
      if (failed) throw failed.reason;
    },
  });
  return { dirty: tally.mark, flush: tally.flush, close: tally.close };
}
