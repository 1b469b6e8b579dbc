import type { FollowNotice } from '../../shared/notices.js';
import { newId } from '../core/ids.js';
import { flatHash, lua, rkey, type RedisClient } from '../storage/redis.js';
import { hashReader } from '../storage/redis-hashes.js';
import type { ConfirmOutcome, Follow, MailAddress, NewNotice, NotificationStore, StoredMailSettings } from './store.js';
import { NOTICES_KEPT } from './store.js';

const PREFIX = rkey('notices');
const keys = {
  /** Per question: person id → the follow as JSON. */
  follows: (questionId: string) => `${PREFIX}:follows:${questionId}`,
  /** Per person: followed question ids scored by `since`. */
  following: (personId: string) => `${PREFIX}:following:${personId}`,
  notice: (id: string) => `${PREFIX}:notice:${id}`,
  /** Per person: notice ids scored by `at`. */
  notices: (personId: string) => `${PREFIX}:inbox:${personId}`,
  settings: `${PREFIX}:mail-settings`,
};
// Addresses are kept under keys of their own, apart from everything else.
const MAIL = rkey('mail');
const mailKeys = {
  address: (id: string) => `${MAIL}:address:${id}`,
  /** (person, question) → address id. */
  of: (personId: string, questionId: string) => `${MAIL}:of:${personId}:${questionId}`,
  /** Per question: its address ids. */
  question: (questionId: string) => `${MAIL}:question:${questionId}`,
  /** Confirmation token hash → address id. */
  confirm: (hash: string) => `${MAIL}:confirm:${hash}`,
  /** Every address id scored by when it was given, for the retention period. */
  age: `${MAIL}:age`,
};

// Deletes one address and every index naming it; ARGV[1] is the mail prefix. Scripts that use
// it build the keys from stored values, so they suit one Redis (or one hash slot), like the rest.
const DELETE_ADDRESS = `
  local function del_address(prefix, id)
    local key = prefix .. ':address:' .. id
    local a = redis.call('HMGET', key, 'personId', 'questionId', 'confirmHash')
    if not a[1] then return 0 end
    redis.call('DEL', key, prefix .. ':of:' .. a[1] .. ':' .. a[2], prefix .. ':confirm:' .. a[3])
    redis.call('SREM', prefix .. ':question:' .. a[2], id)
    redis.call('ZREM', prefix .. ':age', id)
    return 1
  end
`;

const followScript = lua(`
  if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  return 1
`);
const unfollowScript = lua(`${DELETE_ADDRESS}
  local id = redis.call('GET', KEYS[3])
  if id then del_address(ARGV[3], id) end
  local removed = redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return removed
`);
const addNoticeScript = lua(`
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
  if extra > 0 then
    for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) do
      redis.call('DEL', ARGV[4] .. old)
      redis.call('ZREM', KEYS[2], old)
    end
  end
  return 1
`);
const markReadScript = lua(`
  local changed = 0
  for i, id in ipairs(ARGV) do
    if redis.call('ZSCORE', KEYS[1], id) and redis.call('HGET', KEYS[i + 1], 'read') == '0' then
      redis.call('HSET', KEYS[i + 1], 'read', '1')
      changed = changed + 1
    end
  end
  return changed
`);
const putAddressScript = lua(`${DELETE_ADDRESS}
  local old = redis.call('GET', KEYS[2])
  if old then del_address(ARGV[1], old) end
  redis.call('HSET', KEYS[1], unpack(ARGV, 4))
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('SET', KEYS[4], ARGV[2])
  redis.call('ZADD', KEYS[5], ARGV[3], ARGV[2])
  return 1
`);
const confirmScript = lua(`
  local id = redis.call('GET', KEYS[1])
  if not id then return 'unknown' end
  local key = ARGV[1] .. ':address:' .. id
  local a = redis.call('HMGET', key, 'confirmedAt', 'confirmExpiresAt')
  if a[1] then return 'used' end
  if tonumber(a[2]) <= tonumber(ARGV[2]) then return 'expired' end
  redis.call('HSET', key, 'confirmedAt', ARGV[2])
  return redis.call('HGETALL', key)
`);
const deleteScript = lua(`${DELETE_ADDRESS}
  local n = 0
  for i = 2, #ARGV do n = n + del_address(ARGV[1], ARGV[i]) end
  return n
`);

