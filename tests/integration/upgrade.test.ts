// Upgrading in place: data folders (a SQLite file, a Redis dump) made by the code of an earlier
// day (tests/fixtures/upgrade/<date>, made by make-fixture.ts there) are started on by this code.
// Three nodes start on each at once, as a service manager or a rolling deploy starts them.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import type { TownHall } from '../../shared/townhall.js';
import { rkey } from '../../server/storage/redis.js';
import { REDIS_SCHEMAS, SQLITE_SCHEMAS } from '../../server/stores.js';
import type { Schema } from '../../server/storage/migrations.js';
import { freePort, startRedisServer, type Started } from '../support/global-redis.js';
import { connectTo, guestAt, loginAt, startNode, type NodeProcess, type NodeOptions } from '../support/nodes.js';
import { command, unwrap } from '../support/server.js';
import type { Written } from '../fixtures/upgrade/make-fixture.js';

const FIXTURE = path.resolve('tests/fixtures/upgrade/2026-12-03');
const fixture = JSON.parse(readFileSync(path.join(FIXTURE, 'fixture.json'), 'utf8')) as { sqlite: Written; redis: Written };
const officerPassword = (kind: 'sqlite' | 'redis'): string => {
  const logins = JSON.parse(readFileSync(path.join(FIXTURE, kind, 'demo-logins.json'), 'utf8')) as { username: string; password: string }[];
  return logins.find((l) => l.username === 'officer')!.password;
};

/** Every step of every feature, as "feature@version". */
const allSteps = (schemas: readonly Schema<unknown>[]): string[] =>
  schemas.flatMap((s) => s.steps.map((_, i) => `${s.feature}@${i + 1}`)).sort();
const latest = (schemas: readonly Schema<unknown>[]): Record<string, number> =>
  Object.fromEntries(schemas.map((s) => [s.feature, s.steps.length]));

/** The schema steps a node logged running (it logs each at info). */
function stepsRun(node: NodeProcess): string[] {
  return node
    .output()
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      const entry = JSON.parse(line) as { msg?: string; feature?: string; version?: number };
      return entry.msg === 'applied schema step' ? [`${entry.feature}@${entry.version}`] : [];
    });
}

const INFO = { ROUNDTABLE_LOG_LEVEL: 'info' };

async function startTogether(options: NodeOptions): Promise<NodeProcess[]> {
  const started = await Promise.allSettled([0, 1, 2].map(() => startNode({ ...options, env: { ...INFO, ...options.env } })));
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (up.length < 3) {
    await Promise.all(up.map((n) => n.stop()));
    throw new Error(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'up')).join('\n'));
  }
  return up;
}

/** What the old code wrote is there, reads as it did, and the town hall takes new writes. */
async function expectUsable(url: string, written: Written, password: string): Promise<void> {
  const { townHalls } = (await (await fetch(`${url}/api/townhalls`)).json()) as { townHalls: TownHall[] };
  expect(townHalls.find((t) => t.id === written.townHall.id)).toMatchObject({ title: written.townHall.title, status: 'live' });

  const officer = await connectTo(url, await loginAt(url, 'officer', password));
  const resident = await connectTo(url, await guestAt(url, 'Rosa After'));
  try {
    const townHallId = written.townHall.id;
    const seen = unwrap(await command(resident, 'townhall:join', { townHallId }));
    expect(seen.qa.questions.find((q) => q.id === written.question.id)).toMatchObject({
      text: written.question.text,
      votes: 1,
      answerState: 'answered',
      answer: { text: written.question.answer },
    });
    // The demo's own questions came through too.
    expect(seen.qa.questions.length).toBeGreaterThan(1);
    expect(seen.chat.messages.map((m) => ({ text: m.text, authorRole: m.authorRole }))).toEqual(
      expect.arrayContaining(written.chat),
    );

    unwrap(await command(officer, 'townhall:join', { townHallId }));
    const asked = unwrap(await command(resident, 'qa:ask', { townHallId, text: 'And after the upgrade?', anonymous: false }));
    expect(unwrap(await command(resident, 'qa:vote', { questionId: asked.id, voted: true })).votes).toBe(1);
    expect(unwrap(await command(officer, 'qa:answer', { questionId: asked.id, text: 'Still here.' })).answerState).toBe('answered');
  } finally {
    officer.disconnect();
    resident.disconnect();
  }
}

