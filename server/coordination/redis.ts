import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { DirtyKeys } from '../core/coalesce.js';
import type { Coordination, Invalidations } from '../core/coordination.js';
import type { Logger } from '../core/log.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import { rateLimitsWith } from './rate-limits.js';
import { RedisMediaHomes } from './redis-homes.js';
import { openRedisMailbox } from './redis-mail.js';
import { RedisStage } from './redis-stage.js';

/**
 * Coordination for several nodes, in the Redis the stores use. Invalidations and mailboxes need a
 * connection of their own (a subscribed connection can do nothing else), made on the first
 * subscription.
 */
export function createRedisCoordination(redis: RedisClient, onError?: (err: Error) => void): Coordination {
  let subscriber: Promise<RedisClient> | null = null;
  const connectSubscriber = () =>
    (subscriber ??= (async () => {
      const client = redis.duplicate();
      client.on('error', (err: Error) => onError?.(err));
      await client.connect();
      return client;
    })());
  const channels = new Map<string, Invalidations>();
  return {
    dirtyKeys: (name, intervalMs, log) => redisDirtyKeys(redis, name, intervalMs, log),
    limits: rateLimitsWith((options) => new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true })),
    invalidations(name) {
      let channel = channels.get(name);
      if (!channel) channels.set(name, (channel = redisInvalidations(redis, connectSubscriber, rkey('invalidate', name))));
      return channel;
    },
    stage: new RedisStage(redis),
    mediaHomes: new RedisMediaHomes(redis),
    mailbox: (nodeId) => openRedisMailbox(redis, connectSubscriber, nodeId, onError),
    async close() {
      const client = await subscriber?.catch(() => null);
      await client?.close().catch(() => client.destroy());
    },
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

function redisInvalidations(redis: RedisClient, connect: () => Promise<RedisClient>, channel: string): Invalidations {
  const listeners = new Set<(key: string) => void>();
  let subscribed: Promise<void> | null = null;
  const deliver = (key: string) => {
    for (const listener of [...listeners]) listener(key);
  };
  return {
    async publish(key) {
      await redis.publish(channel, key);
    },
    async subscribe(listener) {
      listeners.add(listener);
      try {
        await (subscribed ??= connect().then((client) => client.subscribe(channel, deliver)));
      } catch (err) {
        subscribed = null;
        listeners.delete(listener);
        throw err;
      }
      return () => void listeners.delete(listener);
    },
  };
}
