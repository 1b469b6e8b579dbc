import type { RaisedHand, Speaker, StageView } from '../../shared/media.js';
import type { Interpreter, StageRoster } from '../core/coordination.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';

// A stage outlives no town hall: keys left by one that never ended properly go after a day.
const STAGE_TTL_MS = 24 * 3600_000;

const keysOf = (townHallId: string) => ({
  hands: rkey('stage', townHallId, 'hands'),
  speakers: rkey('stage', townHallId, 'speakers'),
  seq: rkey('stage', townHallId, 'seq'),
  interpreter: rkey('stage', townHallId, 'interpreter'),
});

// The interpreter is one string, "<1 if staff, else 0> <userId> <displayName>" (ids hold no spaces).
const encodeInterpreter = (i: Interpreter) => `${i.staff ? 1 : 0} ${i.userId} ${i.displayName}`;
const decodeInterpreter = (value: string | null): Interpreter | null => {
  if (!value) return null;
  const [staff, userId] = value.split(' ', 2) as [string, string];
  return { staff: staff === '1', userId, displayName: value.slice(staff.length + userId.length + 2) };
};

// Values carry a sequence number first, since a hash keeps no order: a hand is
// "<seq> <raisedAt> <displayName>", a speaker "<seq> <displayName>".
const raise = lua(`
  if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
  local seq = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[1], ARGV[1], seq .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
  return 1
`);

// Moving a hand on stage is one step, so no node ever sees the person in both or in neither.
const invite = lua(`
  local hand = redis.call('HGET', KEYS[1], ARGV[1])
  if not hand then return 0 end
  local name = string.match(hand, '^%d+ %d+ (.*)$')
  redis.call('HDEL', KEYS[1], ARGV[1])
  local seq = redis.call('INCR', KEYS[3])
  redis.call('HSET', KEYS[2], ARGV[1], seq .. ' ' .. name)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
  return 1
`);

// Compared and deleted in one step, so an interpreter a host marked meanwhile stays marked.
const unmarkInterpreter = lua(`
  local value = redis.call('GET', KEYS[1])
  if not value or string.match(value, '^%d (%S+) ') ~= ARGV[1] then return 0 end
  redis.call('DEL', KEYS[1])
  return 1
`);

const bySeq = <T>(hash: Record<string, string>, parse: (userId: string, rest: string) => T): T[] =>
  Object.entries(hash)
    .map(([userId, value]) => {
      const space = value.indexOf(' ');
      return { seq: Number(value.slice(0, space)), item: parse(userId, value.slice(space + 1)) };
    })
    .sort((a, b) => a.seq - b.seq)
    .map(({ item }) => item);

const parseHand = (userId: string, rest: string): RaisedHand => {
  const space = rest.indexOf(' ');
  return { userId, displayName: rest.slice(space + 1), raisedAt: Number(rest.slice(0, space)) };
};
const parseSpeaker = (userId: string, displayName: string): Speaker => ({ userId, displayName });

/** The stage in Redis, so every node sees the same hands and speakers. */
export class RedisStage implements StageRoster {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async view(townHallId: string): Promise<StageView> {
    const keys = keysOf(townHallId);
    // One transaction, so the count and the speakers describe the same moment.
    const [speakers, handCount, marked] = await this.#redis.multi().hGetAll(keys.speakers).hLen(keys.hands).get(keys.interpreter).exec();
    const interpreter = decodeInterpreter(marked as unknown as string | null);
    return {
      speakers: bySeq(speakers as unknown as Record<string, string>, parseSpeaker),
      handCount: Number(handCount),
      interpreter: interpreter ? { userId: interpreter.userId, displayName: interpreter.displayName } : null,
    };
  }

  async hands(townHallId: string): Promise<RaisedHand[]> {
    return bySeq(await this.#redis.hGetAll(keysOf(townHallId).hands), parseHand);
  }

  async handRaised(townHallId: string, userId: string): Promise<boolean> {
    return (await this.#redis.hExists(keysOf(townHallId).hands, userId)) === 1;
  }

  async isSpeaker(townHallId: string, userId: string): Promise<boolean> {
    return (await this.#redis.hExists(keysOf(townHallId).speakers, userId)) === 1;
  }

  async raise(townHallId: string, person: { userId: string; displayName: string }, now = Date.now()): Promise<boolean> {
    const keys = keysOf(townHallId);
    const args = [person.userId, String(now), person.displayName, String(STAGE_TTL_MS)];
    return (await raise.run(this.#redis, [keys.hands, keys.speakers, keys.seq], args)) === 1;
  }

  async lower(townHallId: string, userId: string): Promise<boolean> {
    return (await this.#redis.hDel(keysOf(townHallId).hands, userId)) === 1;
  }

  async invite(townHallId: string, userId: string): Promise<boolean> {
    const keys = keysOf(townHallId);
    return (await invite.run(this.#redis, [keys.hands, keys.speakers, keys.seq], [userId, String(STAGE_TTL_MS)])) === 1;
  }

  async sendBack(townHallId: string, userId: string): Promise<boolean> {
    return (await this.#redis.hDel(keysOf(townHallId).speakers, userId)) === 1;
  }

  async remove(townHallId: string, userId: string): Promise<{ hand: boolean; speaker: boolean }> {
    const keys = keysOf(townHallId);
    const [hand, speaker] = await this.#redis.multi().hDel(keys.hands, userId).hDel(keys.speakers, userId).exec();
    return { hand: Number(hand) === 1, speaker: Number(speaker) === 1 };
  }

  async interpreter(townHallId: string): Promise<Interpreter | null> {
    return decodeInterpreter(await this.#redis.get(keysOf(townHallId).interpreter));
  }

  async setInterpreter(townHallId: string, interpreter: Interpreter | null): Promise<Interpreter | null> {
    const key = keysOf(townHallId).interpreter;
    // One step (SET … GET, GETDEL), so of two racing hosts each learns whom it replaced.
    const previous =
      interpreter === null
        ? await this.#redis.getDel(key)
        : await this.#redis.set(key, encodeInterpreter(interpreter), { PX: STAGE_TTL_MS, GET: true });
    return decodeInterpreter(previous);
  }

  async unmarkInterpreter(townHallId: string, userId: string): Promise<boolean> {
    return (await unmarkInterpreter.run(this.#redis, [keysOf(townHallId).interpreter], [userId])) === 1;
  }

  async clear(townHallId: string): Promise<void> {
    const keys = keysOf(townHallId);
    await this.#redis.del([keys.hands, keys.speakers, keys.seq, keys.interpreter]);
  }
}
