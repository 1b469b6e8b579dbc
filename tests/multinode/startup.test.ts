// Nodes started together, as a service manager or a rolling deploy starts them: each runs the
// start-up (the first admin from ROUNDTABLE_ADMIN_*), and all must come up with one admin made.
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentityService } from '../../server/identity/service.js';
import type { Stores } from '../../server/stores.js';
import type { Me } from '../../shared/session.js';
import { openSharedStores } from '../support/cluster.js';
import { startNode, type NodeProcess } from '../support/nodes.js';
import { freshRedisUrl } from '../support/redis.js';

describe('three nodes starting at the same moment on one Redis', () => {
  let nodes: NodeProcess[] = [];
  let stores: Stores | undefined;
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await stores?.close();
  });

  it('all come up, one first admin is made, and it signs in through each', async () => {
    const redisUrl = await freshRedisUrl();
    const admin = { ROUNDTABLE_ADMIN_USERNAME: 'chief', ROUNDTABLE_ADMIN_PASSWORD: 'a long admin password' };
    const started = await Promise.allSettled([0, 1, 2].map(() => startNode({ redisUrl, env: admin })));
    nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'up'))).toEqual(['up', 'up', 'up']);

    stores = await openSharedStores(redisUrl);
    expect(await stores.identity.countByRole('admin')).toBe(1);
    for (const node of nodes) {
      const res = await fetch(`${node.url}/api/session/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'chief', password: 'a long admin password' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { me: Me }).me.role).toBe('admin');
    }
  }, 60_000);

  it('makes the first admin once when the start-ups of three nodes race on one store', async () => {
    // The nodes' own start-ups seldom overlap to the millisecond; three identity services on
    // their own connections to one Redis, asked at once, always do.
    const redisUrl = await freshRedisUrl();
    const each = await Promise.all([0, 1, 2].map(() => openSharedStores(redisUrl)));
    try {
      const made = await Promise.allSettled(
        each.map((s) => createIdentityService(s.identity).ensureAdmin({ username: 'chief', password: 'a long admin password' })),
      );
      expect(made.map((m) => (m.status === 'fulfilled' ? m.value : String(m.reason))).sort()).toEqual([false, false, true]);
      expect(await each[0]!.identity.countByRole('admin')).toBe(1);
    } finally {
      await Promise.all(each.map((s) => s.close()));
    }
  });
});
