import type { ReasonCode, Sanction, SanctionKind } from '../../shared/moderation.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import { fromScript, hashReader } from '../storage/redis-hashes.js';
import type { SanctionStore } from './sanction-store.js';
import { isActive, newSanction, numberOrNull } from './store-records.js';

const keys = {
  sanction: (id: string) => rkey('moderation', 'sanction', id),
  /** A person's sanction ids scored by `at`. */
  sanctionsOf: (userId: string) => rkey('moderation', 'sanctions', userId),
};

const liftSanction = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'liftedAt') == 1 then return false end
  redis.call('HSET', KEYS[1], 'liftedAt', ARGV[1], 'liftedBy', ARGV[2])
  return redis.call('HGETALL', KEYS[1])
`);

function sanctionFields(s: Sanction): Record<string, string> {
  const fields: Record<string, string> = {
    id: s.id,
    userId: s.userId,
    kind: s.kind,
    reason: s.reason,
    by: s.by,
    at: String(s.at),
  };
  if (s.townHallId !== null) fields.townHallId = s.townHallId;
  if (s.until !== null) fields.until = String(s.until);
  if (s.note !== null) fields.note = s.note;
  if (s.alias !== null) fields.alias = s.alias;
  return fields;
}

const fromSanctionHash = (h: Record<string, string>): Sanction => ({
  id: h.id!,
  userId: h.userId!,
  kind: h.kind as SanctionKind,
  townHallId: h.townHallId ?? null,
  until: numberOrNull(h.until),
  reason: h.reason as ReasonCode,
  note: h.note ?? null,
  by: h.by!,
  at: Number(h.at),
  liftedAt: numberOrNull(h.liftedAt),
  liftedBy: h.liftedBy ?? null,
  alias: h.alias ?? null,
});

export function createRedisSanctionStore(redis: RedisClient): SanctionStore {
  const { readAll } = hashReader(redis);
  const sanctionsOf = async (userId: string): Promise<Sanction[]> => {
    const ids = await redis.zRange(keys.sanctionsOf(userId), 0, -1, { REV: true });
    return readAll(ids.map(keys.sanction), fromSanctionHash);
  };
  return {
    async addSanction(input) {
      const s = newSanction(input);
      await redis
        .multi()
        .hSet(keys.sanction(s.id), sanctionFields(s))
        .zAdd(keys.sanctionsOf(s.userId), { score: s.at, value: s.id })
        .exec();
      return s;
    },
    async liftSanction(id, by, at) {
      return fromScript(await liftSanction.run(redis, [keys.sanction(id)], [String(at), by]), fromSanctionHash);
    },
    async activeSanctions(userId, now) {
      // A person has a handful of sanctions at most, so filtering them here costs nothing.
      return (await sanctionsOf(userId)).filter((s) => isActive(s, now));
    },
    sanctionsOf,
  };
}
