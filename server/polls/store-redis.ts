import type { PollKind, PollStatus, PollVisibility } from '../../shared/polls.js';
import { newId } from '../core/ids.js';
import type { ContentStatus } from '../moderation/pipeline-types.js';
import { flatHash, lua, present, rkey, type RedisClient } from '../storage/redis.js';
import type { AnswerRecord, BallotRecord, CastOutcome, NewPoll, PollRecord, PollStore } from './store.js';
import { ballotRecord, newPollRecord } from './store-records.js';
import { plainDecision } from '../moderation/stored.js';

const keys = {
  poll: (id: string) => rkey('poll', id),
  /** Poll ids of a town hall, scored by createdAt. */
  polls: (townHallId: string) => rkey('townhall', townHallId, 'polls'),
  /** userId → ballot id: the one-ballot-per-person rule. */
  voters: (pollId: string) => rkey('poll', pollId, 'voters'),
  /** ballot id → the ballot as JSON, without its status or who cast it. */
  ballots: (pollId: string) => rkey('poll', pollId, 'ballots'),
  /** ballot id → status, apart so a moderator's compare-and-set needs no JSON in Lua. */
  statuses: (pollId: string) => rkey('poll', pollId, 'statuses'),
  /** ballot id → a moderator's decision as JSON. */
  decisions: (pollId: string) => rkey('poll', pollId, 'decisions'),
  /** Which poll and person a ballot id belongs to; written once, never changed. */
  ballot: (id: string) => rkey('ballot', id),
};

// The status and the closing time are read in the same script that writes, so a ballot can
// never land after the poll closed; the person's existing ballot id is kept when they change it.
const cast = lua(`
  local poll = redis.call('HMGET', KEYS[1], 'status', 'closesAt')
  if poll[1] ~= 'open' then return { 0, 'not-open' } end
  if poll[2] and tonumber(poll[2]) <= tonumber(ARGV[5]) then return { 0, 'not-open' } end
  local id = redis.call('HGET', KEYS[2], ARGV[1])
  if id and ARGV[6] ~= '1' then return { 0, 'already-voted' } end
  local replaced = 1
  if not id then
    id = ARGV[2]
    replaced = 0
    redis.call('HSET', KEYS[2], ARGV[1], id)
    redis.call('HSET', KEYS[6], 'pollId', ARGV[7], 'userId', ARGV[1])
  end
  redis.call('HSET', KEYS[3], id, ARGV[3])
  redis.call('HSET', KEYS[4], id, ARGV[4])
  redis.call('HDEL', KEYS[5], id)
  return { 1, id, replaced }
`);

// Compare-and-set: draft → open or open → closed, stamping the time of the move.
const transition = lua(`
  if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return false end
  redis.call('HSET', KEYS[1], 'status', ARGV[2], ARGV[3], ARGV[4])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'closesAt', ARGV[5]) end
  return redis.call('HGETALL', KEYS[1])
`);

const setStatus = lua(`
  local status = redis.call('HGET', KEYS[1], ARGV[1])
  if not status then return 0 end
  local allowed = false
  for i = 4, #ARGV do
    if ARGV[i] == status then allowed = true end
  end
  if not allowed then return 0 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
  return 1
`);

// Null fields are left out of the hash; JSON only where the value is structured.
function toFields(p: PollRecord): Record<string, string> {
  const fields: Record<string, string> = {
    id: p.id,
    townHallId: p.townHallId,
    kind: p.kind,
    question: p.question,
    options: JSON.stringify(p.options),
    visibility: p.visibility,
    allowChange: p.allowChange ? '1' : '0',
    status: p.status,
    createdBy: p.createdBy,
    createdAt: String(p.createdAt),
  };
  if (p.maxChoices !== null) fields.maxChoices = String(p.maxChoices);
  if (p.scale !== null) fields.scale = JSON.stringify(p.scale);
  return fields;
}

const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));

const fromHash = (h: Record<string, string>): PollRecord => ({
  id: h.id!,
  townHallId: h.townHallId!,
  kind: h.kind as PollKind,
  question: h.question!,
  options: JSON.parse(h.options ?? '[]'),
  maxChoices: num(h.maxChoices),
  scale: h.scale === undefined ? null : JSON.parse(h.scale),
  visibility: h.visibility as PollVisibility,
  allowChange: h.allowChange === '1',
  status: h.status as PollStatus,
  createdBy: h.createdBy!,
  createdAt: Number(h.createdAt),
  openedAt: num(h.openedAt),
  closesAt: num(h.closesAt),
  closedAt: num(h.closedAt),
});

