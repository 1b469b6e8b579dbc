// The migration runner itself, on a real SQLite file and a real Redis: order, once-only, a
// failed step undone whole, concurrent starts, and refusing data newer than the code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrateRedis,
  migrateSqlite,
  SchemaTooNewError,
  type RedisSchema,
  type SqliteSchema,
} from '../../server/storage/migrations.js';
import { connectRedis, rkey, type RedisClient } from '../../server/storage/redis.js';
import { openSqlite, type Database } from '../../server/storage/sqlite.js';
import { freshRedisUrl } from '../support/redis.js';

const tables = (db: Database): string[] =>
  db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'pets%' ORDER BY name").pluck().all();

const pets: SqliteSchema = {
  feature: 'pets',
  steps: [
    { why: 'pets', run: (db) => db.exec('CREATE TABLE IF NOT EXISTS pets (id TEXT PRIMARY KEY) STRICT') },
    { why: 'their names', run: (db) => db.exec('CREATE TABLE pets_names (id TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT') },
  ],
};

describe('SQLite migrations', () => {
  const dirs: string[] = [];
  const dbs: Database[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const open = (file?: string) => {
    if (!file) {
      const dir = mkdtempSync(path.join(tmpdir(), 'rt-migrations-'));
      dirs.push(dir);
      file = path.join(dir, 'rt.db');
    }
    const db = openSqlite(file);
    dbs.push(db);
    return db;
  };

  it('runs each step once, in order, and records when', () => {
    const db = open();
    expect(migrateSqlite(db, [pets])).toEqual([
      { feature: 'pets', version: 1, why: 'pets' },
      { feature: 'pets', version: 2, why: 'their names' },
    ]);
    expect(tables(db)).toEqual(['pets', 'pets_names']);
    // Step 2 is not idempotent: running it again would throw.
    expect(migrateSqlite(db, [pets])).toEqual([]);
    expect(migrateSqlite(open(db.name), [pets])).toEqual([]);
    const rows = db.prepare<[], { feature: string; version: number; applied_at: number }>('SELECT * FROM schema_migrations').all();
    expect(rows.map((r) => [r.feature, r.version])).toEqual([
      ['pets', 1],
      ['pets', 2],
    ]);
    expect(rows.every((r) => r.applied_at > Date.now() - 60_000 && r.applied_at <= Date.now())).toBe(true);
  });

  it('runs only the steps a file has not had', () => {
    const db = open();
    migrateSqlite(db, [{ feature: 'pets', steps: pets.steps.slice(0, 1) }]);
    expect(migrateSqlite(db, [pets]).map((s) => s.version)).toEqual([2]);
  });

  it('undoes a step that fails whole, and records nothing for it', () => {
    const db = open();
    const failing: SqliteSchema = {
      feature: 'pets',
      steps: [
        pets.steps[0]!,
        {
          why: 'half a change',
          run(db) {
            db.exec('CREATE TABLE pets_half (id TEXT) STRICT');
            throw new Error('the second half failed');
          },
        },
      ],
    };
    expect(() => migrateSqlite(db, [failing])).toThrow('the second half failed');
    expect(tables(db)).toEqual(['pets']);
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(1);
  });

  it('refuses a file a newer version wrote, and changes nothing', () => {
    const db = open();
    migrateSqlite(db, [pets]);
    const older: SqliteSchema = { feature: 'pets', steps: pets.steps.slice(0, 1) };
    expect(() => migrateSqlite(db, [older])).toThrow(SchemaTooNewError);
    expect(() => migrateSqlite(db, [older])).toThrow('its "pets" schema is at version 2, and this version knows up to 1');
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(2);
  });

  it('runs no step of any feature when one is newer than the code', () => {
    const db = open();
    migrateSqlite(db, [pets]);
    const vets: SqliteSchema = { feature: 'vets', steps: [{ why: 'vets', run: (db) => db.exec('CREATE TABLE pets_vets (id TEXT) STRICT') }] };
    expect(() => migrateSqlite(db, [vets, { feature: 'pets', steps: pets.steps.slice(0, 1) }])).toThrow(SchemaTooNewError);
    expect(tables(db)).toEqual(['pets', 'pets_names']);
    expect(db.prepare("SELECT count(*) FROM schema_migrations WHERE feature = 'vets'").pluck().get()).toBe(0);
  });
});

describe('Redis migrations', () => {
  const clients: RedisClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  const connect = async (url: string) => {
    const client = await connectRedis(url);
    clients.push(client);
    return client;
  };

  /** A schema whose steps count their runs in Redis, each taking a moment so that racers overlap. */
  const counted = (feature: string, steps: number): RedisSchema => ({
    feature,
    steps: Array.from({ length: steps }, (_, i) => ({
      why: `step ${i + 1}`,
      async run(redis) {
        await redis.hIncrBy('test:runs', `${feature}@${i + 1}`, 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    })),
  });

  it('runs each step once when three nodes start together, and frees the lock', async () => {
    const url = await freshRedisUrl();
    const schemas = [counted('pets', 3), counted('vets', 1)];
    const nodes = await Promise.all([0, 1, 2].map(() => connect(url)));
    const applied = await Promise.all(nodes.map((redis) => migrateRedis(redis, schemas, { pollMs: 5 })));
    expect(applied.flat().map((s) => `${s.feature}@${s.version}`).sort()).toEqual(['pets@1', 'pets@2', 'pets@3', 'vets@1']);
    expect(await nodes[0]!.hGetAll('test:runs')).toEqual({ 'pets@1': '1', 'pets@2': '1', 'pets@3': '1', 'vets@1': '1' });
    expect(await nodes[0]!.hGetAll(rkey('schema'))).toEqual({ pets: '3', vets: '1' });
    expect(await nodes[0]!.exists(rkey('schema', 'lock'))).toBe(0);
    // Current data: no step, and no lock taken.
    await nodes[0]!.set(rkey('schema', 'lock'), 'someone else');
    expect(await migrateRedis(nodes[1]!, schemas, { waitMs: 0 })).toEqual([]);
  });

  it('waits for a lock another node holds, and never deletes it', async () => {
    const redis = await connect(await freshRedisUrl());
    await redis.set(rkey('schema', 'lock'), 'another node', { expiration: { type: 'PX', value: 60_000 } });
    await expect(migrateRedis(redis, [counted('pets', 1)], { waitMs: 100, pollMs: 10 })).rejects.toThrow('Another node has held');
    expect(await redis.get(rkey('schema', 'lock'))).toBe('another node');
    expect(await redis.hGetAll('test:runs')).toEqual({});
  });

  it('refuses data a newer version wrote, and changes nothing', async () => {
    const redis = await connect(await freshRedisUrl());
    await redis.hSet(rkey('schema'), 'pets', '4');
    await expect(migrateRedis(redis, [counted('pets', 3), counted('vets', 1)])).rejects.toThrow(
      'The data in Redis was written by a newer version of Roundtable: its "pets" schema is at version 4',
    );
    expect(await redis.hGetAll(rkey('schema'))).toEqual({ pets: '4' });
    expect(await redis.hGetAll('test:runs')).toEqual({});
  });
});
