import type { types as ms } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { mediaClient, useCachedWorker } from '../support/media.js';

useCachedWorker();
const mediasoup = await import('mediasoup');

describe('the active speaker', () => {
  let server: TestServer;
  let officerSession: Session;
  const observers: ms.AudioLevelObserver[] = [];

  beforeAll(async () => {
    // Every router's audio level observer, to stand in for the worker's measurements: audio
    // levels need RTP, which a test cannot send over DTLS-SRTP without a browser.
    mediasoup.observer.on('newworker', (worker) =>
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newrtpobserver', (observer) => void observers.push(observer as ms.AudioLevelObserver)),
      ),
    );
    server = await startTestServer({ media: true });
    officerSession = await server.staff('officer', 'Officer Diaz');
  });
  afterAll(() => server.close());

  it("names the person whose microphone is loudest to everyone in the town hall, and no one after silence", async () => {
    const townHallId = (await server.townHall({ status: 'live', hosts: [{ id: officerSession.me.id, displayName: 'Officer Diaz' }] })).id;
    const join = async (session: Session): Promise<ClientSocket> => {
      const socket = await server.connect(session);
      unwrap(await command(socket, 'townhall:join', { townHallId }));
      await mediaClient(socket, townHallId).join();
      return socket;
    };
    const host = await join(officerSession);
    const viewer = await join(await server.guest('Viewer'));
    const hostMedia = mediaClient(host, townHallId);
    const microphoneId = await hostMedia.produce(await hostMedia.transport('send'), 'microphone');
    const microphone = server.media!.existingMedia(townHallId)!.producer(microphoneId)!;
    const levels = observers.at(-1)!;

    const speaking = nextEvent(viewer, 'media:active-speaker-changed');
    levels.emit('volumes', [{ producer: microphone, volume: -22 }]);
    expect(await speaking).toEqual({ townHallId, userId: officerSession.me.id });

    const quiet = nextEvent(viewer, 'media:active-speaker-changed');
    levels.emit('silence');
    expect(await quiet).toEqual({ townHallId, userId: null });
  });
});
