import type { ModerationMode } from '../../shared/moderation.js';
import type { TownHallStatus } from '../../shared/townhall.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { NewTownHall, TownHallRecord, TownHallStore } from './store.js';
import { newTownHallRecord } from './store-records.js';

const keys = {
  townHall: (id: string) => rkey('townhall', id),
  all: rkey('townhalls'),
};

// HSET on a missing key would create a half town hall; the existence check must be atomic with it.
const setModeration = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  redis.call('HSET', KEYS[1], 'moderation', ARGV[1])
  return redis.call('HGETALL', KEYS[1])
`);

const toFields = (t: TownHallRecord): Record<string, string> => ({
  id: t.id,
  title: t.title,
  description: t.description,
  startsAt: String(t.startsAt),
  status: t.status,
  moderation: t.moderation,
  createdAt: String(t.createdAt),
});

const fromHash = (h: Record<string, string>): TownHallRecord => ({
  id: h.id!,
  title: h.title!,
  description: h.description!,
  startsAt: Number(h.startsAt),
  status: h.status as TownHallStatus,
  moderation: h.moderation as ModerationMode,
  createdAt: Number(h.createdAt),
});

const byStartThenCreated = (a: TownHallRecord, b: TownHallRecord): number =>
  a.startsAt - b.startsAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createRedisTownHallStore(redis: RedisClient): TownHallStore {
  const get = async (id: string): Promise<TownHallRecord | null> => {
    const h = present(await redis.hGetAll(keys.townHall(id)));
    return h ? fromHash(h) : null;
  };

  return {
    async create(input: NewTownHall) {
      const record = newTownHallRecord(input);
      await redis
        .multi()
        .hSet(keys.townHall(record.id), toFields(record))
        .zAdd(keys.all, { score: record.startsAt, value: record.id })
        .exec();
      return record;
    },
    get,
    async list() {
      // A sorted set orders by one score only; createdAt breaks startsAt ties here.
      const ids = await redis.zRange(keys.all, 0, -1);
      const halls = await Promise.all(ids.map(get));
      return halls.filter((t): t is TownHallRecord => t !== null).sort(byStartThenCreated);
    },
    async setModeration(id, moderation) {
      const h = flatHash(await setModeration.run(redis, [keys.townHall(id)], [moderation]));
      return h ? fromHash(h) : null;
    },
  };
}
