import type { ModerationMode } from '../../shared/moderation.js';
import type { Host, TownHallStatus } from '../../shared/townhall.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { NewTownHall, TownHallEdit, TownHallRecord, TownHallStore } from './store.js';
import { newTownHallRecord, stampFor } from './store-records.js';

const keys = {
  townHall: (id: string) => rkey('townhall', id),
  all: rkey('townhalls'),
  admitted: (id: string) => rkey('townhall', id, 'admitted'),
};

// HSET on a missing key would create a half town hall; the existence check must be atomic with it.
const setFields = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  redis.call('HSET', KEYS[1], unpack(ARGV))
  return redis.call('HGETALL', KEYS[1])
`);

// Compare-and-set of the status, stamping the time of the move in the same step.
const moveStatus = lua(`
  if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return false end
  redis.call('HSET', KEYS[1], 'status', ARGV[2], ARGV[3], ARGV[4])
  return redis.call('HGETALL', KEYS[1])
`);

const optionalNumber = (n: number | null): string => (n === null ? '' : String(n));
const fromOptional = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));
const hostsField = (hosts: Host[]): string => JSON.stringify(hosts.map((h) => ({ id: h.id, displayName: h.displayName })));

const toFields = (t: TownHallRecord): Record<string, string> => ({
  id: t.id,
  title: t.title,
  description: t.description,
  startsAt: String(t.startsAt),
  status: t.status,
  moderation: t.moderation,
  hosts: hostsField(t.hosts),
  createdAt: String(t.createdAt),
  startedAt: optionalNumber(t.startedAt),
  endedAt: optionalNumber(t.endedAt),
});

const fromHash = (h: Record<string, string>): TownHallRecord => ({
  id: h.id!,
  title: h.title!,
  description: h.description!,
  startsAt: Number(h.startsAt),
  status: h.status as TownHallStatus,
  moderation: h.moderation as ModerationMode,
  hosts: JSON.parse(h.hosts ?? '[]') as Host[],
  createdAt: Number(h.createdAt),
  startedAt: fromOptional(h.startedAt),
  endedAt: fromOptional(h.endedAt),
});

const byStartThenCreated = (a: TownHallRecord, b: TownHallRecord): number =>
  a.startsAt - b.startsAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createRedisTownHallStore(redis: RedisClient): TownHallStore {
  const get = async (id: string): Promise<TownHallRecord | null> => {
    const h = present(await redis.hGetAll(keys.townHall(id)));
    return h ? fromHash(h) : null;
  };
  const update = async (id: string, fields: Record<string, string>): Promise<TownHallRecord | null> => {
    const h = flatHash(await setFields.run(redis, [keys.townHall(id)], Object.entries(fields).flat()));
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
    setModeration: (id, moderation) => update(id, { moderation }),
    async edit(id, edit: TownHallEdit) {
      const fields: Record<string, string> = {};
      if (edit.title !== undefined) fields.title = edit.title;
      if (edit.description !== undefined) fields.description = edit.description;
      if (edit.startsAt !== undefined) fields.startsAt = String(edit.startsAt);
      if (edit.moderation !== undefined) fields.moderation = edit.moderation;
      if (edit.hosts !== undefined) fields.hosts = hostsField(edit.hosts);
      if (Object.keys(fields).length === 0) return get(id);
      const updated = await update(id, fields);
      if (updated && edit.startsAt !== undefined) await redis.zAdd(keys.all, { score: updated.startsAt, value: id });
      return updated;
    },
    async transition(id, from, to, at) {
      const stamp = stampFor(to);
      if (!stamp) return null;
      const h = flatHash(await moveStatus.run(redis, [keys.townHall(id)], [from, to, stamp, String(at)]));
      return h ? fromHash(h) : null;
    },
    async admit(id, userId) {
      await redis.sAdd(keys.admitted(id), userId);
    },
    async isAdmitted(id, userId) {
      return (await redis.sIsMember(keys.admitted(id), userId)) === 1;
    },
  };
}
