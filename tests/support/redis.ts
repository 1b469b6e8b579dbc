// Each caller gets a Redis database no other suite in this run has used, so test files running
// in parallel forks never see each other's keys and nothing needs flushing. Database 0 only
// holds the counter that hands the numbers out.
import { inject } from 'vitest';
import { createClient } from 'redis';
import { REDIS_DATABASES } from './global-redis.js';

const COUNTER = 'rt-test:next-db';

export async function freshRedisUrl(): Promise<string> {
  const base = inject('redisUrl');
  const client = createClient({ url: base });
  await client.connect();
  try {
    const db = await client.incr(COUNTER);
    if (db >= REDIS_DATABASES) {
      throw new Error(`All ${REDIS_DATABASES - 1} test Redis databases are taken; raise REDIS_DATABASES in tests/support/global-redis.ts`);
    }
    return `${base}/${db}`;
  } finally {
    await client.close();
  }
}
