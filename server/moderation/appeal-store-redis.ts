import { refKey, type Appeal, type ContentRef, type Notice, type ReasonCode } from '../../shared/moderation.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { AppealStore } from './appeal-store.js';
import { fromScript, hashReader } from '../storage/redis-hashes.js';
import { newAppeal, newNotice, numberOrNull, parseRefKey } from './store-records.js';

const keys = {
  appeal: (ref: ContentRef) => rkey('moderation', 'appeal', refKey(ref)),
  notice: (id: string) => rkey('moderation', 'notice', id),
  /** A person's notice ids scored by `at`. */
  noticesFor: (userId: string) => rkey('moderation', 'notices', userId),
  /** A person's notice ids about one item, for closeAppealOnNotices. */
  noticesAbout: (userId: string, ref: ContentRef) => rkey('moderation', 'notices', userId, refKey(ref)),
};

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

export function createRedisAppealStore(redis: RedisClient): AppealStore {
  const { read, readAll } = hashReader(redis);
  return {
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
  };
}
