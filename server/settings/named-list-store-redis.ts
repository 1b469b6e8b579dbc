import { newId } from '../core/ids.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { NamedItem, NamedList, NamedListStore } from './named-list-store.js';

const keysOf = (list: NamedList) => ({
  /** Item id → the item as JSON. */
  items: rkey(list),
  /** Item ids in the order they were added (a list: two added in one millisecond keep their order). */
  order: rkey(list, 'added'),
});

// Read, change and write in one step, so two admins editing one item cannot lose a field.
const update = lua(`
  local json = redis.call('HGET', KEYS[1], ARGV[1])
  if not json then return false end
  local item = cjson.decode(json)
  if ARGV[2] ~= '' then item.name.en = ARGV[2] end
  if ARGV[3] ~= '' then item.name.es = ARGV[3] end
  if ARGV[4] ~= '' then item.retired = ARGV[4] == '1' end
  json = cjson.encode(item)
  redis.call('HSET', KEYS[1], ARGV[1], json)
  return json
`);

const plain = (t: NamedItem): NamedItem => ({ id: t.id, name: { en: t.name.en, es: t.name.es }, retired: t.retired === true });

export function createRedisNamedListStore(redis: RedisClient, list: NamedList): NamedListStore {
  const keys = keysOf(list);
  return {
    async list() {
      const [ids, all] = await Promise.all([redis.lRange(keys.order, 0, -1), redis.hGetAll(keys.items)]);
      return ids.flatMap((id) => (all[id] ? [plain(JSON.parse(all[id]) as NamedItem)] : []));
    },
    async get(id) {
      const json = await redis.hGet(keys.items, id);
      return json ? plain(JSON.parse(json) as NamedItem) : null;
    },
    async add(name) {
      const item: NamedItem = { id: newId(), name: { en: name.en, es: name.es }, retired: false };
      await redis
        .multi()
        .hSet(keys.items, item.id, JSON.stringify(item))
        .rPush(keys.order, item.id)
        .exec();
      return item;
    },
    async update(id, change) {
      const retired = change.retired === undefined ? '' : change.retired ? '1' : '0';
      const reply = await update.run(redis, [keys.items], [id, change.en ?? '', change.es ?? '', retired]);
      return typeof reply === 'string' ? plain(JSON.parse(reply) as NamedItem) : null;
    },
  };
}