const addressFields = (a: MailAddress): string[] => [
  'id', a.id, 'personId', a.personId, 'questionId', a.questionId, 'address', a.address, 'locale', a.locale,
  'createdAt', String(a.createdAt), 'confirmHash', a.confirmHash, 'confirmExpiresAt', String(a.confirmExpiresAt),
  ...(a.confirmedAt === null ? [] : ['confirmedAt', String(a.confirmedAt)]),
];
const addressFrom = (h: Record<string, string>): MailAddress => ({
  id: h.id!,
  personId: h.personId!,
  questionId: h.questionId!,
  address: h.address!,
  locale: h.locale as MailAddress['locale'],
  createdAt: Number(h.createdAt),
  confirmHash: h.confirmHash!,
  confirmExpiresAt: Number(h.confirmExpiresAt),
  confirmedAt: h.confirmedAt === undefined ? null : Number(h.confirmedAt),
});
const noticeFields = (n: FollowNotice): string[] => [
  'id', n.id, 'questionId', n.questionId, 'townHallId', n.townHallId, 'excerpt', n.excerpt, 'kind', n.kind,
  'at', String(n.at), 'read', n.read ? '1' : '0',
  ...(n.detail === null ? [] : ['detail', n.detail]),
  ...(n.reason === null ? [] : ['reason', n.reason]),
  ...(n.status === null ? [] : ['status', n.status]),
];
const noticeFrom = (h: Record<string, string>): FollowNotice => ({
  id: h.id!,
  questionId: h.questionId!,
  townHallId: h.townHallId!,
  excerpt: h.excerpt!,
  kind: h.kind as FollowNotice['kind'],
  detail: h.detail ?? null,
  reason: (h.reason ?? null) as FollowNotice['reason'],
  status: (h.status ?? null) as FollowNotice['status'],
  at: Number(h.at),
  read: h.read === '1',
});

export function createRedisNotificationStore(redis: RedisClient): NotificationStore {
  const hashes = hashReader(redis);
  const deleteIds = async (ids: string[]) => (ids.length ? Number(await deleteScript.run(redis, [], [MAIL, ...ids])) : 0);
  return {
    async follow(f: Follow) {
      const { personId, ...rest } = f;
      const json = JSON.stringify({ ...rest, personId });
      return (await followScript.run(redis, [keys.follows(f.questionId), keys.following(personId)], [personId, json, String(f.since), f.questionId])) === 1;
    },
    async unfollow(questionId, personId) {
      const removed = await unfollowScript.run(
        redis,
        [keys.follows(questionId), keys.following(personId), mailKeys.of(personId, questionId)],
        [personId, questionId, MAIL],
      );
      return removed === 1;
    },
    async isFollowing(questionId, personId) {
      return (await redis.hExists(keys.follows(questionId), personId)) === 1;
    },
    async followers(questionId) {
      return redis.hKeys(keys.follows(questionId));
    },
    async followedBy(personId) {
      const ids = await redis.zRange(keys.following(personId), 0, -1, { REV: true });
      const found = await Promise.all(ids.map((q) => redis.hGet(keys.follows(q), personId)));
      return found.flatMap((json) => (json ? [JSON.parse(json) as Follow] : []));
    },
    async addNotice(input: NewNotice) {
      const { personId, ...rest } = input;
      const notice: FollowNotice = { ...rest, id: newId(), read: false };
      await addNoticeScript.run(redis, [keys.notice(notice.id), keys.notices(personId)], [notice.id, String(notice.at), String(NOTICES_KEPT), keys.notice(''), ...noticeFields(notice)]);
      return notice;
    },
    async noticesFor(personId, limit) {
      const ids = await redis.zRange(keys.notices(personId), '+inf', '-inf', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: limit } });
      return hashes.readAll(ids.map(keys.notice), noticeFrom);
    },
    async markRead(personId, ids) {
      return Number(await markReadScript.run(redis, [keys.notices(personId), ...ids.map(keys.notice)], ids));
    },
    async putAddress(a) {
      await putAddressScript.run(
        redis,
        [mailKeys.address(a.id), mailKeys.of(a.personId, a.questionId), mailKeys.question(a.questionId), mailKeys.confirm(a.confirmHash), mailKeys.age],
        [MAIL, a.id, String(a.createdAt), ...addressFields(a)],
      );
    },
    async addressFor(personId, questionId) {
      const id = await redis.get(mailKeys.of(personId, questionId));
      return id ? hashes.read(mailKeys.address(id), addressFrom) : null;
    },
    addressById: (id) => hashes.read(mailKeys.address(id), addressFrom),
    async confirmedAddresses(questionId) {
      const ids = await redis.sMembers(mailKeys.question(questionId));
      const all = await hashes.readAll(ids.map(mailKeys.address), addressFrom);
      return all.filter((a) => a.confirmedAt !== null).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },
    async confirm(hash, now): Promise<ConfirmOutcome> {
      const reply = await confirmScript.run(redis, [mailKeys.confirm(hash)], [MAIL, String(now)]);
      if (typeof reply === 'string') return { ok: false, why: reply as 'unknown' | 'used' | 'expired' };
      return { ok: true, address: addressFrom(flatHash(reply)!) };
    },
    async deleteAddress(id) {
      return (await deleteIds([id])) === 1;
    },
    async deleteAddressesFor(questionId) {
      return deleteIds(await redis.sMembers(mailKeys.question(questionId)));
    },
    async deleteAddressesBefore(createdBefore) {
      return deleteIds(await redis.zRange(mailKeys.age, '-inf', `(${createdBefore}`, { BY: 'SCORE' }));
    },
    async mailSettings() {
      const json = await redis.get(keys.settings);
      return json ? (JSON.parse(json) as StoredMailSettings) : null;
    },
    async putMailSettings(settings) {
      await redis.set(keys.settings, JSON.stringify(settings));
    },
  };
}
