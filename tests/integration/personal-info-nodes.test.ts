// The department's allow-list changed through one node applies on another at once, not when
// that node's cached copy lapses.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALLOW_LIST_TTL_MS } from '../../server/moderation/personal-info.js';
import { DEFAULT_SETTINGS } from '../../shared/record.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, startTestServer, unwrap, type TestServer } from '../support/server.js';

describe('the personal-information allow-list across two nodes', () => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    first = await startTestServer({ store: 'redis', redisUrl });
    second = await startTestServer({ store: 'redis', redisUrl });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('publishes the allowed number on the other node well within the cache time', async () => {
    const { id: townHallId } = await first.townHall();
    const text = 'Is 555-201-9000 still the non-emergency line?';
    // Each message from a fresh guest on the second node, so no rate limit is in the way.
    const sendOnSecond = async () => {
      const socket = await second.connect(await second.guest('Resident'));
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      const sent = unwrap(await command(socket, 'chat:send', { townHallId, text }));
      socket.disconnect();
      return sent.status;
    };
    // The second node now holds the empty list in its cache.
    expect(await sendOnSecond()).toBe('held');

    const admin = await first.staff('admin');
    const res = await fetch(`${first.url}/api/admin/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: admin.cookie },
      body: JSON.stringify({ ...DEFAULT_SETTINGS, allowedPersonalInfo: ['555-201-9000'] }),
    });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => expect(await sendOnSecond()).toBe('published'), { timeout: ALLOW_LIST_TTL_MS / 5, interval: 50 });
  });
});
