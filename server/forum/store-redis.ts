import type { PostStatus } from '../../shared/forum.js';
import type { Role } from '../../shared/roles.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { CategoryRecord, ForumStore, PostRecord, Scope, ThreadRecord } from './store.js';
import { newCategoryRecord, newPostRecord, newThreadRecords, PUBLIC_STATUSES, REVIEW_STATUSES } from './store-records.js';
import { moderatedFields, moderatedFromHash, plainDecision, plainHits } from '../moderation/stored.js';

type ListKind = Scope | 'pending';

const keys = {
  categories: rkey('forum', 'categories'),
  category: (id: string) => rkey('forum', 'category', id),
  /** A category's threads by list, scored by rank: pinned ones above every other, then last activity. */
  threads: (categoryId: string, list: ListKind) => rkey('forum', 'category', categoryId, 'threads', list),
  thread: (id: string) => rkey('forum', 'thread', id),
  /** A thread's posts by list, scored by createdAt. */
  posts: (threadId: string, list: ListKind) => rkey('forum', 'thread', threadId, 'posts', list),
  post: (id: string) => rkey('forum', 'post', id),
};

/** Every key a post's status change touches, in the order the scripts expect them. */
const postKeys = (postId: string, threadId: string, categoryId: string): string[] => [
  keys.post(postId),
  keys.thread(threadId),
  keys.posts(threadId, 'public'),
  keys.posts(threadId, 'review'),
  keys.posts(threadId, 'pending'),
  keys.threads(categoryId, 'public'),
  keys.threads(categoryId, 'review'),
  keys.threads(categoryId, 'pending'),
];

// Puts the post (KEYS[1]) in the lists its status belongs to, and rewrites its thread (KEYS[2]):
// status from the opening post, reply count and last activity from the published posts, and
// its place in the category's lists. Every script that changes a post ends with this, so the
// counts can never drift from the posts. Pinned threads rank 10^13 above the rest: timestamps
// stay below that until the year 2286.
const SYNC = `
local function place(kpublic, kreview, kpending, status, score, member)
  if status == 'published' then redis.call('ZADD', kpublic, score, member) else redis.call('ZREM', kpublic, member) end
  if status == 'published' or status == 'held' or status == 'hidden' then
    redis.call('ZADD', kreview, score, member)
  else
    redis.call('ZREM', kreview, member)
  end
  if status == 'held' or status == 'hidden' then redis.call('ZADD', kpending, score, member) else redis.call('ZREM', kpending, member) end
end
local function sync()
  local p = redis.call('HMGET', KEYS[1], 'id', 'status', 'createdAt', 'opening')
  place(KEYS[3], KEYS[4], KEYS[5], p[2], p[3], p[1])
  if p[4] == '1' then redis.call('HSET', KEYS[2], 'status', p[2]) end
  local t = redis.call('HMGET', KEYS[2], 'id', 'createdAt', 'pinned', 'openingPostId', 'status')
  local replies = redis.call('ZCARD', KEYS[3])
  if redis.call('ZSCORE', KEYS[3], t[4]) then replies = replies - 1 end
  local lastPostAt = t[2]
  local newest = redis.call('ZREVRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  if newest[2] then lastPostAt = newest[2] end
  redis.call('HSET', KEYS[2], 'replyCount', replies, 'lastPostAt', lastPostAt)
  local rank = tonumber(lastPostAt)
  if t[3] == '1' then rank = rank + 1e13 end
  place(KEYS[6], KEYS[7], KEYS[8], t[5], rank, t[1])
end
`;

// ARGV: the number of thread arguments, the thread's field/value pairs, the post's.
const createThread = lua(`${SYNC}
  if redis.call('EXISTS', KEYS[9]) == 0 then return false end
  local n = tonumber(ARGV[1])
  redis.call('HSET', KEYS[2], unpack(ARGV, 2, n + 1))
  redis.call('HSET', KEYS[1], unpack(ARGV, n + 2, #ARGV))
  sync()
  return redis.call('HGETALL', KEYS[2])
`);

// ARGV: the post's field/value pairs.
const addReply = lua(`${SYNC}
  if redis.call('EXISTS', KEYS[2]) == 0 then return false end
  redis.call('HSET', KEYS[1], unpack(ARGV))
  sync()
  return redis.call('HGETALL', KEYS[1])
`);