/** The stored JSON of a ballot: everything but its id, status and decision. */
type StoredBallot = Pick<BallotRecord, 'ballot' | 'castAt' | 'holdReason' | 'filterHits'>;
const storedJson = (b: BallotRecord): string =>
  JSON.stringify({ ballot: b.ballot, castAt: b.castAt, holdReason: b.holdReason, filterHits: b.filterHits } satisfies StoredBallot);

const ballotOfParts = (id: string, pollId: string, json: string, status: string | null, decision: string | null): BallotRecord => {
  const stored = JSON.parse(json) as StoredBallot;
  return {
    id,
    pollId,
    ballot: stored.ballot,
    castAt: stored.castAt,
    status: (status ?? 'published') as ContentStatus,
    holdReason: stored.holdReason,
    filterHits: stored.filterHits,
    decision: decision === null ? null : JSON.parse(decision),
  };
};

export function createRedisPollStore(redis: RedisClient): PollStore {
  const getPoll = async (id: string): Promise<PollRecord | null> => {
    const h = present(await redis.hGetAll(keys.poll(id)));
    return h ? fromHash(h) : null;
  };

  const readBallot = async (pollId: string, id: string): Promise<BallotRecord | null> => {
    const [json, status, decision] = await redis
      .multi()
      .hGet(keys.ballots(pollId), id)
      .hGet(keys.statuses(pollId), id)
      .hGet(keys.decisions(pollId), id)
      .execTyped();
    return typeof json === 'string' ? ballotOfParts(id, pollId, json, status ?? null, decision ?? null) : null;
  };

  const getAnswer = async (id: string): Promise<AnswerRecord | null> => {
    const owner = present(await redis.hGetAll(keys.ballot(id)));
    if (!owner?.pollId || !owner.userId) return null;
    const [townHallId, ballot] = await Promise.all([redis.hGet(keys.poll(owner.pollId), 'townHallId'), readBallot(owner.pollId, id)]);
    return townHallId && ballot ? { ...ballot, townHallId, userId: owner.userId } : null;
  };

  return {
    async createPoll(input: NewPoll) {
      const record = newPollRecord(input);
      await redis
        .multi()
        .hSet(keys.poll(record.id), toFields(record))
        .zAdd(keys.polls(record.townHallId), { score: record.createdAt, value: record.id })
        .exec();
      return record;
    },
    getPoll,
    async listPolls(townHallId) {
      // Equal scores come back in member order, i.e. by id, matching the SQLite tie-break.
      const ids = await redis.zRange(keys.polls(townHallId), 0, -1);
      const polls = await Promise.all(ids.map(getPoll));
      return polls.filter((p): p is PollRecord => p !== null);
    },
    async transition(id, to, at, closesAt = null) {
      const args = to === 'open' ? ['draft', 'open', 'openedAt'] : ['open', 'closed', 'closedAt'];
      const reply = await transition.run(redis, [keys.poll(id)], [...args, String(at), to === 'open' && closesAt !== null ? String(closesAt) : '']);
      const h = flatHash(reply);
      return h ? fromHash(h) : null;
    },
    async castBallot(pollId, userId, input, allowChange): Promise<CastOutcome> {
      const fresh = ballotRecord(newId(), pollId, input);
      const reply = (await cast.run(
        redis,
        [keys.poll(pollId), keys.voters(pollId), keys.ballots(pollId), keys.statuses(pollId), keys.decisions(pollId), keys.ballot(fresh.id)],
        [userId, fresh.id, storedJson(fresh), fresh.status, String(fresh.castAt), allowChange ? '1' : '0', pollId],
      )) as [number, string, number?];
      if (reply[0] !== 1) return { accepted: false, replaced: false, reason: reply[1] === 'already-voted' ? 'already-voted' : 'not-open' };
      return { accepted: true, replaced: reply[2] === 1, ballot: { ...fresh, id: reply[1] } };
    },
    async ballotOf(pollId, userId) {
      const id = await redis.hGet(keys.voters(pollId), userId);
      return id === null ? null : readBallot(pollId, id);
    },
    async ballots(pollId) {
      const [ballots, statuses, decisions] = await redis
        .multi()
        .hGetAll(keys.ballots(pollId))
        .hGetAll(keys.statuses(pollId))
        .hGetAll(keys.decisions(pollId))
        .execTyped();
      return Object.entries(ballots).map(([id, json]) => ballotOfParts(id, pollId, json, statuses[id] ?? null, decisions[id] ?? null));
    },
    getAnswer,
    async setAnswerStatus(ballotId, from, to, decision) {
      const pollId = await redis.hGet(keys.ballot(ballotId), 'pollId');
      if (pollId === null) return null;
      const changed = await setStatus.run(
        redis,
        [keys.statuses(pollId), keys.decisions(pollId)],
        [ballotId, to, JSON.stringify(plainDecision(decision)), ...from],
      );
      return changed === 1 ? getAnswer(ballotId) : null;
    },
  };
}
