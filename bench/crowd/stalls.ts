// Where a process's event loop stood still, and when: the soak's missed minutes are rare and
// short, and a delay percentile read now and then (the server's tick policy reads the last
// half-second once a second; the generator's p99 over a window counts one stall of a second as one
// sample in 6,000) can miss the very stall that made them. A timer that notes every late firing
// cannot.
import { performance } from 'node:perf_hooks';

/** A period the event loop could not run a timer in: from `at` (epoch ms), for `ms`. */
export interface Stall {
  at: number;
  ms: number;
}

const INTERVAL_MS = 20;
/** Shorter delays are the frame tick's own bursts and scavenges: the loop at work, not a stall. */
export const STALL_MS = 50;
/** A step lists at most this many; a loop stalling more often than that is saturated, and the row says so. */
const MAX_KEPT = 200;

export function watchStalls(): { take(): Stall[]; skip(): void; stop(): void } {
  let stalls: Stall[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - INTERVAL_MS;
    if (late >= STALL_MS && stalls.length < MAX_KEPT) stalls.push({ at: performance.timeOrigin + last + INTERVAL_MS, ms: late });
    last = now;
  }, INTERVAL_MS);
  timer.unref();
  return {
    /** The stalls since the last take. */
    take() {
      const taken = stalls;
      stalls = [];
      return taken;
    },
    /** Not a stall: the caller held the loop on purpose (the bench's forced full GC for the heap figure). */
    skip() {
      last = performance.now();
    },
    stop: () => clearInterval(timer),
  };
}
