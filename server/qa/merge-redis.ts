import { lua, rkey, type RedisClient } from '../storage/redis.js';
import type { MergeOutcome, MergeRefusal, QuestionMerges, UnmergeOutcome } from './merge-store.js';
import type { QuestionRecord } from './store.js';

/**
 * Merging duplicates in Redis. A merged question keeps its hash and its voters set; the
 * survivor keeps the set of questions merged into it, and its count is the size of the union of
 * its voters and theirs. Every script declares the keys it touches, so the caller reads the
 * survivor's merged set first and passes its members; a script that finds the set changed
 * meanwhile answers 'stale' and the caller reads again.
 */
export const mergeKeys = {
  question: (id: string) => rkey('question', id),
  voters: (id: string) => rkey('question', id, 'voters'),
  /** Ids of the questions merged into this one. */
  merged: (id: string) => rkey('question', id, 'merged'),
  /**
   * While questions are merged into this one: the union of its voters and theirs, kept with
   * every vote so a vote costs a set operation, not a union over the whole group.
   */
  supporters: (id: string) => rkey('question', id, 'supporters'),
  visible: (townHallId: string) => rkey('townhall', townHallId, 'questions'),
  /** Ids of a town hall's merged questions (for their askers' copies). */
  mergedIn: (townHallId: string) => rkey('townhall', townHallId, 'questions', 'merged'),
  votesBy: (townHallId: string, userId: string) => rkey('townhall', townHallId, 'votes', userId),
};

/** Whether the set at `key` holds exactly ARGV[from..to]. */
const SAME_MEMBERS = `
  local function same_members(key, from, to)
    local members = redis.call('SMEMBERS', key)
    if #members ~= to - from + 1 then return false end
    for i = from, to do
      if redis.call('SISMEMBER', key, ARGV[i]) == 0 then return false end
    end
    return true
  end
`;

/**
 * Rewrites the survivor's figures from its group: its supporters (the union of the voters sets;
 * none kept while nothing is merged into it), the number merged into it, and the distinct
 * askers of those other than its own.
 */
const RECOUNT = `
  local function recount(target, voter_keys, member_hashes, merged_key, supporters_key)
    local votes
    if #member_hashes > 0 then
      votes = redis.call('SUNIONSTORE', supporters_key, unpack(voter_keys))
    else
      redis.call('DEL', supporters_key)
      votes = redis.call('SCARD', voter_keys[1])
    end
    local own = redis.call('HGET', target, 'authorId')
    local askers, also = {}, 0
    for _, h in ipairs(member_hashes) do
      local author = redis.call('HGET', h, 'authorId')
      if author and author ~= own and not askers[author] then askers[author] = true; also = also + 1 end
    end
    redis.call('HSET', target, 'votes', votes, 'mergedCount', redis.call('SCARD', merged_key), 'alsoAskedBy', also)
    return votes
  end
`;

/**
 * One vote on a question and the questions merged into it. The count is the size of the
 * question's voters set, or of its supporters set while others are merged into it.
 * KEYS: question, votesBy, merged set, supporters, then the voters sets of the question and of
 * each merged one. ARGV: userId, questionId, 'cast' | 'retract', then the merged ids.
 */
export const groupVote = lua(`${SAME_MEMBERS}
  if redis.call('HGET', KEYS[1], 'status') ~= 'published' then return false end
  if not same_members(KEYS[3], 4, #ARGV) then return 'stale' end
  local grouped = #ARGV > 3
  local counted = grouped and KEYS[4] or KEYS[5]
  local supported = redis.call('SISMEMBER', counted, ARGV[1]) == 1
  local cast = ARGV[3] == 'cast'
  if supported == cast then return { 0, tonumber(redis.call('HGET', KEYS[1], 'votes')) } end
  if cast then
    redis.call('SADD', KEYS[5], ARGV[1])
    if grouped then redis.call('SADD', KEYS[4], ARGV[1]) end
    redis.call('SADD', KEYS[2], ARGV[2])
  else
    for i = 4, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end
    for i = 2, #ARGV do if i ~= 3 then redis.call('SREM', KEYS[2], ARGV[i]) end end
  end
  local votes = redis.call('SCARD', counted)
  redis.call('HSET', KEYS[1], 'votes', votes)
  return { 1, votes }
`);

