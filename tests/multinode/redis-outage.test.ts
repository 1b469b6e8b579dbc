// Redis stopped for a while under a running node: commands are answered UNAVAILABLE at once (not
// left hanging, not silently dropped), and the service resumes by itself when Redis returns.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type Started } from '../support/global-redis.js';
import { connectTo, guestAt, startNode, type NodeProcess } from '../support/nodes.js';
import { command, unwrap, type ClientSocket } from '../support/server.js';
import { openSharedStores } from '../support/cluster.js';

describe('a Redis outage', () => {
  let dir: string;
  let port: number;
  let redis: Started | undefined;
  let node: NodeProcess;
  let socket: ClientSocket;
  let townHallId: string;

  const startRedis = async () => {
    redis = await startRedisServer(process.env.REDIS_SERVER_BIN || 'redis-server', port, dir, true);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-outage-'));
    port = await freePort();
    await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const stores = await openSharedStores(url);
    townHallId = (await stores.townHalls.create({ title: 'Outage', description: '', startsAt: 1, status: 'live', moderation: 'post' })).id;
    await stores.close();
    node = await startNode({ redisUrl: url });
    socket = await connectTo(node.url, await guestAt(node.url, 'Ana'));
    unwrap(await command(socket, 'townhall:join', { townHallId }));
  }, 60_000);
  afterAll(async () => {
    socket?.disconnect();
    await node?.stop();
    redis?.child.kill('SIGKILL');
    await redis?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE while Redis is down and works again when it is back, with what was written before', async () => {
    const before = unwrap(await command(socket, 'qa:ask', { townHallId, text: 'Asked before the outage' }));

    redis!.child.kill('SIGKILL');
    await redis!.exited;
    const started = Date.now();
    const during = await command(socket, 'qa:vote', { questionId: before.id, voted: true });
    expect(during).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // Answered at once, not after a timeout.
    expect(Date.now() - started).toBeLessThan(2000);
    // The HTTP side says so too.
    expect((await fetch(`${node.url}/api/townhalls`)).status).toBe(503);

    await startRedis();
    let after = await command(socket, 'qa:vote', { questionId: before.id, voted: true });
    // node-redis reconnects with a capped back-off (at most 2 s): ask again until it has.
    for (let i = 0; !after.ok && after.error.code === 'UNAVAILABLE' && i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await command(socket, 'qa:vote', { questionId: before.id, voted: true });
    }
    expect(unwrap(after)).toMatchObject({ questionId: before.id, votes: 1 });
    // The question written before the outage survived it (append-only file, fsync always).
    const snapshot = unwrap(await command(socket, 'townhall:join', { townHallId })).qa;
    expect(snapshot.questions.map((q) => q.id)).toContain(before.id);
  });
});
