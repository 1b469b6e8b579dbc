// The composition root of storage: which store implementations and which coordination a
// deployment runs on. storage/ keeps only the backend plumbing; this file, beside app.ts, is
// the one place that knows every feature's stores.
import path from 'node:path';
import type { BackchannelStore } from './backchannel/store.js';
import { createRedisBackchannelStore } from './backchannel/store-redis.js';
import { backchannelSchema, createSqliteBackchannelStore } from './backchannel/store-sqlite.js';
import type { CaptionStore } from './captions/store.js';
import { createRedisCaptionStore } from './captions/store-redis.js';
import { captionSchema, createSqliteCaptionStore } from './captions/store-sqlite.js';
import type { CommitmentStore } from './commitments/store.js';
import { createRedisCommitmentStore } from './commitments/store-redis.js';
import { commitmentSchema, createSqliteCommitmentStore } from './commitments/store-sqlite.js';
import type { ChatStore } from './chat/store.js';
import { chatRedisSchema, createRedisChatStore } from './chat/store-redis.js';
import { chatSchema, createSqliteChatStore } from './chat/store-sqlite.js';
import type { ForumStore } from './forum/store.js';
import { createRedisForumStore } from './forum/store-redis.js';
import { createSqliteForumStore, forumSchema } from './forum/store-sqlite.js';
import type { IdentityStore } from './identity/store.js';
import { createRedisIdentityStore } from './identity/store-redis.js';
import { createSqliteIdentityStore, identitySchema } from './identity/store-sqlite.js';
import type { SessionStore } from './identity/session-store.js';
import { createRedisSessionStore } from './identity/session-store-redis.js';
import { createSqliteSessionStore, sessionSchema } from './identity/session-store-sqlite.js';
import type { AuditLogStore } from './moderation/audit.js';
import { createRedisAuditLogStore } from './moderation/audit-redis.js';
import { auditSchema, createSqliteAuditLogStore } from './moderation/audit-sqlite.js';
import type { ModerationStores } from './moderation/store.js';
import { createRedisModerationStores } from './moderation/store-redis.js';
import { createSqliteModerationStores, moderationSchemas } from './moderation/store-sqlite.js';
import type { NotificationStore } from './notifications/store.js';
import { createRedisNotificationStore } from './notifications/store-redis.js';
import { createSqliteNotificationStore, notificationSchema } from './notifications/store-sqlite.js';
import type { PollStore } from './polls/store.js';
import { createRedisPollStore } from './polls/store-redis.js';
import { createSqlitePollStore, pollSchema } from './polls/store-sqlite.js';
import type { QuestionStore } from './qa/store.js';
import { createRedisQuestionStore } from './qa/store-redis.js';
import { createSqliteQuestionStore, questionSchema } from './qa/store-sqlite.js';
import type { SettingsStore } from './settings/store.js';
import { createRedisSettingsStore } from './settings/store-redis.js';
import { createSqliteSettingsStore, settingsSchema } from './settings/store-sqlite.js';
import type { NamedListStore } from './settings/named-list-store.js';
import { createRedisNamedListStore } from './settings/named-list-store-redis.js';
import { createSqliteNamedListStore, namedListSchema } from './settings/named-list-store-sqlite.js';
import type { FollowUpStore } from './followups/store.js';
import { createRedisFollowUpStore } from './followups/store-redis.js';
import { createSqliteFollowUpStore, followUpSchema } from './followups/store-sqlite.js';
import type { TownHallStore } from './townhall/store.js';
import { createRedisTownHallStore } from './townhall/store-redis.js';
import { createSqliteTownHallStore, townHallSchema } from './townhall/store-sqlite.js';
import { connectRedis, type RedisClient } from './storage/redis.js';
import { openSqlite } from './storage/sqlite.js';
import { startCheckpointer } from './storage/checkpointer.js';
import {
  migrateRedis,
  migrateSqlite,
  REDIS_KEYS_AT_VERSIONING,
  type AppliedStep,
  type RedisSchema,
  type SqliteSchema,
} from './storage/migrations.js';
import type { Config } from './config.js';
import type { Coordination } from './core/coordination.js';
import { createMemoryCoordination } from './coordination/memory.js';
import { createRedisCoordination } from './coordination/redis.js';