/**
 * KEYS: target, its merged set, visible, mergedIn, target voters, target supporters; per member
 * already merged: hash, voters; per new source: hash, voters, merged set.
 * ARGV: target id, number already merged, their ids, then the new source ids.
 */
const merge = lua(`${SAME_MEMBERS}${RECOUNT}
  local target_status = redis.call('HGET', KEYS[1], 'status')
  if not target_status then return { 'refused', ARGV[1], 'missing' } end
  if target_status ~= 'published' then return { 'refused', ARGV[1], target_status } end
  local existing = tonumber(ARGV[2])
  if not same_members(KEYS[2], 3, 2 + existing) then return 'stale' end
  local town_hall = redis.call('HGET', KEYS[1], 'townHallId')
  local first_source = 7 + 2 * existing
  local sources = {}
  for i = 3 + existing, #ARGV do
    local k = first_source + 3 * (i - 3 - existing)
    local status = redis.call('HGET', KEYS[k], 'status')
    if not status then return { 'refused', ARGV[i], 'missing' } end
    if status ~= 'published' then return { 'refused', ARGV[i], status } end
    if redis.call('HGET', KEYS[k], 'townHallId') ~= town_hall then return { 'refused', ARGV[i], 'other-town-hall' } end
    if redis.call('SCARD', KEYS[k + 2]) > 0 then return { 'refused', ARGV[i], 'has-merged' } end
    sources[#sources + 1] = { id = ARGV[i], hash = KEYS[k], voters = KEYS[k + 1] }
  end
  local voter_keys, member_hashes = { KEYS[5] }, {}
  for j = 0, existing - 1 do
    member_hashes[#member_hashes + 1] = KEYS[7 + 2 * j]
    voter_keys[#voter_keys + 1] = KEYS[8 + 2 * j]
  end
  for _, s in ipairs(sources) do
    redis.call('HSET', s.hash, 'status', 'merged', 'mergedInto', ARGV[1])
    redis.call('ZREM', KEYS[3], s.id)
    redis.call('SADD', KEYS[4], s.id)
    redis.call('SADD', KEYS[2], s.id)
    member_hashes[#member_hashes + 1] = s.hash
    voter_keys[#voter_keys + 1] = s.voters
  end
  recount(KEYS[1], voter_keys, member_hashes, KEYS[2], KEYS[6])
  return { 'ok' }
`);

/**
 * KEYS: source, target, target's merged set, visible, mergedIn, source voters, target voters,
 * target supporters, then per member left merged: hash, voters.
 * ARGV: source id, target id, the ids left merged.
 */
const unmerge = lua(`${RECOUNT}
  if redis.call('HGET', KEYS[1], 'status') ~= 'merged' or redis.call('HGET', KEYS[1], 'mergedInto') ~= ARGV[2] then
    return { 'refused' }
  end
  if redis.call('SCARD', KEYS[3]) ~= #ARGV - 1 then return 'stale' end
  for i = 3, #ARGV do
    if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return 'stale' end
  end
  redis.call('SREM', KEYS[3], ARGV[1])
  redis.call('HSET', KEYS[1], 'status', 'published', 'votes', redis.call('SCARD', KEYS[6]))
  redis.call('HDEL', KEYS[1], 'mergedInto')
  redis.call('ZADD', KEYS[4], redis.call('HGET', KEYS[1], 'createdAt'), ARGV[1])
  redis.call('SREM', KEYS[5], ARGV[1])
  local voter_keys, member_hashes = { KEYS[7] }, {}
  for k = 9, #KEYS, 2 do
    member_hashes[#member_hashes + 1] = KEYS[k]
    voter_keys[#voter_keys + 1] = KEYS[k + 1]
  end
  recount(KEYS[2], voter_keys, member_hashes, KEYS[3], KEYS[8])
  local voters = redis.call('SMEMBERS', KEYS[6])
  local still = {}
  for _, user in ipairs(voters) do
    for _, key in ipairs(voter_keys) do
      if redis.call('SISMEMBER', key, user) == 1 then still[#still + 1] = user; break end
    end
  end
  return { 'ok', voters, still }
`);

