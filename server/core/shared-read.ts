/**
 * A read of what everyone in a room sees, shared by every join until something is next sent to
 * the room: a crowd joining at once (after a restart, say) reads the room's questions once per
 * change instead of once per person.
 *
 * Why that is exact: a join is in the room before it reads. A fact committed after a shared read
 * started is sent to the room after that, and sending bumps the room's version (`version`). If
 * the version is unchanged when a joiner asks, no such fact has been sent yet: it will reach the
 * joiner, now in the room, as a frame. If it has changed, the joiner reads afresh. The version is
 * taken when the read starts, so a read still under way is shared too.
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
