import { parsePlace, placeKey, refKey, type ContentRef, type QueueReason } from '../../shared/moderation.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { QueueEntry, QueueStore } from './queue-store.js';
import { fromScript, hashReader } from '../storage/redis-hashes.js';
import { DECISION_TIMES_KEPT, decisionTimesLimit, parseRefKey, plainQueueEntry } from './store-records.js';

const keys = {
  /** userId → reason, one field per person who ever flagged the item. */
  flags: (ref: ContentRef) => rkey('moderation', 'flags', refKey(ref)),
  /** Who flagged it since the last moderator decision, and which of their flags count toward hiding it. */
  openFlags: (ref: ContentRef) => rkey('moderation', 'flags-open', refKey(ref)),
  countingFlags: (ref: ContentRef) => rkey('moderation', 'flags-counting', refKey(ref)),
  /** The places (placeKeys) a person took part in. */
  tookPart: (userId: string) => rkey('moderation', 'took-part', userId),
  queued: (key: string) => rkey('moderation', 'queued', key),
  /** refKeys scored by submittedAt; equal scores come back by refKey, as in SQLite. */
  queue: rkey('moderation', 'queue'),
  /** Newest first, trimmed to DECISION_TIMES_KEPT. */
  decisionTimes: rkey('moderation', 'decision-times'),
  /** placeKey → seconds. */
  slowMode: rkey('moderation', 'slow-mode'),
};

// Whoever flagged once is in KEYS[1] for good, so after a reset (which empties only the open
// and counting sets) an earlier flagger is not added again.
const addFlag = lua(`
  local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
  if added == 1 then
    redis.call('SADD', KEYS[2], ARGV[1])
    if ARGV[3] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) end
  end
  return { added, redis.call('SCARD', KEYS[2]) }
`);

// submittedAt and place are written only the first time: a re-queue keeps its place in line.
// The flag count only grows, so two nodes reporting flags at once cannot lower it.
const enqueue = lua(`
  if redis.call('EXISTS', KEYS[1]) == 1 then
    local flags = math.max(tonumber(redis.call('HGET', KEYS[1], 'flags') or '0'), tonumber(ARGV[4]))
    redis.call('HSET', KEYS[1], 'reason', ARGV[3], 'flags', flags)
  else
    redis.call('HSET', KEYS[1], 'ref', ARGV[1], 'place', ARGV[2], 'reason', ARGV[3], 'flags', ARGV[4], 'submittedAt', ARGV[5])
    redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
  end
  return redis.call('HGETALL', KEYS[1])
`);

// Removing the entry and recording its decision time in one script: a second dequeue finds
// nothing, so a decision is counted once.
const dequeue = lua(`
  local submitted = redis.call('HGET', KEYS[1], 'submittedAt')
  if not submitted then return false end
  local entry = redis.call('HGETALL', KEYS[1])
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  local ms = math.max(0, tonumber(ARGV[2]) - tonumber(submitted))
  redis.call('LPUSH', KEYS[3], string.format('%d', ms))
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[3]) - 1)
  return entry
`);

const claim = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  local holder = redis.call('HMGET', KEYS[1], 'claimBy', 'claimUntil')
  if holder[1] and holder[1] ~= ARGV[1] and tonumber(holder[2]) > tonumber(ARGV[4]) then return false end
  redis.call('HSET', KEYS[1], 'claimBy', ARGV[1], 'claimName', ARGV[2], 'claimUntil', ARGV[3])
  return redis.call('HGETALL', KEYS[1])
`);

const release = lua(`
  if redis.call('HGET', KEYS[1], 'claimBy') ~= ARGV[1] then return false end
  redis.call('HDEL', KEYS[1], 'claimBy', 'claimName', 'claimUntil')
  return redis.call('HGETALL', KEYS[1])
`);

const fromQueueHash = (h: Record<string, string>): QueueEntry => ({
  ref: parseRefKey(h.ref!),
  place: parsePlace(h.place!),
  reason: h.reason as QueueReason,
  flags: Number(h.flags),
  submittedAt: Number(h.submittedAt),
  claim: h.claimBy === undefined ? null : { by: h.claimBy, byName: h.claimName!, until: Number(h.claimUntil) },
});

export function createRedisQueueStore(redis: RedisClient): QueueStore {
  const { read, readAll } = hashReader(redis);
  return {
    async addFlag(ref, userId, reason, counts = true) {
      const reply = (await addFlag.run(
        redis,
        [keys.flags(ref), keys.openFlags(ref), keys.countingFlags(ref)],
        [userId, reason, counts ? '1' : '0'],
      )) as [number, number];
      return { added: reply[0] === 1, count: Number(reply[1]) };
    },
    async flagCount(ref) {
      return redis.sCard(keys.openFlags(ref));
    },
    async countingFlagCount(ref) {
      return redis.sCard(keys.countingFlags(ref));
    },
    async resetFlags(ref) {
      await redis.del([keys.openFlags(ref), keys.countingFlags(ref)]);
    },

    async markTookPart(userId, place) {
      await redis.sAdd(keys.tookPart(userId), placeKey(place));
    },
    async tookPart(userId, place) {
      return Boolean(await redis.sIsMember(keys.tookPart(userId), placeKey(place)));
    },

    async enqueue(input) {
      const e = plainQueueEntry(input);
      const key = refKey(e.ref);
      const reply = await enqueue.run(
        redis,
        [keys.queued(key), keys.queue],
        [key, placeKey(e.place), e.reason, String(e.flags), String(e.submittedAt)],
      );
      return fromScript(reply, fromQueueHash)!;
    },
    async getQueueEntry(ref) {
      return read(keys.queued(refKey(ref)), fromQueueHash);
    },
    async listQueue() {
      const refs = await redis.zRange(keys.queue, 0, -1);
      return readAll(refs.map(keys.queued), fromQueueHash);
    },
    async dequeue(ref, decidedAt) {
      const key = refKey(ref);
      const reply = await dequeue.run(
        redis,
        [keys.queued(key), keys.queue, keys.decisionTimes],
        [key, String(decidedAt), String(DECISION_TIMES_KEPT)],
      );
      return fromScript(reply, fromQueueHash);
    },
    async claim(ref, moderator, until, now) {
      const reply = await claim.run(
        redis,
        [keys.queued(refKey(ref))],
        [moderator.id, moderator.name, String(until), String(now)],
      );
      return fromScript(reply, fromQueueHash);
    },
    async release(ref, moderatorId) {
      return fromScript(await release.run(redis, [keys.queued(refKey(ref))], [moderatorId]), fromQueueHash);
    },
    async recentDecisionTimes(limit) {
      const n = decisionTimesLimit(limit);
      if (n === 0) return [];
      return (await redis.lRange(keys.decisionTimes, 0, n - 1)).map(Number);
    },

    async setSlowMode(place, seconds) {
      if (seconds > 0) await redis.hSet(keys.slowMode, placeKey(place), String(seconds));
      else await redis.hDel(keys.slowMode, placeKey(place));
    },
    async getSlowMode(place) {
      return Number((await redis.hGet(keys.slowMode, placeKey(place))) ?? 0);
    },
  };
}
