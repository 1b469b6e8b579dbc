// Nodes started together, as a service manager or a rolling deploy starts them: each runs the
// start-up (the first admin from ROUNDTABLE_ADMIN_*, the demo data with ROUNDTABLE_DEMO=1), and
// all must come up with one admin made and one set of demo data.
import { afterAll, describe, expect, it } from 'vitest';
import { createIdentityService } from '../../server/identity/service.js';
import type { Stores } from '../../server/stores.js';
import type { Me } from '../../shared/session.js';
import { openSharedStores } from '../support/cluster.js';
import { loginAt, startNode, type NodeProcess } from '../support/nodes.js';
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

  it('seeds the demo once per store: every node comes up, one holds the sign-ins, and they work through each', async () => {
    const redisUrl = await freshRedisUrl();
    // Each node has a data folder of its own, as nodes on separate machines do.
    const started = await Promise.allSettled([0, 1, 2].map(() => startNode({ redisUrl, env: { ROUNDTABLE_DEMO: '1' } })));
    const demoNodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    nodes.push(...demoNodes);
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'up'))).toEqual(['up', 'up', 'up']);

    const shared = await openSharedStores(redisUrl);
    try {
      expect((await shared.identity.listStaff()).map((u) => u.username).sort()).toEqual(['admin', 'captioner', 'moderator', 'officer']);
      expect((await shared.townHalls.list()).map((t) => t.title).sort()).toEqual([
        'Downtown Safety Listening Session',
        'Eastside Community Town Hall',
        'Riverside District Community Town Hall',
      ]);
    } finally {
      await shared.close();
    }

    const seeders = demoNodes.filter((n) => n.output().includes('Demo staff sign-in'));
    expect(seeders).toHaveLength(1);
    for (const n of demoNodes.filter((n) => !seeders.includes(n))) expect(n.output()).toContain('Demo data was already in the store');
    const password = /officer\s+officer\s+(\S+)/.exec(seeders[0]!.output())?.[1];
    expect(password).toBeDefined();
    for (const node of demoNodes) expect((await loginAt(node.url, 'officer', password!)).me.role).toBe('officer');
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
