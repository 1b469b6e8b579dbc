// Which connections skip a frame because they are behind, and which of those have drained and
// are told to join again (`townhall:resync`, for the exact current state). Pure: the server's
// outbox (frames.ts) and the raw ws bench baseline both ask how many bytes written to each
// connection the kernel has not taken yet (frame-wire.ts), and follow this one rule.

/**
 * A connection with this many bytes waiting is slow: it skips frames until it drains. Bytes wait
 * only once the kernel's send buffer for the connection is full, so this is what the server holds
 * beyond it: a few frames of a busy room, and the bound on a stuck phone's memory (8 KiB, plus
 * the frame that crossed it: 80 MB for 10,000 stuck at once, at worst).
 */
export const SLOW_BYTES = 8 * 1024;
/** Connections told to join again per frame at most, so a wave of them cannot swamp the stores. */
export const RESYNCS_PER_FRAME = 100;
/**
 * Resyncs one slice's frame of a room staggered over `slices` may tell (1: a whole room's), so
 * a tick's stay within the limit however the room is sent.
 */
export const resyncsPerFrame = (slices: number): number => Math.ceil(RESYNCS_PER_FRAME / slices);
/** A connection is told to join again at most this often (its join budget is 20 in 10 s). */
export const RESYNC_GAP_MS = 1000;

/** What one room remembers about its slow connections between frames. */
export interface Laggards<K> {
  /** Connections skipping frames until they drain. */
  behind: Set<K>;
  /** When each connection was last told to join again. */
  resyncedAt: Map<K, number>;
}

export const createLaggards = <K>(): Laggards<K> => ({ behind: new Set(), resyncedAt: new Map() });

/**
 * Sorts the connections a frame about to go at `now` is for (the room's, or one slice's of a
 * staggered room). `unsent` is how many bytes a connection still holds, or undefined when it
 * is gone. Connections that left the room are forgotten. At most `resyncs` are told to join again.
 */
export function sortOut<K>(
  lag: Laggards<K>,
  members: Iterable<K>,
  isMember: (key: K) => boolean,
  unsent: (key: K) => number | undefined,
  now: number,
  resyncs = RESYNCS_PER_FRAME,
): { slow: K[]; resync: K[] } {
  const slow: K[] = [];
  const resync: K[] = [];
  for (const key of lag.behind) if (!isMember(key)) lag.behind.delete(key);
  for (const key of lag.resyncedAt.keys()) if (!isMember(key)) lag.resyncedAt.delete(key);
  for (const key of members) {
    const waiting = unsent(key);
    if (waiting === undefined) continue;
    if (waiting >= SLOW_BYTES) {
      slow.push(key);
      lag.behind.add(key);
    } else if (lag.behind.has(key)) {
      // Drained: told to join again, which gives it the exact current state; else it waits on.
      if (waiting === 0 && resync.length < resyncs && now - (lag.resyncedAt.get(key) ?? -Infinity) >= RESYNC_GAP_MS) {
        lag.behind.delete(key);
        lag.resyncedAt.set(key, now);
        resync.push(key);
      } else {
        slow.push(key);
      }
    }
  }
  return { slow, resync };
}
