import type { AnswerState, QuestionStatus } from '../../shared/qa.js';
import type { StaffRole } from '../../shared/roles.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { NewQuestion, QuestionRecord, QuestionRef, QuestionStore, VoteChange } from './store.js';
import { newQuestionRecord, plainAnswer } from './store-records.js';
import { moderatedFields, moderatedFromHash, plainDecision } from '../moderation/stored.js';
import { createRedisMerges, groupVote, mergeKeys, retryStale } from './merge-redis.js';

const keys = {
  question: (id: string) => rkey('question', id),
  voters: (id: string) => rkey('question', id, 'voters'),
  /** Held, hidden and published question ids of a town hall, scored by createdAt. */
  visible: (townHallId: string) => rkey('townhall', townHallId, 'questions'),
  /** Ids of the questions in a town hall that one person has a vote on. */
  votesBy: (townHallId: string, userId: string) => rkey('townhall', townHallId, 'votes', userId),
  /** Every question id of a town hall, whatever its status, scored by createdAt (the public record). */
  all: (townHallId: string) => rkey('townhall', townHallId, 'questions', 'all'),
};

const VISIBLE: readonly QuestionStatus[] = ['held', 'hidden', 'published'];

// Compare-and-set: of two moderators racing on one question, only the first finds it in a
// status it may leave.
const transition = lua(`
  local status = redis.call('HGET', KEYS[1], 'status')
  if not status then return false end
  local allowed = false
  for i = 4, #ARGV do
    if ARGV[i] == status then allowed = true end
  end
  if not allowed then return false end
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decision', ARGV[2])
  if ARGV[1] == 'held' or ARGV[1] == 'hidden' or ARGV[1] == 'published' then
    redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'createdAt'), ARGV[3])
  else
    redis.call('ZREM', KEYS[2], ARGV[3])
  end
  return redis.call('HGETALL', KEYS[1])
`);

const updatePublished = lua(`
  if redis.call('HGET', KEYS[1], 'status') ~= 'published' then return false end
  redis.call('HSET', KEYS[1], unpack(ARGV))
  return redis.call('HGETALL', KEYS[1])
`);

// The live-answer stamp is kept from the first time it entered 'answered' and cleared on leaving.
const setAnswerState = lua(`
  if redis.call('HGET', KEYS[1], 'status') ~= 'published' then return false end
  redis.call('HSET', KEYS[1], 'answerState', ARGV[1])
  if ARGV[1] == 'answered' then
    redis.call('HSETNX', KEYS[1], 'answeredLiveAt', ARGV[2])
  else
    redis.call('HDEL', KEYS[1], 'answeredLiveAt')
  end
  return redis.call('HGETALL', KEYS[1])
`);

// A topic is filed on questions still on screens only; null (an empty argument) takes it off.
const setTopic = lua(`
  local status = redis.call('HGET', KEYS[1], 'status')
  if status ~= 'held' and status ~= 'hidden' and status ~= 'published' then return false end
  if ARGV[1] == '' then
    redis.call('HDEL', KEYS[1], 'topicId')
  else
    redis.call('HSET', KEYS[1], 'topicId', ARGV[1])
  end
  return redis.call('HGETALL', KEYS[1])
`);

// Null fields are left out of the hash; JSON only where the value is structured.
function toFields(q: QuestionRecord): Record<string, string> {
  const fields: Record<string, string> = {
    id: q.id,
    townHallId: q.townHallId,
    authorId: q.authorId,
    authorName: q.authorName,
    anonymous: q.anonymous ? '1' : '0',
    text: q.text,
    createdAt: String(q.createdAt),
    status: q.status,
    votes: String(q.votes),
    answerState: q.answerState,
    ...moderatedFields(q),
  };
  if (q.answer !== null) fields.answer = JSON.stringify(q.answer);
  if (q.answeredLiveAt !== null) fields.answeredLiveAt = String(q.answeredLiveAt);
  if (q.authorRole !== null) fields.authorRole = q.authorRole;
  if (q.topicId !== null) fields.topicId = q.topicId;
  if (q.mergedInto !== null) fields.mergedInto = q.mergedInto;
  return fields;
}

const fromHash = (h: Record<string, string>): QuestionRecord => ({
  id: h.id!,
  townHallId: h.townHallId!,
  authorId: h.authorId!,
  authorName: h.authorName!,
  authorRole: (h.authorRole as StaffRole | undefined) ?? null,
  anonymous: h.anonymous === '1',
  text: h.text!,
  createdAt: Number(h.createdAt),
  status: h.status as QuestionStatus,
  ...moderatedFromHash(h),
  votes: Number(h.votes),
  answerState: h.answerState as AnswerState,
  answer: h.answer === undefined ? null : JSON.parse(h.answer),
  answeredLiveAt: h.answeredLiveAt === undefined ? null : Number(h.answeredLiveAt),
  topicId: h.topicId ?? null,
  mergedInto: h.mergedInto ?? null,
  mergedCount: Number(h.mergedCount ?? 0),
  alsoAskedBy: Number(h.alsoAskedBy ?? 0),
});

