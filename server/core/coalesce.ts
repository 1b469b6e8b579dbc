import type { Logger } from './log.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';

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

export function memoryDirtyKeys(): DirtyKeys {
  let marked = new Set<string>();
  return {
    mark: (key) => void marked.add(key),
    async take() {
      const taken = [...marked];
      marked = new Set();
      return taken;
    },
    restore: (keys) => keys.forEach((key) => marked.add(key)),
  };
}

// Reading and clearing in one script: a key marked in between is never lost.
const drain = lua(`
  local keys = redis.call('SMEMBERS', KEYS[1])
  redis.call('DEL', KEYS[1])
  return keys
`);

export function redisDirtyKeys(redis: RedisClient, name: string, intervalMs: number, log: Logger): DirtyKeys {
  const set = rkey('dirty', name);
  const lock = rkey('dirty', name, 'tick');
  const mark = (keys: string[]) =>
    void redis.sAdd(set, keys).catch((err: unknown) => log.warn({ err, name }, 'could not mark a change for the next tick'));
  return {
    mark: (key) => mark([key]),
    async take() {
      // One node per interval: the lock lapses just before the next tick is due.
      const won = await redis.set(lock, '1', { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, intervalMs - 5) } });
      if (won === null) return [];
      return ((await drain.run(redis, [set], [])) as string[]) ?? [];
    },
    restore: (keys) => {
      if (keys.length > 0) mark(keys);
    },
  };
}

export interface Coalescer {
  /** Notes a change; it goes out with the next tick, not now. */
  mark(key: string): void;
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
  const timer = setInterval(async () => {
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
  }, options.intervalMs);
  timer.unref();
  return { mark: (key) => keys.mark(key), close: () => clearInterval(timer) };
}

/** The dirty-key set for this deployment: Redis when there is one, memory otherwise. */
export const dirtyKeysFor = (redis: RedisClient | null, name: string, intervalMs: number, log: Logger): DirtyKeys =>
  redis ? redisDirtyKeys(redis, name, intervalMs, log) : memoryDirtyKeys();
