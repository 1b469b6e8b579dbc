// Versioned schema migrations for the two stores. Each feature lists its steps in order; a step's
// version is its position (1, 2, …). Steps are only ever appended: a released step is never
// edited, reordered or removed, because data folders out there record that they ran it.
//
// Step 1 of every feature is the schema as it stood when versions began. Files and Redis data
// made before then record no version, so every step of theirs runs once: that is why step 1 and
// the column steps after it check before they change anything.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { lua, rkey, type RedisClient } from './redis.js';
import type { Database } from './sqlite.js';

export interface SqliteStep {
  /** Why the step exists: what it changes and for what. Logged when it runs. */
  why: string;
  /** Runs inside the step's own IMMEDIATE transaction; synchronous, as better-sqlite3 is. */
  run(db: Database): void;
}

export interface RedisStep {
  why: string;
  /** Runs while this node holds the migration lock. Must be safe to run again if interrupted. */
  run(redis: RedisClient): Promise<void>;
}

export interface Schema<S> {
  feature: string;
  steps: readonly S[];
}
export type SqliteSchema = Schema<SqliteStep>;
export type RedisSchema = Schema<RedisStep>;

export interface AppliedStep {
  feature: string;
  version: number;
  why: string;
}

/** The data was written by a newer Roundtable than this one; it is left untouched. */
export class SchemaTooNewError extends Error {
  constructor(where: string, feature: string, found: number, known: number) {
    super(
      `${where} was written by a newer version of Roundtable: its "${feature}" schema is at version ${found}, ` +
        `and this version knows up to ${known}. Start the newer version again, or restore the backup taken ` +
        `before the upgrade (docs/operations.md, "Upgrades"). Nothing was changed.`,
    );
    this.name = 'SchemaTooNewError';
  }
}

function refuseNewer(where: string, schema: Schema<unknown>, found: number): void {
  if (found > schema.steps.length) throw new SchemaTooNewError(where, schema.feature, found, schema.steps.length);
}

/** Adds a column unless the table has it already (files made before versions may); true when added. */
export function addColumn(db: Database, table: string, column: string, definition: string): boolean {
  const columns = db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table);
  if (columns.includes(column)) return false;
  db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  return true;
}

// One row per step that ran: its history, not only the current version.
const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    feature TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (feature, version)
  ) STRICT, WITHOUT ROWID`;

/**
 * Brings each feature's tables to its latest version. Each step runs in its own BEGIN IMMEDIATE
 * transaction that first reads the version again, so when several processes open the same file
 * at once, one runs the step and the others, waiting on the write lock (busy_timeout), find it
 * done. A step that throws rolls back whole, and start-up fails with its error.
 */
export function migrateSqlite(db: Database, schemas: readonly SqliteSchema[]): AppliedStep[] {
  db.exec(MIGRATIONS_TABLE);
  const versionOf = db
    .prepare<[string], number>('SELECT coalesce(max(version), 0) FROM schema_migrations WHERE feature = ?')
    .pluck();
  const record = db.prepare<[string, number, number], void>(
    'INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)',
  );
  const where = `The database ${db.name}`;
  // Every feature is checked before any step runs, so a refused file is left exactly as it was.
  for (const schema of schemas) refuseNewer(where, schema, versionOf.get(schema.feature)!);
  const applied: AppliedStep[] = [];
  for (const schema of schemas) {
    const current = versionOf.get(schema.feature)!;
    for (let version = current + 1; version <= schema.steps.length; version++) {
      const step = schema.steps[version - 1]!;
      const ran = db
        .transaction(() => {
          const now = versionOf.get(schema.feature)!;
          refuseNewer(where, schema, now);
          if (now >= version) return false;
          step.run(db);
          record.run(schema.feature, version, Date.now());
          return true;
        })
        .immediate();
      if (ran) applied.push({ feature: schema.feature, version, why: step.why });
    }
  }
  return applied;
}

const SCHEMA = rkey('schema');
const LOCK = rkey('schema', 'lock');

// The version is written only while the lock is still this node's, in one script with the
// check, so a node that lost its lock (paused past the expiry) cannot record a step as its own.
const recordIfHolding = lua(`
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  return 1
`);
const extendIfHolding = lua(`
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`);
// Compare-and-delete: a node whose lock expired never deletes the next holder's.
const releaseIfHolding = lua(`
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  return redis.call('DEL', KEYS[1])
`);

export interface RedisMigrationOptions {
  /** How long the lock lives without renewal: a node that dies holding it frees it after this. */
  lockMs?: number;
  /** How long a node waits for another's migration before it gives up starting. */
  waitMs?: number;
  /** How often a waiting node looks at the lock again. */
  pollMs?: number;
}

/**
 * Brings the Redis keys to each feature's latest version: the `rt:schema` hash holds feature →
 * version. Steps run only under the `rt:schema:lock` lock (SET NX PX with a token of this node,
 * renewed while steps run, released by compare-and-delete); the versions are read again once it
 * is held, so when several nodes start together each step runs once and the others wait for it.
 * A node whose data is already current takes no lock.
 */
export async function migrateRedis(
  redis: RedisClient,
  schemas: readonly RedisSchema[],
  options: RedisMigrationOptions = {},
): Promise<AppliedStep[]> {
  const lockMs = options.lockMs ?? 30_000;
  const waitMs = options.waitMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 50;
  const where = 'The data in Redis';
  const pending = (versions: Record<string, string>) =>
    schemas.filter((schema) => {
      const found = Number(versions[schema.feature] ?? 0);
      refuseNewer(where, schema, found);
      return found < schema.steps.length;
    });
  if (pending(await redis.hGetAll(SCHEMA)).length === 0) return [];

  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  while ((await redis.set(LOCK, token, { condition: 'NX', expiration: { type: 'PX', value: lockMs } })) !== 'OK') {
    if (Date.now() > deadline) {
      throw new Error(`Another node has held the schema migration lock (${LOCK}) for over ${waitMs / 1000} s; see its log.`);
    }
    await delay(pollMs);
  }
  const renew = setInterval(() => void extendIfHolding.run(redis, [LOCK], [token, String(lockMs)]).catch(() => {}), lockMs / 3);
  try {
    const versions = await redis.hGetAll(SCHEMA);
    const applied: AppliedStep[] = [];
    for (const schema of pending(versions)) {
      for (let version = Number(versions[schema.feature] ?? 0) + 1; version <= schema.steps.length; version++) {
        const step = schema.steps[version - 1]!;
        await step.run(redis);
        if ((await recordIfHolding.run(redis, [LOCK, SCHEMA], [token, schema.feature, String(version)])) !== 1) {
          throw new Error(`Lost the schema migration lock while running "${schema.feature}" step ${version}; start again.`);
        }
        applied.push({ feature: schema.feature, version, why: step.why });
      }
    }
    return applied;
  } finally {
    clearInterval(renew);
    await releaseIfHolding.run(redis, [LOCK], [token]).catch(() => {});
  }
}

/** Version 1 of a feature's Redis keys: the keys as Roundtable wrote them when versions began. */
export const REDIS_KEYS_AT_VERSIONING: RedisStep = {
  why: 'the keys as they were when schema versions began',
  run: async () => {},
};
