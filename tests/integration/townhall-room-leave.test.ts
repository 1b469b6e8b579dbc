import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { mediaClient } from '../support/media.js';

// What leaving runs is each feature's leave hook; the media's is the one with resources to close.
describe('leaving the town hall room', () => {
  let server: TestServer;
  let hostSession: Session;

  const joined = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    await mediaClient(socket, townHallId).join();
    return socket;
  };

  /** A live town hall whose resident is on stage with a microphone, watched by a viewer. */
  const scene = async () => {
    const townHallId = (await server.townHall({ hosts: [{ id: hostSession.me.id, displayName: hostSession.me.displayName }] })).id;
    const residentSession = await server.guest('Rosa');
    const [host, resident, viewer] = await Promise.all([
      joined(hostSession, townHallId),
      joined(residentSession, townHallId),
      server.guest('Viewer').then((s) => joined(s, townHallId)),
    ]);
    unwrap(await command(resident, 'stage:raise-hand', { townHallId }));
    unwrap(await command(host, 'stage:invite', { townHallId, userId: residentSession.me.id }));
    const client = mediaClient(resident, townHallId);
    const microphone = await client.produce(await client.transport('send'), 'microphone');
    return { townHallId, resident, viewer, microphone, media: server.media!.existingMedia(townHallId)! };
  };

  beforeAll(async () => {
    server = await startTestServer({ media: true });
    hostSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  it("closes the leaving connection's media and takes its person off the stage", async () => {
    const s = await scene();
    const before = s.media.stats();
    const closed = nextEvent(s.viewer, 'media:producer-closed', (p) => p.producerId === s.microphone);
    const offStage = nextEvent(s.viewer, 'stage:changed', (p) => p.stage.speakers.length === 0);

    unwrap(await command(s.resident, 'townhall:leave', { townHallId: s.townHallId }));

    await Promise.all([closed, offStage]);
    expect(s.media.stats()).toMatchObject({ transports: before.transports - 1, producers: before.producers - 1 });
    expect(await command(s.resident, 'media:create-transport', { townHallId: s.townHallId, direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('runs the same leave hooks when a connection drops', async () => {
    const s = await scene();
    const before = s.media.stats();
    const closed = nextEvent(s.viewer, 'media:producer-closed', (p) => p.producerId === s.microphone);
    const offStage = nextEvent(s.viewer, 'stage:changed', (p) => p.stage.speakers.length === 0);

    s.resident.disconnect();

    await Promise.all([closed, offStage]);
    expect(s.media.stats()).toMatchObject({ transports: before.transports - 1, producers: before.producers - 1 });
  });
});