const fromScript = (reply: unknown): QuestionRecord | null => {
  const h = flatHash(reply);
  return h ? fromHash(h) : null;
};

export function createRedisQuestionStore(redis: RedisClient): QuestionStore {
  const getQuestion = async (id: string): Promise<QuestionRecord | null> => {
    const h = present(await redis.hGetAll(keys.question(id)));
    return h ? fromHash(h) : null;
  };
  // A question never changes town hall, so reading this before a script cannot go stale, and
  // it lets the script declare every key it touches.
  const townHallOf = (id: string): Promise<string | null> => redis.hGet(keys.question(id), 'townHallId');

  // Questions asked before the record kept its own index are still found through the visible one.
  const listForRecord = async (townHallId: string): Promise<QuestionRecord[]> => {
    const [all, visible] = await Promise.all([redis.zRange(keys.all(townHallId), 0, -1), redis.zRange(keys.visible(townHallId), 0, -1)]);
    const questions = await Promise.all([...new Set([...all, ...visible])].map(getQuestion));
    return questions
      .filter((q): q is QuestionRecord => q !== null)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };

  // The voters sets are the truth; the count is rewritten from them in the same script (see
  // merge-redis.ts for the questions merged into this one), so it never drifts from the number
  // of distinct voters.
  const changeVote = async (question: QuestionRef, userId: string, op: 'cast' | 'retract'): Promise<VoteChange | null> => {
    const questionId = typeof question === 'string' ? question : question.id;
    const townHallId = typeof question === 'string' ? await townHallOf(question) : question.townHallId;
    if (townHallId === null) return null;
    const reply = await retryStale(async () => {
      const merged = await redis.sMembers(mergeKeys.merged(questionId));
      const own = [
        keys.question(questionId),
        keys.votesBy(townHallId, userId),
        mergeKeys.merged(questionId),
        mergeKeys.supporters(questionId),
        keys.voters(questionId),
      ];
      return groupVote.run(redis, [...own, ...merged.map(mergeKeys.voters)], [userId, questionId, op, ...merged]);
    });
    if (!Array.isArray(reply)) return null;
    return { changed: reply[0] === 1, votes: Number(reply[1]) };
  };

  return {
    ...createRedisMerges(redis, getQuestion),
    async addQuestion(input: NewQuestion) {
      const record = newQuestionRecord(input);
      const tx = redis
        .multi()
        .hSet(keys.question(record.id), toFields(record))
        .zAdd(keys.all(record.townHallId), { score: record.createdAt, value: record.id });
      if (VISIBLE.includes(record.status)) {
        tx.zAdd(keys.visible(record.townHallId), { score: record.createdAt, value: record.id });
      }
      await tx.exec();
      return record;
    },
    getQuestion,
    async listVisible(townHallId) {
      // Equal scores come back in member order, i.e. by id, matching the SQLite tie-break.
      const ids = await redis.zRange(keys.visible(townHallId), 0, -1);
      const questions = await Promise.all(ids.map(getQuestion));
      // A question removed between the two reads is dropped here rather than shown.
      return questions.filter((q): q is QuestionRecord => q !== null && VISIBLE.includes(q.status));
    },
    castVote: (question, userId) => changeVote(question, userId, 'cast'),
    retractVote: (question, userId) => changeVote(question, userId, 'retract'),
    async votesBy(townHallId, userId) {
      // A vote on a merged question is support for the question it was merged into.
      const ids = await redis.sMembers(keys.votesBy(townHallId, userId));
      const into = await Promise.all(ids.map((id) => redis.hGet(keys.question(id), 'mergedInto')));
      return [...new Set(ids.map((id, i) => into[i] ?? id))].sort();
    },
    async transition(id, from, to, decision) {
      const townHallId = await townHallOf(id);
      if (townHallId === null) return null;
      const reply = await transition.run(
        redis,
        [keys.question(id), keys.visible(townHallId)],
        [to, JSON.stringify(plainDecision(decision)), id, ...from],
      );
      return fromScript(reply);
    },
    async setAnswerState(id, state, at = Date.now()) {
      return fromScript(await setAnswerState.run(redis, [keys.question(id)], [state, String(at)]));
    },
    async setAnswer(id, answer) {
      const fields = ['answer', JSON.stringify(plainAnswer(answer)), 'answerState', 'answered'];
      return fromScript(await updatePublished.run(redis, [keys.question(id)], fields));
    },
    async setTopic(id, topicId) {
      return fromScript(await setTopic.run(redis, [keys.question(id)], [topicId ?? '']));
    },
    listForRecord,
    async forgetAuthorNames(townHallId, authorIds, replacement) {
      const authors = new Set(authorIds);
      const named = (await listForRecord(townHallId)).filter((q) => authors.has(q.authorId) && q.authorName !== replacement);
      // A name is only ever replaced, never restored, so writing field by field cannot undo another node's purge.
      await Promise.all(named.map((q) => redis.hSet(keys.question(q.id), 'authorName', replacement)));
      return named.length;
    },
  };
}
