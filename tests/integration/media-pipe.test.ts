import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import type { ConsumerOptions } from '../../shared/media.js';
import { mediaClient } from '../support/media.js';

describe('an audience larger than one router', () => {
  let server: TestServer;
  let officerSession: Session;

  beforeAll(async () => {
    server = await startTestServer({ media: { numWorkers: 2, consumersPerRouter: 2 } });
    officerSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  const joined = async (session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    await mediaClient(socket, townHallId).join();
    return socket;
  };

  it("puts the third viewer on a router on the other worker, fed through a pipe, new producers included", async () => {
    const townHallId = (await server.townHall({ status: 'live', hosts: [{ id: officerSession.me.id, displayName: 'Officer Diaz' }] })).id;
    const host = await joined(officerSession, townHallId);
    const hostMedia = mediaClient(host, townHallId);
    const send = await hostMedia.transport('send');
    const camera = await hostMedia.produce(send, 'camera');
    const media = server.media!.existingMedia(townHallId)!;
    const [main] = media.routers;

    const viewers = await Promise.all(['Ana', 'Ben', 'Cy'].map((name) => server.guest(name).then((s) => joined(s, townHallId))));
    const consumers: ConsumerOptions[] = [];
    const receiving: string[] = [];
    for (const viewer of viewers) {
      const client = mediaClient(viewer, townHallId);
      receiving.push(await client.transport('recv'));
      consumers.push(await client.consume(receiving.at(-1)!, camera));
    }

    const stats = media.stats();
    expect(stats.routers).toHaveLength(2);
    const [mainLoad, spillLoad] = stats.routers;
    expect(mainLoad).toMatchObject({ main: true, consumers: 2 });
    expect(spillLoad).toMatchObject({ main: false, consumers: 1 });
    expect(spillLoad!.workerPid).not.toBe(mainLoad!.workerPid);
    const spill = media.routers[1]!;
    const [mainDump, spillDump] = await Promise.all([main!.dump(), spill.dump()]);
    // The spill-over router holds the camera as a pipe producer with the same id, feeding the third consumer.
    expect((spillDump.mapConsumerIdProducerId as Record<string, string>)[consumers[2]!.id]).toBe(camera);
    expect(Object.keys(spillDump.mapProducerIdConsumerIds)).toEqual([camera]);
    // On the main router the camera feeds the two local consumers and the pipe.
    expect((mainDump.mapProducerIdConsumerIds as Record<string, string[]>)[camera]).toHaveLength(3);
    expect(server.media!.stats().perWorker.every((w) => w.routers >= 1)).toBe(true);

    // A producer made after the spill-over reaches the other router too.
    const microphone = await hostMedia.produce(send, 'microphone');
    expect(Object.keys((await spill.dump()).mapProducerIdConsumerIds).sort()).toEqual([camera, microphone].sort());
    const heard = await mediaClient(viewers[2]!, townHallId).consume(receiving[2]!, microphone);
    expect(heard.kind).toBe('audio');

    // Closing the producer closes the piped copy and the consumers behind it.
    const closed = nextEvent(viewers[2]!, 'media:consumer-closed', (p) => p.consumerId === consumers[2]!.id);
    unwrap(await command(host, 'media:close-producer', { townHallId, producerId: camera }));
    await closed;
    expect(Object.keys((await spill.dump()).mapProducerIdConsumerIds)).toEqual([microphone]);
    for (const socket of [host, ...viewers]) socket.disconnect();
  });
});