// Compare-and-set: ARGV holds the count of allowed statuses and those statuses, then the count
// of fields to delete and their names, then field/value pairs to set.
const update = lua(`${SYNC}
  local status = redis.call('HGET', KEYS[1], 'status')
  if not status then return false end
  local nfrom = tonumber(ARGV[1])
  local allowed = false
  for i = 2, nfrom + 1 do
    if ARGV[i] == status then allowed = true end
  end
  if not allowed then return false end
  local ndel = tonumber(ARGV[nfrom + 2])
  for i = nfrom + 3, nfrom + 2 + ndel do redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('HSET', KEYS[1], unpack(ARGV, nfrom + 3 + ndel, #ARGV))
  sync()
  return redis.call('HGETALL', KEYS[1])
`);

// KEYS: the thread and its category's three lists; ARGV: the field ('pinned' or 'locked') and value.
const setFlag = lua(`
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  local t = redis.call('HMGET', KEYS[1], 'lastPostAt', 'pinned', 'id')
  local rank = tonumber(t[1])
  if t[2] == '1' then rank = rank + 1e13 end
  for i = 2, 4 do redis.call('ZADD', KEYS[i], 'XX', rank, t[3]) end
  return redis.call('HGETALL', KEYS[1])
`);

const flat = (fields: Record<string, string>): string[] => Object.entries(fields).flat();

function threadFields(t: ThreadRecord): Record<string, string> {
  return {
    id: t.id,
    categoryId: t.categoryId,
    title: t.title,
    authorId: t.authorId,
    authorName: t.authorName,
    authorRole: t.authorRole,
    createdAt: String(t.createdAt),
    lastPostAt: String(t.lastPostAt),
    replyCount: String(t.replyCount),
    pinned: t.pinned ? '1' : '0',
    locked: t.locked ? '1' : '0',
    status: t.status,
    openingPostId: t.openingPostId,
  };
}

// Null fields are left out of the hash.
function postFields(p: PostRecord): Record<string, string> {
  const fields: Record<string, string> = {
    id: p.id,
    threadId: p.threadId,
    categoryId: p.categoryId,
    authorId: p.authorId,
    authorName: p.authorName,
    authorRole: p.authorRole,
    body: p.body,
    createdAt: String(p.createdAt),
    status: p.status,
    opening: p.opening ? '1' : '0',
    ...moderatedFields(p),
  };
  if (p.editedAt !== null) fields.editedAt = String(p.editedAt);
  return fields;
}

const threadOf = (h: Record<string, string>): ThreadRecord => ({
  id: h.id!,
  categoryId: h.categoryId!,
  title: h.title!,
  authorId: h.authorId!,
  authorName: h.authorName!,
  authorRole: h.authorRole as Role,
  createdAt: Number(h.createdAt),
  lastPostAt: Number(h.lastPostAt),
  replyCount: Number(h.replyCount),
  pinned: h.pinned === '1',
  locked: h.locked === '1',
  status: h.status as PostStatus,
  openingPostId: h.openingPostId!,
});

const postOf = (h: Record<string, string>): PostRecord => ({
  id: h.id!,
  threadId: h.threadId!,
  categoryId: h.categoryId!,
  authorId: h.authorId!,
  authorName: h.authorName!,
  authorRole: h.authorRole as Role,
  body: h.body!,
  createdAt: Number(h.createdAt),
  editedAt: h.editedAt === undefined ? null : Number(h.editedAt),
  status: h.status as PostStatus,
  ...moderatedFromHash(h),
  opening: h.opening === '1',
});

const inScope = (scope: Scope, status: PostStatus): boolean =>
  (scope === 'public' ? (PUBLIC_STATUSES as readonly string[]) : (REVIEW_STATUSES as readonly string[])).includes(status);

