// Every store contract, run against the embedded SQLite implementation and the Redis one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCoordination } from '../../server/coordination/memory.js';
import { createRedisCoordination } from '../../server/coordination/redis.js';
import type { Coordination } from '../../server/core/coordination.js';
import { createRedisBackchannelStore } from '../../server/backchannel/store-redis.js';
import { createSqliteBackchannelStore } from '../../server/backchannel/store-sqlite.js';
import { createRedisCaptionStore } from '../../server/captions/store-redis.js';
import { createSqliteCaptionStore } from '../../server/captions/store-sqlite.js';
import { createRedisChatStore } from '../../server/chat/store-redis.js';
import { createSqliteChatStore } from '../../server/chat/store-sqlite.js';
import { createRedisForumStore } from '../../server/forum/store-redis.js';
import { createSqliteForumStore } from '../../server/forum/store-sqlite.js';
import { createRedisIdentityStore } from '../../server/identity/store-redis.js';
import { createSqliteIdentityStore } from '../../server/identity/store-sqlite.js';
import { createRedisSessionStore } from '../../server/identity/session-store-redis.js';
import { createSqliteSessionStore } from '../../server/identity/session-store-sqlite.js';
import { auditKeys, createRedisAuditLogStore } from '../../server/moderation/audit-redis.js';
import { createSqliteAuditLogStore } from '../../server/moderation/audit-sqlite.js';
import { createRedisAppealStore } from '../../server/moderation/appeal-store-redis.js';
import { createSqliteAppealStore } from '../../server/moderation/appeal-store-sqlite.js';
import { createRedisFilterStore } from '../../server/moderation/filter-store-redis.js';
import { createSqliteFilterStore } from '../../server/moderation/filter-store-sqlite.js';
import { createRedisQueueStore } from '../../server/moderation/queue-store-redis.js';
import { createSqliteQueueStore } from '../../server/moderation/queue-store-sqlite.js';
import { createRedisSanctionStore } from '../../server/moderation/sanction-store-redis.js';
import { createSqliteSanctionStore } from '../../server/moderation/sanction-store-sqlite.js';
import { createRedisNotificationStore } from '../../server/notifications/store-redis.js';
import { createSqliteNotificationStore } from '../../server/notifications/store-sqlite.js';
import { createRedisPollStore } from '../../server/polls/store-redis.js';
import { createSqlitePollStore } from '../../server/polls/store-sqlite.js';
import { createRedisQuestionStore } from '../../server/qa/store-redis.js';
import { createSqliteQuestionStore } from '../../server/qa/store-sqlite.js';
import { createRedisSettingsStore } from '../../server/settings/store-redis.js';
import { createSqliteSettingsStore } from '../../server/settings/store-sqlite.js';
import { createRedisNamedListStore } from '../../server/settings/named-list-store-redis.js';
import { createSqliteNamedListStore } from '../../server/settings/named-list-store-sqlite.js';
import { connectRedis, type RedisClient } from '../../server/storage/redis.js';
import { openSqlite, type Database } from '../../server/storage/sqlite.js';
import { createRedisTownHallStore } from '../../server/townhall/store-redis.js';
import { createSqliteTownHallStore } from '../../server/townhall/store-sqlite.js';
import { freshRedisUrl } from '../support/redis.js';
import { describeAuditLogStore, type AuditUnderTest } from './audit.contract.js';
import { describeBackchannelStore } from './backchannel.contract.js';
import { describeCaptionStore } from './captions.contract.js';
import { describeChatStore } from './chat.contract.js';
import { describeCoordination } from './coordination.contract.js';
import type { MakeStore } from './harness.js';
import { describeForumStore } from './forum.contract.js';
import { describeIdentityStore } from './identity.contract.js';
import { describeAppealStore } from './moderation-appeals.contract.js';
import { describeFilterStore } from './moderation-filter.contract.js';
import { describeQueueStore } from './moderation-queue.contract.js';
import { describeSanctionStore } from './moderation-sanctions.contract.js';
import { describeNotificationStore } from './notifications.contract.js';
import { describePollStore } from './polls.contract.js';
import { describeQuestionStore } from './qa.contract.js';
import { describeQuestionMerges } from './qa-merge.contract.js';
import { describeSessionStore } from './sessions.contract.js';
import { describeSettingsStore } from './settings.contract.js';
import { describeNamedListStore } from './named-list.contract.js';
import { describeFollowUpStore } from './followups.contract.js';
import { createRedisFollowUpStore } from '../../server/followups/store-redis.js';
import { createSqliteFollowUpStore } from '../../server/followups/store-sqlite.js';
import { describeQuestionTopics } from './qa-topics.contract.js';
import { describeTownHallStore } from './townhall.contract.js';
import { createRedisCommitmentStore } from '../../server/commitments/store-redis.js';
import { createSqliteCommitmentStore } from '../../server/commitments/store-sqlite.js';
import { describeCommitmentStore } from './commitments.contract.js';

