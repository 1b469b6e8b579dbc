import {
  refKey,
  type Appeal,
  type ContentRef,
  type FilterAction,
  type FilterEntry,
  type Notice,
  type QueueReason,
  type ReasonCode,
  type Sanction,
  type SanctionKind,
} from '../../shared/moderation.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { ModerationStore, QueueEntry } from './store.js';
import {
  DECISION_TIMES_KEPT,
  decisionTimesLimit,
  isActive,
  newAppeal,
  newFilterEntry,
  newNotice,
  newSanction,
  parseRefKey,
  plainQueueEntry,
} from './store-records.js';

const keys = {
  filterEntry: (id: string) => rkey('moderation', 'filter', id),
  /** term → id: the uniqueness of terms, and the list of every entry. */
  filterTerms: rkey('moderation', 'filter-terms'),
  filterVersion: rkey('moderation', 'filter-version'),
  /** userId → reason, one field per person who ever flagged the item. */
  flags: (ref: ContentRef) => rkey('moderation', 'flags', refKey(ref)),
  /** Who flagged it since the last moderator decision, and which of their flags count toward hiding it. */
  openFlags: (ref: ContentRef) => rkey('moderation', 'flags-open', refKey(ref)),
  countingFlags: (ref: ContentRef) => rkey('moderation', 'flags-counting', refKey(ref)),
  /** The places a person took part in. */
  tookPart: (userId: string) => rkey('moderation', 'took-part', userId),
  queued: (key: string) => rkey('moderation', 'queued', key),
  /** refKeys scored by submittedAt; equal scores come back by refKey, as in SQLite. */
  queue: rkey('moderation', 'queue'),
  /** Newest first, trimmed to DECISION_TIMES_KEPT. */
  decisionTimes: rkey('moderation', 'decision-times'),
  sanction: (id: string) => rkey('moderation', 'sanction', id),
  /** A person's sanction ids scored by `at`. */
  sanctionsOf: (userId: string) => rkey('moderation', 'sanctions', userId),
  appeal: (ref: ContentRef) => rkey('moderation', 'appeal', refKey(ref)),
  notice: (id: string) => rkey('moderation', 'notice', id),
  /** A person's notice ids scored by `at`. */
  noticesFor: (userId: string) => rkey('moderation', 'notices', userId),
  /** A person's notice ids about one item, for closeAppealOnNotices. */
  noticesAbout: (userId: string, ref: ContentRef) => rkey('moderation', 'notices', userId, refKey(ref)),
  slowMode: rkey('moderation', 'slow-mode'),
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

const liftSanction = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'liftedAt') == 1 then return false end
  redis.call('HSET', KEYS[1], 'liftedAt', ARGV[1], 'liftedBy', ARGV[2])
  return redis.call('HGETALL', KEYS[1])
`);

const createAppeal = lua(`
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
  redis.call('HSET', KEYS[1], unpack(ARGV))
  return 1
`);

const decideAppeal = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'outcome') == 1 then return false end
  redis.call('HSET', KEYS[1], 'outcome', ARGV[1], 'decidedBy', ARGV[2], 'decidedAt', ARGV[3])
  return redis.call('HGETALL', KEYS[1])
`);

// Null fields are left out of the hashes rather than written as a sentinel string.
const numberOrNull = (value: string | undefined): number | null => (value === undefined ? null : Number(value));

const filterFields = (e: FilterEntry): string[] =>
  ['id', e.id, 'term', e.term, 'action', e.action, 'createdBy', e.createdBy, 'createdAt', String(e.createdAt)];

const fromFilterHash = (h: Record<string, string>): FilterEntry => ({
  id: h.id!,
  term: h.term!,
  action: h.action as FilterAction,
  createdBy: h.createdBy!,
  createdAt: Number(h.createdAt),
});

const fromQueueHash = (h: Record<string, string>): QueueEntry => ({
  ref: parseRefKey(h.ref!),
  place: h.place!,
  reason: h.reason as QueueReason,
  flags: Number(h.flags),
  submittedAt: Number(h.submittedAt),
  claim: h.claimBy === undefined ? null : { by: h.claimBy, byName: h.claimName!, until: Number(h.claimUntil) },
});

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

const appealFields = (a: Appeal): string[] => [
  'ref', refKey(a.ref), 'authorId', a.authorId, 'text', a.text, 'at', String(a.at),
  'appealedDecisionBy', a.appealedDecisionBy,
];

