/**
 * A read of what everyone in a room sees, shared by every join until something is next
 * published to the room: a crowd joining at once (after a restart, say) reads the room's
 * questions once per change instead of once per person.
 *
 * Why the snapshot is as new as an unshared one: features publish a fact after storing it, and
 * publishing moves the room's version (`version`). If the version is unchanged since a shared
 * read started, nothing published since is missing from it; a change stored but not yet
 * published (a vote whose tally waits for the next frame) would be missing from a fresh read's
 * view of the room just the same, and reaches the joiner, already in the room, as a frame. If
 * the version has moved, the joiner reads afresh. The version is taken when the read starts, so
 * a read still under way is shared too.
 *
 * Every caller gets the same value: it must treat it as read-only. A failed read is shared by
 * those waiting on it and then forgotten.
 */
export function sharedReads<V>(read: (key: string) => Promise<V>, version: (key: string) => number): (key: string) => Promise<V> {
  const cache = new Map<string, { version: number; value: Promise<V> }>();
  return (key) => {
    const now = version(key);
    const hit = cache.get(key);
    if (hit && hit.version === now) return hit.value;
    const value = read(key);
    // Most recently read last; the oldest rooms' reads are let go past the bound.
    cache.delete(key);
    cache.set(key, { version: now, value });
    if (cache.size > KEPT) cache.delete(cache.keys().next().value!);
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  };
}

/** Rooms whose last read is kept: more than one node holds live town halls at once. */
const KEPT = 64;
