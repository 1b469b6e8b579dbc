import { newId } from '../core/ids.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import { applyUpdate } from './rules.js';
import { newCommitmentRecord, plainUpdate, type CommitmentRecord, type CommitmentStore } from './store.js';

const keys = {
  /** Commitment id → the commitment as JSON. */
  commitments: rkey('commitments'),
  /** Commitment ids scored by when they were recorded (ties ordered by id, as Redis orders equal scores). */
  order: rkey('commitments', 'created'),
};

// Writes the new JSON only if the stored one is still what the caller read: an optimistic
// compare-and-set, retried by the caller, so two updates at once never lose one.
const swap = lua(`
  if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
`);

/** Gives up after this many lost races on one commitment (it would take a crowd of officers). */
const MAX_ATTEMPTS = 20;

export function createRedisCommitmentStore(redis: RedisClient): CommitmentStore {
  const get = async (id: string): Promise<{ json: string; record: CommitmentRecord } | null> => {
    const json = await redis.hGet(keys.commitments, id);
    return json ? { json, record: JSON.parse(json) as CommitmentRecord } : null;
  };
  return {
    async add(input) {
      const record = newCommitmentRecord(newId(), input);
      await redis
        .multi()
        .hSet(keys.commitments, record.id, JSON.stringify(record))
        .zAdd(keys.order, { score: record.createdAt, value: record.id })
        .exec();
      return record;
    },
    async get(id) {
      return (await get(id))?.record ?? null;
    },
    async list() {
      const ids = await redis.zRange(keys.order, 0, -1);
      if (ids.length === 0) return [];
      const values = await redis.hmGet(keys.commitments, ids);
      return values.flatMap((json) => (json ? [JSON.parse(json) as CommitmentRecord] : []));
    },
    async addUpdate(id, expected, update) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await get(id);
        if (!current || current.record.status !== expected) return null;
        const next = applyUpdate(current.record, plainUpdate(update));
        if ((await swap.run(redis, [keys.commitments], [id, current.json, JSON.stringify(next)])) === 1) return next;
      }
      throw new Error('commitment update lost too many races');
    },
  };
}
