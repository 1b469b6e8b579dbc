import type { Sanction } from '../../shared/moderation.js';
import type { SanctionStore } from './sanction-store.js';

/**
 * Active sanctions per person, cached briefly: every vote and post asks, and most people have
 * none. A sanction given on this node clears its cache at once; other nodes see it within
 * `ttlMs`.
 */
export function createSanctionCheck(store: Pick<SanctionStore, 'activeSanctions'>, ttlMs = 2000) {
  const cache = new Map<string, { at: number; active: Sanction[] }>();
  return {
    /** The sanction that stops this person here (site-wide, or in this town hall), if any. */
    async blocking(userId: string, townHallId: string | null, now = Date.now()): Promise<Sanction | null> {
      let entry = cache.get(userId);
      if (!entry || now - entry.at > ttlMs) {
        entry = { at: now, active: await store.activeSanctions(userId, now) };
        cache.set(userId, entry);
        if (cache.size > 50_000) cache.delete(cache.keys().next().value!);
      }
      const applies = entry.active.filter(
        (s) => (s.until === null || s.until > now) && (s.townHallId === null || s.townHallId === townHallId),
      );
      // The one that ends last is the one the person has to wait for.
      return applies.sort((a, b) => (b.until ?? Infinity) - (a.until ?? Infinity))[0] ?? null;
    },
    forget(userId: string) {
      cache.delete(userId);
    },
  };
}
