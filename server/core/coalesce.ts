import type { Logger } from './log.js';

/**
 * What changed since the last tick, as keys. In memory on one node; in Redis with several, so a
 * change made on any node is sent once per tick by one node, not once per node.
 */
export interface DirtyKeys {
  mark(key: string): void;
  /** The keys marked since the last take, or none if another node takes this tick. */
  take(): Promise<string[]>;
  /** Marks again keys whose sending failed, so the next tick retries them. */
  restore(keys: string[]): void;
}

export interface Coalescer {
  /** Notes a change; it goes out with the next tick, not now. */
  mark(key: string): void;
  /**
   * Sends what is marked now, without waiting for the tick: a room about to send its frame asks
   * first, so a change rides in that frame. Does nothing while a send is already running.
   */
  flush(): Promise<void>;
  close(): void;
}

/**
 * Sends changes at a fixed rate however fast they arrive: every interval, the keys marked since
 * the last tick are handed to `flush` once. A tick still running when the next is due lets it
 * pass, so slow storage cannot pile ticks up; a failed flush is retried on the next tick rather
 * than losing the final state.
 */
export function coalesce(options: {
  name: string;
  intervalMs: number;
  keys: DirtyKeys;
  flush(keys: string[]): Promise<void>;
  log: Logger;
}): Coalescer {
  const { keys, log, name } = options;
  let running = false;
  async function flush(): Promise<void> {
    if (running) return;
    running = true;
    let taken: string[] = [];
    try {
      taken = await keys.take();
      if (taken.length > 0) await options.flush(taken);
    } catch (err) {
      keys.restore(taken);
      log.warn({ err, name }, 'coalesced changes not sent; retrying next tick');
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return { mark: (key) => keys.mark(key), flush, close: () => clearInterval(timer) };
}