const fromAppealHash = (h: Record<string, string>): Appeal => ({
  ref: parseRefKey(h.ref!),
  authorId: h.authorId!,
  text: h.text!,
  at: Number(h.at),
  appealedDecisionBy: h.appealedDecisionBy!,
  outcome: (h.outcome ?? null) as Appeal['outcome'],
  decidedBy: h.decidedBy ?? null,
  decidedAt: numberOrNull(h.decidedAt),
});

function noticeFields(n: Notice): Record<string, string> {
  const fields: Record<string, string> = {
    id: n.id,
    userId: n.userId,
    ref: refKey(n.ref),
    action: n.action,
    excerpt: n.excerpt,
    at: String(n.at),
    canAppeal: n.canAppeal ? '1' : '0',
  };
  if (n.reason !== null) fields.reason = n.reason;
  return fields;
}

const fromNoticeHash = (h: Record<string, string>): Notice => ({
  id: h.id!,
  userId: h.userId!,
  ref: parseRefKey(h.ref!),
  action: h.action as Notice['action'],
  reason: (h.reason ?? null) as ReasonCode | null,
  excerpt: h.excerpt!,
  at: Number(h.at),
  canAppeal: h.canAppeal === '1',
});

const fromScript = <T>(reply: unknown, from: (h: Record<string, string>) => T): T | null => {
  const h = flatHash(reply);
  return h ? from(h) : null;
};

export function createRedisModerationStore(redis: RedisClient): ModerationStore {
  const read = async <T>(key: string, from: (h: Record<string, string>) => T): Promise<T | null> => {
    const h = present(await redis.hGetAll(key));
    return h ? from(h) : null;
  };
  // Reads many hashes at once (node-redis pipelines commands sent in one tick) and drops any
  // that vanished between reading the index and reading the hash.
  const readAll = async <T>(ks: string[], from: (h: Record<string, string>) => T): Promise<T[]> => {
    const all = await Promise.all(ks.map((k) => read(k, from)));
    return all.filter((x): x is Awaited<T> => x !== null);
  };
  const sanctionsOf = async (userId: string): Promise<Sanction[]> => {
    const ids = await redis.zRange(keys.sanctionsOf(userId), 0, -1, { REV: true });
    return readAll(ids.map(keys.sanction), fromSanctionHash);
  };

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
      await redis.sAdd(keys.tookPart(userId), place);
    },
    async tookPart(userId, place) {
      return Boolean(await redis.sIsMember(keys.tookPart(userId), place));
    },

    async enqueue(input) {
      const e = plainQueueEntry(input);
      const key = refKey(e.ref);
      const reply = await enqueue.run(
        redis,
        [keys.queued(key), keys.queue],
        [key, e.place, e.reason, String(e.flags), String(e.submittedAt)],
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

    async createAppeal(input) {
      const a = newAppeal(input);
      const created = await createAppeal.run(redis, [keys.appeal(a.ref)], appealFields(a));
      return created === 1 ? a : null;
    },
    async getAppeal(ref) {
      return read(keys.appeal(ref), fromAppealHash);
    },
    async decideAppeal(ref, outcome, by, at) {
      return fromScript(await decideAppeal.run(redis, [keys.appeal(ref)], [outcome, by, String(at)]), fromAppealHash);
    },

    async addNotice(input) {
      const n = newNotice(input);
      await redis
        .multi()
        .hSet(keys.notice(n.id), noticeFields(n))
        .zAdd(keys.noticesFor(n.userId), { score: n.at, value: n.id })
        .sAdd(keys.noticesAbout(n.userId, n.ref), n.id)
        .exec();
      return n;
    },
    async noticesFor(userId, limit) {
      if (limit < 1) return [];
      const stop = Number.isFinite(limit) ? Math.floor(limit) - 1 : -1;
      const ids = await redis.zRange(keys.noticesFor(userId), 0, stop, { REV: true });
      return readAll(ids.map(keys.notice), fromNoticeHash);
    },
    async closeAppealOnNotices(userId, ref) {
      const ids = await redis.sMembers(keys.noticesAbout(userId, ref));
      if (ids.length === 0) return;
      const tx = redis.multi();
      for (const id of ids) tx.hSet(keys.notice(id), 'canAppeal', '0');
      await tx.exec();
    },

    async setSlowMode(place, seconds) {
      if (seconds > 0) await redis.hSet(keys.slowMode, place, String(seconds));
      else await redis.hDel(keys.slowMode, place);
    },
    async getSlowMode(place) {
      return Number((await redis.hGet(keys.slowMode, place)) ?? 0);
    },
  };
}
