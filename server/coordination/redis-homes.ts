import type { MediaHomes } from '../core/coordination.js';
import { lua, rkey, type RedisClient } from '../storage/redis.js';

const keyOf = (townHallId: string) => rkey('media', 'home', townHallId);

// Each script reads the holder and writes in one step, so two nodes never both hold a lease.
const claim = lua(`
  local holder = redis.call('GET', KEYS[1])
  if holder and holder ~= ARGV[1] then return holder end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
`);

const renew = lua(`
  local lost = {}
  for i, key in ipairs(KEYS) do
    if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]) else table.insert(lost, i) end
  end
  return lost
`);

const release = lua(`
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('DEL', KEYS[1])
  return 1
`);

/** Media homes as Redis keys that lapse (`rt:media:home:<townHallId>` holds the node id). */
export class RedisMediaHomes implements MediaHomes {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async claim(townHallId: string, nodeId: string, ttlMs: number): Promise<string> {
    return String(await claim.run(this.#redis, [keyOf(townHallId)], [nodeId, String(ttlMs)]));
  }

  async renew(nodeId: string, townHallIds: string[], ttlMs: number): Promise<string[]> {
    if (townHallIds.length === 0) return [];
    const lost = (await renew.run(this.#redis, townHallIds.map(keyOf), [nodeId, String(ttlMs)])) as number[];
    return lost.map((i) => townHallIds[i - 1]!);
  }

  async holder(townHallId: string): Promise<string | null> {
    return this.#redis.get(keyOf(townHallId));
  }

  async release(townHallId: string, nodeId: string): Promise<boolean> {
    return (await release.run(this.#redis, [keyOf(townHallId)], [nodeId])) === 1;
  }
}
