import type { ChatStatus } from '../../shared/chat.js';
import type { StaffRole } from '../../shared/roles.js';
import { REDIS_KEYS_AT_VERSIONING, type RedisSchema } from '../storage/migrations.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { ChatRecord, ChatStore, NewChatMessage } from './store.js';
import { newChatRecord, PENDING } from './store-records.js';
import { moderatedFields, moderatedFromHash, plainDecision } from '../moderation/stored.js';

const keys = {
  message: (id: string) => rkey('chat', id),
  /** Every message id of a town hall, scored by createdAt: what the record keeps. */
  all: (townHallId: string) => rkey('townhall', townHallId, 'chat'),
  /** Published message ids of a town hall, scored by createdAt. */
  published: (townHallId: string) => rkey('townhall', townHallId, 'chat', 'published'),
  /** One author's held and hidden message ids in a town hall. */
  pending: (townHallId: string, authorId: string) => rkey('townhall', townHallId, 'chat', 'pending', authorId),
};

// Compare-and-set of the status, moving the id between the published and pending sets in the
// same script so the sets never disagree with the hashes.
const transition = lua(`
  local status = redis.call('HGET', KEYS[1], 'status')
  if not status then return false end
  local allowed = false
  for i = 4, #ARGV do
    if ARGV[i] == status then allowed = true end
  end
  if not allowed then return false end
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decision', ARGV[2])
  local score = redis.call('HGET', KEYS[1], 'createdAt')
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[3])
  if ARGV[1] == 'published' then
    redis.call('ZADD', KEYS[2], score, ARGV[3])
  elseif ARGV[1] == 'held' or ARGV[1] == 'hidden' then
    redis.call('ZADD', KEYS[3], score, ARGV[3])
  end
  return redis.call('HGETALL', KEYS[1])
`);

function toFields(m: ChatRecord): Record<string, string> {
  const fields: Record<string, string> = {
    id: m.id,
    townHallId: m.townHallId,
    authorId: m.authorId,
    authorName: m.authorName,
    text: m.text,
    createdAt: String(m.createdAt),
    status: m.status,
    ...moderatedFields(m),
  };
  if (m.authorRole !== null) fields.authorRole = m.authorRole;
  return fields;
}

// Messages stored before the badge named the role carry only a staff flag: `staff: '1'` becomes
// the officer's badge (officers are who speak for the department in a town hall chat, so those
// read as officers rather than lose it), and the flag goes. Per message, so a step interrupted
// part-way is finished by running it again.
const roleFromStaffFlag = lua(`
  local staff = redis.call('HGET', KEYS[1], 'staff')
  if not staff then return 0 end
  if staff == '1' and redis.call('HEXISTS', KEYS[1], 'authorRole') == 0 then
    redis.call('HSET', KEYS[1], 'authorRole', 'officer')
  end
  redis.call('HDEL', KEYS[1], 'staff')
  return 1
`);

/** The chat's Redis keys, step by step; see server/storage/migrations.ts. */
export const chatRedisSchema: RedisSchema = {
  feature: 'chat',
  steps: [
    REDIS_KEYS_AT_VERSIONING,
    {
      // Until now every read of a message made this guess; it is made once, here, instead.
      why: 'chat messages with only a staff flag get the officer badge the reads gave them',
      async run(redis) {
        for await (const batch of redis.scanIterator({ MATCH: keys.message('*'), TYPE: 'hash', COUNT: 1000 })) {
          await Promise.all(batch.map((key) => roleFromStaffFlag.run(redis, [key], [])));
        }
      },
    },
  ],
};

const fromHash = (h: Record<string, string>): ChatRecord => ({
  id: h.id!,
  townHallId: h.townHallId!,
  authorId: h.authorId!,
  authorName: h.authorName!,
  authorRole: (h.authorRole as StaffRole | undefined) ?? null,
  text: h.text!,
  createdAt: Number(h.createdAt),
  status: h.status as ChatStatus,
  ...moderatedFromHash(h),
});

export function createRedisChatStore(redis: RedisClient): ChatStore {
  /** Every message of a town hall, whatever its status: who wrote it, under what name. */
  const allAuthors = async (townHallId: string) => {
    const ids = await redis.zRange(keys.all(townHallId), 0, -1);
    const rows = await Promise.all(ids.map((id) => redis.hmGet(keys.message(id), ['authorId', 'authorName'])));
    return rows.flatMap(([authorId, authorName], i) =>
      authorId && authorName !== null && authorName !== undefined ? [{ id: ids[i]!, authorId, authorName }] : [],
    );
  };
  const get = async (id: string): Promise<ChatRecord | null> => {
    const h = present(await redis.hGetAll(keys.message(id)));
    return h ? fromHash(h) : null;
  };
  /** Reads ids from a set and keeps those still in `status`: one may have moved between the two reads. */
  const load = async (ids: string[], statuses: readonly ChatStatus[]): Promise<ChatRecord[]> =>
    (await Promise.all(ids.map(get))).filter((m): m is ChatRecord => m !== null && statuses.includes(m.status));

  return {
    async add(input: NewChatMessage) {
      const record = newChatRecord(input);
      const member = { score: record.createdAt, value: record.id };
      const tx = redis.multi().hSet(keys.message(record.id), toFields(record)).zAdd(keys.all(record.townHallId), member);
      if (record.status === 'published') tx.zAdd(keys.published(record.townHallId), member);
      else if ((PENDING as readonly ChatStatus[]).includes(record.status)) {
        tx.zAdd(keys.pending(record.townHallId, record.authorId), member);
      }
      await tx.exec();
      return record;
    },
    get,
    async recentPublished(townHallId, limit) {
      // Equal scores come back in member order (by id), matching the SQLite tie-break.
      const ids = await redis.zRange(keys.published(townHallId), 0, limit - 1, { REV: true });
      return (await load(ids, ['published'])).reverse();
    },
    async pendingOf(townHallId, authorId, limit) {
      const ids = await redis.zRange(keys.pending(townHallId, authorId), 0, limit - 1, { REV: true });
      return (await load(ids, PENDING)).reverse();
    },
    async allPublished(townHallId) {
      return load(await redis.zRange(keys.published(townHallId), 0, -1), ['published']);
    },
    async transition(id, from, to, decision) {
      // A message never changes town hall or author, so reading them first cannot go stale, and
      // it lets the script declare every key it touches.
      const [townHallId, authorId] = await redis.hmGet(keys.message(id), ['townHallId', 'authorId']);
      if (!townHallId || !authorId) return null;
      const reply = await transition.run(
        redis,
        [keys.message(id), keys.published(townHallId), keys.pending(townHallId, authorId)],
        [to, JSON.stringify(plainDecision(decision)), id, ...from],
      );
      const h = flatHash(reply);
      return h ? fromHash(h) : null;
    },
    async namedAuthors(townHallId, replacement) {
      const named = await allAuthors(townHallId);
      return [...new Set(named.filter((m) => m.authorName !== replacement).map((m) => m.authorId))].sort();
    },
    async forgetAuthorNames(townHallId, authorIds, replacement) {
      const authors = new Set(authorIds);
      const named = (await allAuthors(townHallId)).filter((m) => authors.has(m.authorId) && m.authorName !== replacement);
      // A name is only ever replaced, never restored, so writing field by field cannot undo another node's purge.
      await Promise.all(named.map((m) => redis.hSet(keys.message(m.id), 'authorName', replacement)));
      return named.length;
    },
  };
}