describe('upgrading a SQLite data folder made by the code of 2026-12-03', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-upgrade-'));
  cpSync(path.join(FIXTURE, 'sqlite'), dataDir, { recursive: true });
  const file = path.join(dataDir, 'roundtable.db');
  let nodes: NodeProcess[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const versions = () => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare<[], { feature: string; version: number; applied_at: number }>('SELECT * FROM schema_migrations ORDER BY feature, version').all();
    } finally {
      db.close();
    }
  };

  it('three nodes starting on it at once run each step once, and every schema ends at its latest version', async () => {
    nodes = await startTogether({ dataDir });
    expect(nodes.flatMap(stepsRun).sort()).toEqual(allSteps(SQLITE_SCHEMAS));
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [];

    const rows = versions();
    expect(rows.map((r) => `${r.feature}@${r.version}`).sort()).toEqual(allSteps(SQLITE_SCHEMAS));
    const top: Record<string, number> = {};
    for (const r of rows) top[r.feature] = Math.max(top[r.feature] ?? 0, r.version);
    expect(top).toEqual(latest(SQLITE_SCHEMAS));
  }, 60_000);

  it('keeps its town hall, questions, chat and staff sign-in, usable as before', async () => {
    nodes = [await startNode({ dataDir, env: INFO })];
    await expectUsable(nodes[0]!.url, fixture.sqlite, officerPassword('sqlite'));
  }, 30_000);

  it('runs nothing on a second start', async () => {
    const before = versions();
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [await startNode({ dataDir, env: INFO })];
    expect(stepsRun(nodes[0]!)).toEqual([]);
    await nodes[0]!.stop();
    nodes = [];
    expect(versions()).toEqual(before);
  }, 30_000);

  it('refuses to start on data a newer version wrote, and leaves it as it was', async () => {
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (feature, version, applied_at) VALUES (?, ?, ?)').run('qa', 99, Date.now());
    db.close();
    const before = versions();
    const refused = await startNode({ dataDir }).then(
      (node) => node.stop().then(() => 'started'),
      (err: Error) => err.message,
    );
    expect(refused).toContain('its "qa" schema is at version 99, and this version knows up to');
    expect(refused).toContain('exited (1)');
    expect(versions()).toEqual(before);
  }, 30_000);
});

describe('upgrading a Redis dump made by the code of 2026-12-03', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-upgrade-redis-'));
  cpSync(path.join(FIXTURE, 'redis', 'dump.rdb'), path.join(dir, 'dump.rdb'));
  let redis: Started | undefined;
  let redisUrl = '';
  let nodes: NodeProcess[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    redis?.child.kill('SIGTERM');
    await redis?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const schemaHash = async () => {
    const client = createClient({ url: redisUrl });
    await client.connect();
    try {
      return await client.hGetAll(rkey('schema'));
    } finally {
      await client.close();
    }
  };

  it('three nodes starting on it at once run each step once, and every feature ends at its latest version', async () => {
    // The server loads the dump from its folder (dump.rdb is Redis's default file name).
    const port = await freePort();
    redis = await startRedisServer(process.env.REDIS_SERVER_BIN || 'redis-server', port, dir);
    redisUrl = `redis://127.0.0.1:${port}`;
    expect(await schemaHash()).toEqual({});

    nodes = await startTogether({ redisUrl });
    expect(nodes.flatMap(stepsRun).sort()).toEqual(allSteps(REDIS_SCHEMAS));
    expect(Object.fromEntries(Object.entries(await schemaHash()).map(([k, v]) => [k, Number(v)]))).toEqual(latest(REDIS_SCHEMAS));
  }, 60_000);

  it('keeps its town hall, questions, chat and staff sign-in, usable as before, through each node', async () => {
    for (const node of nodes) await expectUsable(node.url, fixture.redis, officerPassword('redis'));
  }, 30_000);

  it('runs nothing on a second start, and refuses data a newer version wrote', async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    nodes = [await startNode({ redisUrl, env: INFO })];
    expect(stepsRun(nodes[0]!)).toEqual([]);
    await nodes[0]!.stop();
    nodes = [];

    const client = createClient({ url: redisUrl });
    await client.connect();
    await client.hSet(rkey('schema'), 'qa', '99');
    await client.close();
    const refused = await startNode({ redisUrl }).then(
      (node) => node.stop().then(() => 'started'),
      (err: Error) => err.message,
    );
    expect(refused).toContain('its "qa" schema is at version 99');
  }, 30_000);
});
