import type { RedisClient } from '../storage/redis.js';
import { createRedisAppealStore } from './appeal-store-redis.js';
import { createRedisFilterStore } from './filter-store-redis.js';
import { createRedisQueueStore } from './queue-store-redis.js';
import { createRedisSanctionStore } from './sanction-store-redis.js';
import type { ModerationStores } from './store.js';

/** The moderation parts on one Redis, under the keys they have always had ('rt:moderation:…'). */
export function createRedisModerationStores(redis: RedisClient): ModerationStores {
  return {
    filter: createRedisFilterStore(redis),
    queue: createRedisQueueStore(redis),
    sanctions: createRedisSanctionStore(redis),
    appeals: createRedisAppealStore(redis),
  };
}
