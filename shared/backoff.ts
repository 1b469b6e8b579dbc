// How long a client waits before trying again: a reconnection, or a join the server could not
// answer in time. The same rule as socket.io-client's own reconnection delays (its defaults):
// 1 s, doubling per attempt, ±50 % jitter, at most 5 s. Jitter spreads a crowd's retries over
// time instead of a stampede: after a server restart under 10,000 screens, every screen trying
// again at the same instant is what would keep it from ever catching up.

export const BACKOFF = { firstMs: 1000, maxMs: 5000, jitter: 0.5 } as const;

/** The delay before attempt `attempt` (0-based); `random` in [0, 1) is the jitter's draw. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = BACKOFF.firstMs * 2 ** Math.min(attempt, 16);
  const deviation = Math.floor(random * BACKOFF.jitter * base);
  const ms = (Math.floor(random * 10) & 1) === 0 ? base - deviation : base + deviation;
  return Math.min(ms, BACKOFF.maxMs) | 0;
}