/** A script that found the merged set changed is run again on a fresh read, a few times at most. */
export async function retryStale<T>(attempt: () => Promise<T | 'stale'>): Promise<T> {
  for (let tries = 0; tries < 20; tries++) {
    const result = await attempt();
    if (result !== 'stale') return result;
  }
  throw new Error('questions kept changing while being merged');
}

export function createRedisMerges(redis: RedisClient, getQuestion: (id: string) => Promise<QuestionRecord | null>): QuestionMerges<QuestionRecord> {
  const k = mergeKeys;
  const members = (id: string) => redis.sMembers(k.merged(id));

  async function mergeQuestions(targetId: string, sourceIds: string[]): Promise<MergeOutcome<QuestionRecord>> {
    const outcome = await retryStale(async (): Promise<MergeRefusal | 'ok' | 'stale'> => {
      const [townHallId, existing] = await Promise.all([redis.hGet(k.question(targetId), 'townHallId'), members(targetId)]);
      if (townHallId === null) return { ok: false, questionId: targetId, refused: 'missing' };
      const keys = [
        k.question(targetId),
        k.merged(targetId),
        k.visible(townHallId),
        k.mergedIn(townHallId),
        k.voters(targetId),
        k.supporters(targetId),
      ];
      for (const id of existing) keys.push(k.question(id), k.voters(id));
      for (const id of sourceIds) keys.push(k.question(id), k.voters(id), k.merged(id));
      const reply = await merge.run(redis, keys, [targetId, String(existing.length), ...existing, ...sourceIds]);
      if (reply === 'stale') return 'stale';
      const [head, questionId, refused] = reply as string[];
      if (head === 'ok') return 'ok';
      return { ok: false, questionId: questionId!, refused: refused as MergeRefusal['refused'] };
    });
    if (outcome !== 'ok') return outcome;
    const [target, ...sources] = await Promise.all([targetId, ...sourceIds].map(getQuestion));
    return { ok: true, target: target!, sources: sources as QuestionRecord[] };
  }

  async function unmergeQuestion(questionId: string): Promise<UnmergeOutcome<QuestionRecord>> {
    return retryStale(async (): Promise<UnmergeOutcome<QuestionRecord> | 'stale'> => {
      const [townHallId, targetId] = await redis.hmGet(k.question(questionId), ['townHallId', 'mergedInto']);
      if (!townHallId) return { ok: false, refused: 'missing' };
      if (!targetId) return { ok: false, refused: 'not-merged' };
      const left = (await members(targetId)).filter((id) => id !== questionId);
      const keys = [
        k.question(questionId),
        k.question(targetId),
        k.merged(targetId),
        k.visible(townHallId),
        k.mergedIn(townHallId),
        k.voters(questionId),
        k.voters(targetId),
        k.supporters(targetId),
      ];
      for (const id of left) keys.push(k.question(id), k.voters(id));
      const reply = await unmerge.run(redis, keys, [questionId, targetId, ...left]);
      if (reply === 'stale') return 'stale';
      const [head, voters, still] = reply as [string, string[], string[]];
      if (head !== 'ok') return { ok: false, refused: 'not-merged' };
      const [source, target] = await Promise.all([getQuestion(questionId), getQuestion(targetId)]);
      return { ok: true, source: source!, target: target!, voters: [...voters].sort(), stillOnTarget: [...still].sort() };
    });
  }

  return {
    mergeQuestions,
    unmergeQuestion,
    async listMerged(townHallId) {
      const found = await Promise.all((await redis.sMembers(k.mergedIn(townHallId))).map(getQuestion));
      return found
        .filter((q): q is QuestionRecord => q !== null && q.status === 'merged')
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}
