/** A per-person budget: `points` actions every `seconds`. */
export interface RateRule {
  name: string;
  points: number;
  seconds: number;
}

export type RateOutcome = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Rate budgets, from the coordination seam (server/coordination/): in Redis when there is one,
 * so a person cannot multiply their budget by spreading over nodes, in memory otherwise.
 */
export interface RateLimits {
  consume(rule: RateRule, key: string): Promise<RateOutcome>;
  /** Points spent under a rule by a key in its current window (0 when none), without spending one. */
  count(rule: RateRule, key: string): Promise<number>;
  /** Gives back one point spent on something that was then refused before it did anything. */
  refund(rule: RateRule, key: string): Promise<void>;
}
