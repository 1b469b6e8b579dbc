import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientOfflineError } from 'redis';
import { describe, expect, it } from 'vitest';
import { openStores, type Stores } from '../../server/stores.js';
import { connectRedis } from '../../server/storage/redis.js';
import { openSqlite } from '../../server/storage/sqlite.js';
import { freshRedisUrl } from '../support/redis.js';

async function roundTrip(stores: Stores): Promise<void> {
  const hall = await stores.townHalls.create({
    title: 'Open forum',
    description: '',
    startsAt: 1,
    status: 'live',
    moderation: 'post',
  });
  const user = await stores.identity.createUser({
    kind: 'guest',
    role: 'resident',
    displayName: 'Ana',
    username: null,
    passwordHash: null,
  });
  const q = await stores.questions.addQuestion({
    townHallId: hall.id,
    authorId: user!.id,
    authorName: 'Ana',
    authorRole: null,
    anonymous: false,
    text: 'Hello?',
    status: 'published',
    holdReason: null,
    filterHits: [],
  });
  expect(await stores.questions.castVote(q.id, user!.id)).toEqual({ changed: true, votes: 1 });
  expect(await stores.townHalls.get(hall.id)).toEqual(hall);
  expect(await stores.moderation.queue.addFlag({ kind: 'question', id: q.id }, user!.id, 'spam')).toEqual({ added: true, count: 1 });
  const entry = await stores.audit.append({
    at: 1,
    actorId: user!.id,
    actorName: 'Ana',
    action: 'hide',
    target: `question:${q.id}`,
    reason: 'spam',
    note: null,
  });
  expect(await stores.audit.head()).toEqual(entry);
}

describe('openStores', () => {
  it('opens every store on one SQLite file and closes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roundtable-open-'));
    try {
      const stores = await openStores({ kind: 'sqlite', file: join(dir, 'nested', 'rt.db') });
      expect(stores.redis).toBeNull();
      await roundTrip(stores);
      await stores.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens every store on one Redis connection and quits it', async () => {
    const stores = await openStores({ kind: 'redis', url: await freshRedisUrl() });
    expect(stores.redis?.isReady).toBe(true);
    await roundTrip(stores);
    await stores.close();
    expect(stores.redis?.isOpen).toBe(false);
  });

  it('shares the coordination of a Redis deployment between two openings', async () => {
    const url = await freshRedisUrl();
    const [one, two] = await Promise.all([openStores({ kind: 'redis', url }), openStores({ kind: 'redis', url })]);
    try {
      await one.coordination.stage.raise('th1', { userId: 'u1', displayName: 'Ana' }, 1);
      expect(await two.coordination.stage.hands('th1')).toEqual([{ userId: 'u1', displayName: 'Ana', raisedAt: 1 }]);
      const heard = new Promise<string>((resolve) => void two.coordination.invalidations('sanctions').subscribe(resolve));
      await two.coordination.invalidations('sanctions').subscribe(() => {});
      await one.coordination.invalidations('sanctions').publish('u1');
      expect(await heard).toBe('u1');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

describe('openSqlite', () => {
  it('works in memory with foreign keys on', () => {
    const db = openSqlite(':memory:');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('uses write-ahead logging on a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'roundtable-open-'));
    const db = openSqlite(join(dir, 'rt.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('connectRedis', () => {
  it('survives losing its connection and reconnects', async () => {
    const url = await freshRedisUrl();
    const errors: Error[] = [];
    const client = await connectRedis(url, { onError: (err) => errors.push(err) });
    const admin = await connectRedis(url);
    const id = await client.clientId();
    // events.once would reject on the 'error' that the lost connection emits first.
    const reconnected = new Promise((resolve) => client.once('ready', resolve));
    await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
    await reconnected;
    expect(errors.length).toBeGreaterThan(0);
    expect(await client.ping()).toBe('PONG');
    await Promise.all([client.close(), admin.close()]);
  });

  it('refuses commands at once while disconnected instead of queueing them', async () => {
    const url = await freshRedisUrl();
    const client = await connectRedis(url);
    const admin = await connectRedis(url);
    const id = await client.clientId();
    const refused = new Promise<unknown>((resolve) => {
      client.once('error', () => client.ping().then(resolve, resolve));
    });
    const reconnected = new Promise((resolve) => client.once('ready', resolve));
    await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
    expect(await refused).toBeInstanceOf(ClientOfflineError);
    await reconnected;
    await Promise.all([client.close(), admin.close()]);
  });

  it('fails at start-up when nothing listens at the address', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    await expect(connectRedis(`redis://127.0.0.1:${port}`, { initialRetries: 2 })).rejects.toThrow();
  });
});
