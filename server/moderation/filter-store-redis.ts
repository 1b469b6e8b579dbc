import type { FilterAction, FilterEntry } from '../../shared/moderation.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { FilterStore } from './filter-store.js';
import { fromScript, hashReader } from '../storage/redis-hashes.js';
import { newFilterEntry } from './store-records.js';

const keys = {
  filterEntry: (id: string) => rkey('moderation', 'filter', id),
  /** term → id: the uniqueness of terms, and the list of every entry. */
  filterTerms: rkey('moderation', 'filter-terms'),
  filterVersion: rkey('moderation', 'filter-version'),
};

// The term is claimed with HSETNX in the same script that writes the entry and raises the
// version, so two admins adding one term at once cannot both succeed.
const addFilterEntry = lua(`
  if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
  redis.call('INCR', KEYS[3])
  return 1
`);

const removeFilterEntry = lua(`
  local term = redis.call('HGET', KEYS[1], 'term')
  if not term then return false end
  local entry = redis.call('HGETALL', KEYS[1])
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], term)
  redis.call('INCR', KEYS[3])
  return entry
`);

const filterFields = (e: FilterEntry): string[] =>
  ['id', e.id, 'term', e.term, 'action', e.action, 'createdBy', e.createdBy, 'createdAt', String(e.createdAt)];

const fromFilterHash = (h: Record<string, string>): FilterEntry => ({
  id: h.id!,
  term: h.term!,
  action: h.action as FilterAction,
  createdBy: h.createdBy!,
  createdAt: Number(h.createdAt),
});

export function createRedisFilterStore(redis: RedisClient): FilterStore {
  const { readAll } = hashReader(redis);
  return {
    async listFilterEntries() {
      const ids = await redis.hVals(keys.filterTerms);
      const entries = await readAll(ids.map(keys.filterEntry), fromFilterHash);
      return entries.sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    },
    async addFilterEntry(input) {
      const entry = newFilterEntry(input);
      const added = await addFilterEntry.run(
        redis,
        [keys.filterEntry(entry.id), keys.filterTerms, keys.filterVersion],
        [entry.term, entry.id, ...filterFields(entry)],
      );
      return added === 1 ? entry : null;
    },
    async removeFilterEntry(id) {
      const reply = await removeFilterEntry.run(redis, [keys.filterEntry(id), keys.filterTerms, keys.filterVersion], []);
      return fromScript(reply, fromFilterHash);
    },
    async filterVersion() {
      return Number((await redis.get(keys.filterVersion)) ?? 0);
    },
  };
}
