import { lua, rkey, type RedisClient } from '../storage/redis.js';
import { followUpJson, followUpOrder, matches, type FollowUpRecord, type FollowUpStore } from './store.js';

const keys = {
  /** The follow-up of a question, as JSON. */
  one: (questionId: string) => rkey('followup', questionId),
  /** The question ids of a town hall's follow-ups. */
  townHall: (townHallId: string) => rkey('followups', 'townhall', townHallId),
  /** Every follow-up's question id, scored by when it entered. */
  all: rkey('followups', 'all'),
  /** The same, per status, for the worklist's usual question ("what is open?"). */
  status: (status: string) => rkey('followups', 'status', status),
  /** Town halls whose questions have entered the queue. */
  entered: rkey('followups', 'entered'),
};

// Each follow-up is claimed with SET NX, so one entered twice (two nodes, a restart) keeps its
// first version; the indexes are written only for the ones this call added.
// KEYS: entered, all, status:open, townHall; ARGV: townHallId, prefix, then (id, json, enteredAt)…
const enter = lua(`
  local added = {}
  for i = 3, #ARGV, 3 do
    local id = ARGV[i]
    if redis.call('SET', ARGV[2] .. id, ARGV[i + 1], 'NX') then
      redis.call('SADD', KEYS[4], id)
      redis.call('ZADD', KEYS[2], ARGV[i + 2], id)
      redis.call('ZADD', KEYS[3], ARGV[i + 2], id)
      table.insert(added, id)
    end
  end
  redis.call('SADD', KEYS[1], ARGV[1])
  return added
`);

// Compare-and-set on the whole stored JSON, moving the status index with it.
// KEYS: one, status:previous, status:next; ARGV: previous json, next json, id, enteredAt
const replace = lua(`
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
  return 1
`);

export function createRedisFollowUpStore(redis: RedisClient): FollowUpStore {
  const parse = (json: string) => JSON.parse(json) as FollowUpRecord;
  const read = async (ids: string[]): Promise<FollowUpRecord[]> => {
    if (ids.length === 0) return [];
    const jsons = await redis.mGet(ids.map(keys.one));
    return jsons.flatMap((json) => (json ? [parse(json)] : []));
  };
  return {
    async enter(townHallId, followUps) {
      const args = [townHallId, keys.one('')];
      for (const f of followUps) args.push(f.questionId, followUpJson(f), String(f.enteredAt));
      const added = (await enter.run(redis, [keys.entered, keys.all, keys.status('open'), keys.townHall(townHallId)], args)) as string[];
      const mine = new Set(added);
      return followUps.filter((f) => mine.has(f.questionId)).map((f) => parse(followUpJson(f)));
    },
    async hasEntered(townHallId) {
      return (await redis.sIsMember(keys.entered, townHallId)) === 1;
    },
    async get(questionId) {
      const json = await redis.get(keys.one(questionId));
      return json ? parse(json) : null;
    },
    async listForTownHall(townHallId) {
      return (await read(await redis.sMembers(keys.townHall(townHallId)))).sort(followUpOrder);
    },
    async list(filter) {
      const ids = await redis.zRange(filter.status ? keys.status(filter.status) : keys.all, 0, -1);
      return (await read(ids)).filter((f) => matches(f, filter)).sort(followUpOrder);
    },
    async replace(previous, next) {
      const reply = await replace.run(
        redis,
        [keys.one(next.questionId), keys.status(previous.status), keys.status(next.status)],
        [followUpJson(previous), followUpJson(next), next.questionId, String(next.enteredAt)],
      );
      return reply === 1;
    },
  };
}