function sqlite<S>(create: (db: Database) => S): MakeStore<S> {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roundtable-stores-'));
    // A directory that does not exist yet, so openSqlite has to create it.
    const file = join(dir, 'data', 'roundtable.db');
    const open: Database[] = [];
    const connect = (): S => {
      const db = openSqlite(file);
      open.push(db);
      return create(db);
    };
    const closeAll = () => open.splice(0).forEach((db) => db.close());
    return {
      store: connect(),
      another: async () => connect(),
      reopen: async () => {
        closeAll();
        return connect();
      },
      cleanup: async () => {
        closeAll();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}

function redis<S>(create: (redis: RedisClient) => S): MakeStore<S> {
  return async () => {
    const url = await freshRedisUrl();
    const open: RedisClient[] = [];
    const connect = async (): Promise<S> => {
      const client = await connectRedis(url);
      open.push(client);
      return create(client);
    };
    const closeAll = () => Promise.all(open.splice(0).map((c) => c.close()));
    return {
      store: await connect(),
      another: connect,
      reopen: async () => {
        await closeAll();
        return connect();
      },
      cleanup: async () => {
        await closeAll();
      },
    };
  };
}

// Coordination is ephemeral: one node has one memory, so "another node" there is the same one.
const memoryCoordination: MakeStore<Coordination> = async () => {
  let coordination = createMemoryCoordination();
  return {
    store: coordination,
    another: async () => coordination,
    reopen: async () => (coordination = createMemoryCoordination()),
    cleanup: () => coordination.close(),
  };
};
// Each node's coordination may hold a subscriber connection of its own, closed before its client.
const redisCoordination: MakeStore<Coordination> = async () => {
  const made: Coordination[] = [];
  const harness = await redis((client) => {
    const coordination = createRedisCoordination(client);
    made.push(coordination);
    return coordination;
  })();
  return {
    ...harness,
    cleanup: async () => {
      await Promise.all(made.map((c) => c.close()));
      await harness.cleanup();
    },
  };
};

describeCoordination('memory', memoryCoordination);
describeCoordination('redis', redisCoordination);
describeIdentityStore('sqlite', sqlite(createSqliteIdentityStore));
describeIdentityStore('redis', redis(createRedisIdentityStore));
describeSessionStore('sqlite', sqlite(createSqliteSessionStore));
describeSessionStore('redis', redis(createRedisSessionStore));
describeTownHallStore('sqlite', sqlite(createSqliteTownHallStore));
describeTownHallStore('redis', redis(createRedisTownHallStore));
describeQuestionStore('sqlite', sqlite(createSqliteQuestionStore));
describeQuestionStore('redis', redis(createRedisQuestionStore));
describeQuestionTopics('sqlite', sqlite(createSqliteQuestionStore));
describeQuestionTopics('redis', redis(createRedisQuestionStore));
describeQuestionMerges('sqlite', sqlite(createSqliteQuestionStore));
describeQuestionMerges('redis', redis(createRedisQuestionStore));
describeForumStore('sqlite', sqlite(createSqliteForumStore));
describeForumStore('redis', redis(createRedisForumStore));
describeFilterStore('sqlite', sqlite(createSqliteFilterStore));
describeFilterStore('redis', redis(createRedisFilterStore));
describeQueueStore('sqlite', sqlite(createSqliteQueueStore));
describeQueueStore('redis', redis(createRedisQueueStore));
describeSanctionStore('sqlite', sqlite(createSqliteSanctionStore));
describeSanctionStore('redis', redis(createRedisSanctionStore));
describeAppealStore('sqlite', sqlite(createSqliteAppealStore));
describeAppealStore('redis', redis(createRedisAppealStore));
describePollStore('sqlite', sqlite(createSqlitePollStore));
describePollStore('redis', redis(createRedisPollStore));
describeSettingsStore('sqlite', sqlite(createSqliteSettingsStore));
describeSettingsStore('redis', redis(createRedisSettingsStore));
describeFollowUpStore('sqlite', sqlite(createSqliteFollowUpStore));
describeFollowUpStore('redis', redis(createRedisFollowUpStore));
for (const list of ['topics', 'units'] as const) {
  describeNamedListStore('sqlite', list, sqlite((db) => ({ topics: createSqliteNamedListStore(db, 'topics'), units: createSqliteNamedListStore(db, 'units') })));
  describeNamedListStore('redis', list, redis((r) => ({ topics: createRedisNamedListStore(r, 'topics'), units: createRedisNamedListStore(r, 'units') })));
}
describeChatStore('sqlite', sqlite(createSqliteChatStore));
describeChatStore('redis', redis(createRedisChatStore));
describeCaptionStore('sqlite', sqlite(createSqliteCaptionStore));
describeCaptionStore('redis', redis(createRedisCaptionStore));
describeBackchannelStore('sqlite', sqlite(createSqliteBackchannelStore));
describeBackchannelStore('redis', redis(createRedisBackchannelStore));
describeNotificationStore('sqlite', sqlite(createSqliteNotificationStore));
describeNotificationStore('redis', redis(createRedisNotificationStore));

// The audit suite also needs to tamper with the stored entries, the way only direct access to
// each backend can.
const sqliteAudit = (db: Database): AuditUnderTest => ({
  log: createSqliteAuditLogStore(db),
  backdoor: {
    setNote: async (seq, note) => void db.prepare('UPDATE audit_log SET note = ? WHERE seq = ?').run(note, seq),
    remove: async (seq) => void db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq),
  },
});
const redisAudit = (client: RedisClient): AuditUnderTest => ({
  log: createRedisAuditLogStore(client),
  backdoor: {
    setNote: async (seq, note) => void (await client.hSet(auditKeys.entry(seq), 'note', note)),
    remove: async (seq) => void (await client.del(auditKeys.entry(seq))),
  },
});
describeAuditLogStore('sqlite', sqlite(sqliteAudit));
describeAuditLogStore('redis', redis(redisAudit));
describeCommitmentStore('sqlite', sqlite(createSqliteCommitmentStore));
describeCommitmentStore('redis', redis(createRedisCommitmentStore));