export function createRedisForumStore(redis: RedisClient): ForumStore {
  const getCategory = async (id: string): Promise<CategoryRecord | null> => {
    const [h, threadCount] = await Promise.all([redis.hGetAll(keys.category(id)), redis.zCard(keys.threads(id, 'public'))]);
    const found = present(h);
    if (!found) return null;
    return {
      id: found.id!,
      name: found.name!,
      description: found.description ?? '',
      createdBy: found.createdBy!,
      createdAt: Number(found.createdAt),
      threadCount,
    };
  };
  const getThread = async (id: string): Promise<ThreadRecord | null> => {
    const h = present(await redis.hGetAll(keys.thread(id)));
    return h ? threadOf(h) : null;
  };
  const getPost = async (id: string): Promise<PostRecord | null> => {
    const h = present(await redis.hGetAll(keys.post(id)));
    return h ? postOf(h) : null;
  };
  const present3 = <T>(items: (T | null)[]): T[] => items.filter((x): x is T => x !== null);

  /** A post's thread and category never change, so reading them first cannot go stale. */
  const changePost = async (id: string, from: PostStatus[], del: string[], set: Record<string, string>) => {
    const where = await redis.hmGet(keys.post(id), ['threadId', 'categoryId']);
    const [threadId, categoryId] = where;
    if (!threadId || !categoryId) return null;
    const args = [String(from.length), ...from, String(del.length), ...del, ...flat(set)];
    const h = flatHash(await update.run(redis, postKeys(id, threadId, categoryId), args));
    return h ? postOf(h) : null;
  };

  const setThreadFlag = async (threadId: string, field: 'pinned' | 'locked', on: boolean) => {
    const categoryId = await redis.hGet(keys.thread(threadId), 'categoryId');
    if (!categoryId) return null;
    const lists = (['public', 'review', 'pending'] as const).map((l) => keys.threads(categoryId, l));
    const h = flatHash(await setFlag.run(redis, [keys.thread(threadId), ...lists], [field, on ? '1' : '0']));
    return h ? threadOf(h) : null;
  };

  return {
    async createCategory(input) {
      const record = newCategoryRecord(input);
      await redis
        .multi()
        .hSet(keys.category(record.id), {
          id: record.id,
          name: record.name,
          description: record.description,
          createdBy: record.createdBy,
          createdAt: String(record.createdAt),
        })
        .zAdd(keys.categories, { score: record.createdAt, value: record.id })
        .exec();
      return record;
    },
    getCategory,
    async listCategories() {
      // Equal scores come back in member order, i.e. by id, matching the SQLite tie-break.
      const ids = await redis.zRange(keys.categories, 0, -1);
      return present3(await Promise.all(ids.map(getCategory)));
    },
    async createThread(input) {
      const { thread, post } = newThreadRecords(input);
      const threadArgs = flat(threadFields(thread));
      const reply = await createThread.run(
        redis,
        [...postKeys(post.id, thread.id, thread.categoryId), keys.category(thread.categoryId)],
        [String(threadArgs.length), ...threadArgs, ...flat(postFields(post))],
      );
      const h = flatHash(reply);
      return h ? { thread: threadOf(h), post } : null;
    },
    getThread,
    async listThreads(categoryId, scope, offset, limit) {
      const key = keys.threads(categoryId, scope);
      const [ids, total] = await Promise.all([redis.zRange(key, offset, offset + limit - 1, { REV: true }), redis.zCard(key)]);
      const threads = present3(await Promise.all(ids.map(getThread)));
      // A thread that changed between the two reads is dropped here rather than shown.
      return { items: threads.filter((t) => inScope(scope, t.status)), total };
    },
    async pendingThreads(categoryId, authorId) {
      const ids = await redis.zRange(keys.threads(categoryId, 'pending'), 0, -1, { REV: true });
      const threads = present3(await Promise.all(ids.map(getThread)));
      return threads.filter((t) => t.authorId === authorId && (t.status === 'held' || t.status === 'hidden'));
    },
    setPinned: (threadId, pinned) => setThreadFlag(threadId, 'pinned', pinned),
    setLocked: (threadId, locked) => setThreadFlag(threadId, 'locked', locked),
    async addReply(threadId, input) {
      const categoryId = await redis.hGet(keys.thread(threadId), 'categoryId');
      if (!categoryId) return null;
      const record = newPostRecord(threadId, categoryId, input, false);
      const reply = await addReply.run(redis, postKeys(record.id, threadId, categoryId), flat(postFields(record)));
      return flatHash(reply) ? record : null;
    },
    getPost,
    async listPosts(threadId, scope, offset, limit) {
      const key = keys.posts(threadId, scope);
      const [ids, total] = await Promise.all([redis.zRange(key, offset, offset + limit - 1), redis.zCard(key)]);
      const posts = present3(await Promise.all(ids.map(getPost)));
      return { items: posts.filter((p) => inScope(scope, p.status)), total };
    },
    async pendingPosts(threadId, authorId) {
      const ids = await redis.zRange(keys.posts(threadId, 'pending'), 0, -1);
      const posts = present3(await Promise.all(ids.map(getPost)));
      return posts.filter((p) => p.authorId === authorId && (p.status === 'held' || p.status === 'hidden'));
    },
    async editPost(id, from, e) {
      const set: Record<string, string> = {
        body: e.body,
        editedAt: String(e.editedAt),
        status: e.status,
        filterHits: JSON.stringify(plainHits(e.filterHits)),
      };
      if (e.holdReason !== null) set.holdReason = e.holdReason;
      return changePost(id, from, e.holdReason === null ? ['holdReason'] : [], set);
    },
    async transitionPost(id, from, to, decision) {
      return changePost(id, from, [], { status: to, decision: JSON.stringify(plainDecision(decision)) });
    },
  };
}
