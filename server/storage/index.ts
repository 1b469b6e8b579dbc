import type { ForumStore } from '../forum/store.js';
import { createRedisForumStore } from '../forum/store-redis.js';
import { createSqliteForumStore } from '../forum/store-sqlite.js';
import type { IdentityStore } from '../identity/store.js';
import { createRedisIdentityStore } from '../identity/store-redis.js';
import { createSqliteIdentityStore } from '../identity/store-sqlite.js';
import type { AuditLogStore } from '../moderation/audit.js';
import { createRedisAuditLogStore } from '../moderation/audit-redis.js';
import { createSqliteAuditLogStore } from '../moderation/audit-sqlite.js';
import type { ModerationStore } from '../moderation/store.js';
import { createRedisModerationStore } from '../moderation/store-redis.js';
import { createSqliteModerationStore } from '../moderation/store-sqlite.js';
import type { PollStore } from '../polls/store.js';
import { createRedisPollStore } from '../polls/store-redis.js';
import { createSqlitePollStore } from '../polls/store-sqlite.js';
import type { QuestionStore } from '../qa/store.js';
import { createRedisQuestionStore } from '../qa/store-redis.js';
import { createSqliteQuestionStore } from '../qa/store-sqlite.js';
import type { TownHallStore } from '../townhall/store.js';
import { createRedisTownHallStore } from '../townhall/store-redis.js';
import { createSqliteTownHallStore } from '../townhall/store-sqlite.js';
import { connectRedis, type RedisClient } from './redis.js';
import { openSqlite } from './sqlite.js';
import path from 'node:path';
import type { Config } from '../config.js';

export interface Stores {
  identity: IdentityStore;
  townHalls: TownHallStore;
  questions: QuestionStore;
  moderation: ModerationStore;
  audit: AuditLogStore;
  forum: ForumStore;
  polls: PollStore;
  /** The shared connection when running on Redis, for features (pub/sub, rate limits) that need it. */
  redis: RedisClient | null;
  close(): Promise<void>;
}

export type StoresOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'redis'; url: string; onRedisError?: (err: Error) => void };

export async function openStores(opts: StoresOptions): Promise<Stores> {
  if (opts.kind === 'sqlite') {
    const db = openSqlite(opts.file);
    return {
      identity: createSqliteIdentityStore(db),
      townHalls: createSqliteTownHallStore(db),
      questions: createSqliteQuestionStore(db),
      moderation: createSqliteModerationStore(db),
      audit: createSqliteAuditLogStore(db),
      forum: createSqliteForumStore(db),
      polls: createSqlitePollStore(db),
      redis: null,
      close: async () => {
        db.close();
      },
    };
  }
  const redis = await connectRedis(opts.url, opts.onRedisError ? { onError: opts.onRedisError } : {});
  return {
    identity: createRedisIdentityStore(redis),
    townHalls: createRedisTownHallStore(redis),
    questions: createRedisQuestionStore(redis),
    moderation: createRedisModerationStore(redis),
    audit: createRedisAuditLogStore(redis),
    forum: createRedisForumStore(redis),
    polls: createRedisPollStore(redis),
    redis,
    // close() waits for commands already sent, so a write in flight at shutdown still lands.
    close: () => redis.close(),
  };
}

/** The stores the configuration names: Redis when REDIS_URL is set, else the SQLite file in the data folder. */
export function openConfiguredStores(
  config: Pick<Config, 'redisUrl' | 'dataDir'>,
  onRedisError?: (err: Error) => void,
): Promise<Stores> {
  return openStores(
    config.redisUrl
      ? { kind: 'redis', url: config.redisUrl, ...(onRedisError ? { onRedisError } : {}) }
      : { kind: 'sqlite', file: path.join(config.dataDir, 'roundtable.db') },
  );
}