/**
 * Every feature's tables, in the order they are brought up to date at start. Each store also
 * migrates its own tables when made (so a store made alone works); here the whole file is done
 * first, so start-up can say what ran.
 */
export const SQLITE_SCHEMAS: readonly SqliteSchema[] = [
  identitySchema,
  sessionSchema,
  townHallSchema,
  questionSchema,
  ...moderationSchemas,
  auditSchema,
  forumSchema,
  pollSchema,
  settingsSchema,
  namedListSchema('topics'),
  namedListSchema('units'),
  followUpSchema,
  chatSchema,
  captionSchema,
  backchannelSchema,
  commitmentSchema,
  notificationSchema,
];

/** Redis keys are made as they are written, so version 1 is the keys as they were; later steps change them. */
export const REDIS_SCHEMAS: readonly RedisSchema[] = [
  ...[
    'identity',
    'sessions',
    'townhall',
    'qa',
    'moderation.filter',
    'moderation.queue',
    'moderation.sanctions',
    'moderation.appeals',
    'moderation.audit',
    'forum',
    'polls',
    'settings',
    'topics',
    'units',
    'followups',
    'captions',
    'backchannel',
    'commitments',
    'notifications',
  ].map((feature) => ({ feature, steps: [REDIS_KEYS_AT_VERSIONING] })),
  chatRedisSchema,
];

export interface Stores {
  /** The schema steps this opening ran (none when the data was already current); the entry point logs them. */
  migrated: AppliedStep[];
  identity: IdentityStore;
  sessions: SessionStore;
  townHalls: TownHallStore;
  questions: QuestionStore;
  moderation: ModerationStores;
  audit: AuditLogStore;
  forum: ForumStore;
  polls: PollStore;
  settings: SettingsStore;
  /** The department's question topics. */
  topics: NamedListStore;
  /** The department's units (Patrol, Traffic…), kept by the same code as the topics. */
  units: NamedListStore;
  /** The follow-up queue: what happens to the questions a town hall did not reach. */
  followUps: FollowUpStore;
  chat: ChatStore;
  captions: CaptionStore;
  backchannel: BackchannelStore;
  /** What the department said it would do, and its dated updates. */
  commitments: CommitmentStore;
  /** Follows, followers' notices, and the addresses given for mail (kept apart). */
  notifications: NotificationStore;
  /** Ephemeral state shared by the nodes: dirty keys, rate limits, invalidations, the stage. */
  coordination: Coordination;
  /** The shared connection when running on Redis (the tests and the bench read it; features use `coordination`). */
  redis: RedisClient | null;
  /**
   * A second connection for the Socket.IO adapter. Unlike the stores' connection it queues
   * commands through a Redis outage: the adapter's read loop retries at once on failure, so
   * failing fast there would spin; broadcasts made meanwhile go out when Redis returns.
   */
  adapterRedis: RedisClient | null;
  close(): Promise<void>;
}

export type StoresOptions =
  | { kind: 'sqlite'; file: string; onCheckpointError?: (err: Error) => void }
  | { kind: 'redis'; url: string; onRedisError?: (err: Error) => void };

/**
 * Opens the stores, bringing their schema to this version's first (server/storage/migrations.ts).
 * Data written by a newer version is refused with SchemaTooNewError and left as it is.
 */
