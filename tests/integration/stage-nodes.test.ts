// The stage is shared state: with two nodes on one Redis, a hand raised through one is in the
// queue that staff see through the other, and either may bring it on stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshRedisUrl } from '../support/redis.js';
import { mediaClient } from '../support/media.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe('the stage across two nodes', () => {
  let first: TestServer;
  let second: TestServer;
  let moderatorSession: Session;

  const joinedAt = async (node: TestServer, session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await node.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };

  beforeAll(async () => {
    const redisUrl = await freshRedisUrl();
    first = await startTestServer({ store: 'redis', redisUrl, media: true });
    second = await startTestServer({ store: 'redis', redisUrl, media: true });
    moderatorSession = await first.staff('moderator', 'Mod Kim');
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('shows a hand raised through one node to staff on the other, who bring it on stage', async () => {
    const { id: townHallId } = await first.townHall();
    const residentSession = await first.guest('Rosa');
    const resident = await joinedAt(first, residentSession, townHallId);
    await mediaClient(resident, townHallId).join();
    unwrap(await command(resident, 'stage:raise-hand', { townHallId }));

    const moderator = await joinedAt(second, moderatorSession, townHallId);
    const queued = nextEvent(moderator, 'stage:hands-changed');
    const joined = await mediaClient(moderator, townHallId).join();
    expect(joined.stage).toEqual({ speakers: [], handCount: 1, interpreter: null });
    expect((await queued).hands).toEqual([{ userId: residentSession.me.id, displayName: 'Rosa', raisedAt: expect.any(Number) }]);

    const invited = nextEvent(resident, 'stage:you-changed', (p) => p.onStage);
    const speaking = nextEvent(resident, 'stage:changed', (p) => p.stage.speakers.length === 1);
    unwrap(await command(moderator, 'stage:invite', { townHallId, userId: residentSession.me.id }));
    expect(await invited).toEqual({ townHallId, onStage: true, handRaised: false });
    expect((await speaking).stage).toEqual({ speakers: [{ userId: residentSession.me.id, displayName: 'Rosa' }], handCount: 0, interpreter: null });
  });

  it('counts a hand once when the same person raises it through both nodes', async () => {
    const { id: townHallId } = await first.townHall();
    const residentSession = await first.guest('Sam');
    const [here, there] = await Promise.all([joinedAt(first, residentSession, townHallId), joinedAt(second, residentSession, townHallId)]);
    await Promise.all([mediaClient(here, townHallId).join(), mediaClient(there, townHallId).join()]);
    await Promise.all([command(here, 'stage:raise-hand', { townHallId }), command(there, 'stage:raise-hand', { townHallId })]);
    const again = await mediaClient(there, townHallId).join();
    expect(again.stage.handCount).toBe(1);
    expect(again.handRaised).toBe(true);
  });
});
