import type { Topic } from '../../shared/topics.js';
import { newId } from '../core/ids.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { TopicStore } from './topics-store.js';

const keys = {
  /** Topic id → the topic as JSON. */
  topics: rkey('topics'),
  /** Topic ids in the order they were added (a list: two added in one millisecond keep their order). */
  order: rkey('topics', 'added'),
};

// Read, change and write in one step, so two admins editing one topic cannot lose a field.
const update = lua(`
  local json = redis.call('HGET', KEYS[1], ARGV[1])
  if not json then return false end
  local topic = cjson.decode(json)
  if ARGV[2] ~= '' then topic.name.en = ARGV[2] end
  if ARGV[3] ~= '' then topic.name.es = ARGV[3] end
  if ARGV[4] ~= '' then topic.retired = ARGV[4] == '1' end
  json = cjson.encode(topic)
  redis.call('HSET', KEYS[1], ARGV[1], json)
  return json
`);

const plain = (t: Topic): Topic => ({ id: t.id, name: { en: t.name.en, es: t.name.es }, retired: t.retired === true });

export function createRedisTopicStore(redis: RedisClient): TopicStore {
  return {
    async list() {
      const [ids, all] = await Promise.all([redis.lRange(keys.order, 0, -1), redis.hGetAll(keys.topics)]);
      return ids.flatMap((id) => (all[id] ? [plain(JSON.parse(all[id]) as Topic)] : []));
    },
    async get(id) {
      const json = await redis.hGet(keys.topics, id);
      return json ? plain(JSON.parse(json) as Topic) : null;
    },
    async add(name) {
      const topic: Topic = { id: newId(), name: { en: name.en, es: name.es }, retired: false };
      await redis
        .multi()
        .hSet(keys.topics, topic.id, JSON.stringify(topic))
        .rPush(keys.order, topic.id)
        .exec();
      return topic;
    },
    async update(id, change) {
      const retired = change.retired === undefined ? '' : change.retired ? '1' : '0';
      const reply = await update.run(redis, [keys.topics], [id, change.en ?? '', change.es ?? '', retired]);
      return typeof reply === 'string' ? plain(JSON.parse(reply) as Topic) : null;
    },
  };
}
