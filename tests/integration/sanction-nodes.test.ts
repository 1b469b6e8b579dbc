// A ban given on one node holds on another at once, not when that node's sanction cache lapses.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshRedisUrl } from '../support/redis.js';
import { command, startTestServer, unwrap, type Session, type TestServer } from '../support/server.js';

describe('sanctions across two nodes', () => {
  let first: TestServer;
  let second: TestServer;
  let moderatorSession: Session;

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    first = await startTestServer({ store: 'redis', redisUrl });
    second = await startTestServer({ store: 'redis', redisUrl });
    moderatorSession = await first.staff('moderator', 'Mod Kim');
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('refuses a person banned on one node through the other well within the cache time', async () => {
    const { id: townHallId } = await first.townHall();
    const residentSession = await second.guest('Ana');
    const [resident, author, moderator] = await Promise.all([
      second.connect(residentSession),
      second.guest('Ben').then((s) => second.connect(s)),
      first.connect(moderatorSession),
    ]);
    for (const socket of [resident, author, moderator]) unwrap(await command(socket, 'townhall:join', { townHallId }));
    const question = unwrap(await command(author, 'qa:ask', { townHallId, text: 'Will the park stay open late?', anonymous: false }));
    // The second node now holds "no sanction" for the resident in its cache.
    unwrap(await command(resident, 'qa:vote', { questionId: question.id, voted: true }));

    unwrap(await command(moderator, 'mod:sanction', { target: { userId: residentSession.me.id }, kind: 'ban', townHallId, reason: 'harassment' }));
    // The cache keeps an answer 2 s; the news crosses in milliseconds.
    await vi.waitFor(
      async () =>
        expect(await command(resident, 'qa:vote', { questionId: question.id, voted: false })).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        }),
      { timeout: 1000, interval: 20 },
    );
  });
});
