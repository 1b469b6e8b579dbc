import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../storage/redis.js';

/** A per-person budget: `points` actions every `seconds`. */
export interface RateRule {
  name: string;
  points: number;
  seconds: number;
}

export type RateOutcome = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimits {
  consume(rule: RateRule, key: string): Promise<RateOutcome>;
  /** Points spent under a rule by a key in its current window (0 when none), without spending one. */
  count(rule: RateRule, key: string): Promise<number>;
}

/**
 * Rate limits kept in Redis when there is one (so a person cannot multiply their budget by
 * spreading over nodes), in memory otherwise. One limiter per rule, made on first use.
 */
export function createRateLimits(redis: RedisClient | null): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (rule: RateRule): RateLimiterAbstract => {
    let limiter = limiters.get(rule.name);
    if (!limiter) {
      const options = { points: rule.points, duration: rule.seconds, keyPrefix: `rt:rl:${rule.name}` };
      limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true })
        : new RateLimiterMemory(options);
      limiters.set(rule.name, limiter);
    }
    return limiter;
  };
  return {
    async consume(rule, key) {
      try {
        await limiterFor(rule).consume(key);
        return { ok: true };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, Math.ceil(err.msBeforeNext)) };
        throw err;
      }
    },
    async count(rule, key) {
      const res = await limiterFor(rule).get(key);
      return res?.consumedPoints ?? 0;
    },
  };
}
