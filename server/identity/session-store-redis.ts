import { newId } from '../core/ids.js';
import { lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { SessionRecord, SessionStore } from './session-store.js';

const keys = {
  session: (id: string) => rkey('session', id),
  /** The person's session ids, scored by expiry. */
  ofUser: (userId: string) => rkey('user-sessions', userId),
};

// Redis deletes an expired session by itself (PEXPIREAT); the person's index drops expired ids
// whenever one is added and lives as long as their longest session.
const create = lua(`
  local now, expiresAt, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
  redis.call('HSET', KEYS[1], 'id', id, 'userId', ARGV[4], 'createdAt', ARGV[1], 'expiresAt', ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], expiresAt)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZADD', KEYS[2], expiresAt, id)
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', KEYS[2], last[2])
  return 1
`);

// The session keys are built inside the scripts from a prefix: Roundtable runs on one Redis
// (not a Cluster), where a script may touch keys it was not handed.
// One script, so a session started while this runs is either ended by it or starts after it
// (and is then refused by the disabled flag or the new password, not by this).
const revokeAll = lua(`
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
  local ended = 0
  for _, id in ipairs(ids) do
    ended = ended + redis.call('DEL', ARGV[2] .. id)
  end
  redis.call('DEL', KEYS[1])
  return ended
`);

const revokeOne = lua(`
  local found = redis.call('HMGET', KEYS[1], 'userId', 'expiresAt')
  if not found[1] then return 0 end
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', ARGV[2] .. found[1], ARGV[1])
  if tonumber(found[2]) <= tonumber(ARGV[3]) then return 0 end
  return 1
`);

const fromHash = (h: Record<string, string>): SessionRecord => ({
  id: h.id!,
  userId: h.userId!,
  createdAt: Number(h.createdAt),
  expiresAt: Number(h.expiresAt),
});

export function createRedisSessionStore(redis: RedisClient): SessionStore {
  return {
    async createSession(userId, ttlMs) {
      const now = Date.now();
      const record: SessionRecord = { id: newId(), userId, createdAt: now, expiresAt: now + ttlMs };
      await create.run(
        redis,
        [keys.session(record.id), keys.ofUser(userId)],
        [String(now), String(record.expiresAt), record.id, userId],
      );
      return record;
    },
    async getSession(id) {
      const h = present(await redis.hGetAll(keys.session(id)));
      // PEXPIREAT has millisecond precision but Redis expires lazily; the explicit check keeps
      // "expired means gone" exact at the boundary.
      return h && Number(h.expiresAt) > Date.now() ? fromHash(h) : null;
    },
    async revokeSession(id) {
      return (await revokeOne.run(redis, [keys.session(id)], [id, keys.ofUser(''), String(Date.now())])) === 1;
    },
    async revokeUserSessions(userId) {
      return Number(await revokeAll.run(redis, [keys.ofUser(userId)], [String(Date.now()), keys.session('')]));
    },
  };
}
