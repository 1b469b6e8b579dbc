// Reading records kept as Redis hashes (the moderation parts' stores use these).
import { flatHash, present, type RedisClient } from './redis.js';

export type FromHash<T> = (h: Record<string, string>) => T;

/** A script's HGETALL reply as a record, or null when the script returned nothing. */
export const fromScript = <T>(reply: unknown, from: FromHash<T>): T | null => {
  const h = flatHash(reply);
  return h ? from(h) : null;
};

export function hashReader(redis: RedisClient) {
  const read = async <T>(key: string, from: FromHash<T>): Promise<T | null> => {
    const h = present(await redis.hGetAll(key));
    return h ? from(h) : null;
  };
  return {
    read,
    // Reads many hashes at once (node-redis pipelines commands sent in one tick) and drops any
    // that vanished between reading the index and reading the hash.
    async readAll<T>(ks: string[], from: FromHash<T>): Promise<T[]> {
      const all = await Promise.all(ks.map((k) => read(k, from)));
      return all.filter((x): x is Awaited<T> => x !== null);
    },
  };
}
