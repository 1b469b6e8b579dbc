import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimits, RateRule } from '../core/rate-limit.js';

export interface LimiterOptions {
  points: number;
  duration: number;
  keyPrefix: string;
}

/**
 * Rate limits over rate-limiter-flexible, one limiter per rule made on first use; the
 * implementation of the coordination seam says which limiter (memory or Redis).
 */
export function rateLimitsWith(make: (options: LimiterOptions) => RateLimiterAbstract): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (rule: RateRule): RateLimiterAbstract => {
    let limiter = limiters.get(rule.name);
    if (!limiter) {
      limiter = make({ points: rule.points, duration: rule.seconds, keyPrefix: `rt:rl:${rule.name}` });
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
    async refund(rule, key) {
      await limiterFor(rule).reward(key, 1);
    },
    async count(rule, key) {
      const res = await limiterFor(rule).get(key);
      return res?.consumedPoints ?? 0;
    },
  };
}