export async function openStores(opts: StoresOptions): Promise<Stores> {
  if (opts.kind === 'sqlite') {
    const db = openSqlite(opts.file);
    let migrated: AppliedStep[];
    try {
      migrated = migrateSqlite(db, SQLITE_SCHEMAS);
    } catch (err) {
      db.close();
      throw err;
    }
    const checkpointer =
      opts.file === ':memory:' ? null : startCheckpointer(db, opts.file, opts.onCheckpointError ? { onError: opts.onCheckpointError } : {});
    const coordination = createMemoryCoordination();
    return {
      migrated,
      identity: createSqliteIdentityStore(db),
      sessions: createSqliteSessionStore(db),
      townHalls: createSqliteTownHallStore(db),
      questions: createSqliteQuestionStore(db),
      moderation: createSqliteModerationStores(db),
      audit: createSqliteAuditLogStore(db),
      forum: createSqliteForumStore(db),
      polls: createSqlitePollStore(db),
      settings: createSqliteSettingsStore(db),
      topics: createSqliteNamedListStore(db, 'topics'),
      units: createSqliteNamedListStore(db, 'units'),
      followUps: createSqliteFollowUpStore(db),
      chat: createSqliteChatStore(db),
      captions: createSqliteCaptionStore(db),
      backchannel: createSqliteBackchannelStore(db),
      commitments: createSqliteCommitmentStore(db),
      notifications: createSqliteNotificationStore(db),
      coordination,
      redis: null,
      adapterRedis: null,
      close: async () => {
        await coordination.close();
        await checkpointer?.stop();
        db.close();
      },
    };
  }
  const redis = await connectRedis(opts.url, opts.onRedisError ? { onError: opts.onRedisError } : {});
  let migrated: AppliedStep[];
  try {
    migrated = await migrateRedis(redis, REDIS_SCHEMAS);
  } catch (err) {
    await redis.close();
    throw err;
  }
  const adapterRedis = redis.duplicate({ disableOfflineQueue: false });
  adapterRedis.on('error', (err: Error) => opts.onRedisError?.(err));
  await adapterRedis.connect();
  const coordination = createRedisCoordination(redis, opts.onRedisError);
  return {
    migrated,
    identity: createRedisIdentityStore(redis),
    sessions: createRedisSessionStore(redis),
    townHalls: createRedisTownHallStore(redis),
    questions: createRedisQuestionStore(redis),
    moderation: createRedisModerationStores(redis),
    audit: createRedisAuditLogStore(redis),
    forum: createRedisForumStore(redis),
    polls: createRedisPollStore(redis),
    settings: createRedisSettingsStore(redis),
    topics: createRedisNamedListStore(redis, 'topics'),
    units: createRedisNamedListStore(redis, 'units'),
    followUps: createRedisFollowUpStore(redis),
    chat: createRedisChatStore(redis),
    captions: createRedisCaptionStore(redis),
    backchannel: createRedisBackchannelStore(redis),
    commitments: createRedisCommitmentStore(redis),
    notifications: createRedisNotificationStore(redis),
    coordination,
    redis,
    adapterRedis,
    // close() waits for commands already sent, so a write in flight at shutdown still lands.
    close: async () => {
      // The adapter's last messages go out; but with Redis gone its queue would never drain, so
      // after a second they are dropped rather than hold the shutdown.
      const closed = adapterRedis.close().catch(() => {});
      const timer = setTimeout(() => adapterRedis.destroy(), 1000);
      await coordination.close();
      await Promise.all([closed, redis.close()]);
      clearTimeout(timer);
    },
  };
}

/**
 * The stores the configuration names: Redis when REDIS_URL is set, else the SQLite file in the data
 * folder. `onError` hears what the stores survive: Redis's connection errors, or the SQLite
 * checkpoint worker's failure.
 */
export function openConfiguredStores(config: Pick<Config, 'redisUrl' | 'dataDir'>, onError?: (err: Error) => void): Promise<Stores> {
  return openStores(
    config.redisUrl
      ? { kind: 'redis', url: config.redisUrl, ...(onError ? { onRedisError: onError } : {}) }
      : { kind: 'sqlite', file: path.join(config.dataDir, 'roundtable.db'), ...(onError ? { onCheckpointError: onError } : {}) },
  );
}
