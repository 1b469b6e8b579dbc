// A town hall's video across three nodes on one Redis, with a real mediasoup worker each: the
// first node to open the media is its home; the others get their own routers, fed from the home
// through PipeTransports, so viewers anywhere receive whoever publishes anywhere.
import type { types as ms } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaClient, useCachedWorker } from '../support/media.js';
import { freshRedisUrl } from '../support/redis.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

useCachedWorker();
const mediasoup = await import('mediasoup');

describe('town hall video across nodes', () => {
  let nodes: TestServer[];
  let officer: Session;
  const observers: ms.AudioLevelObserver[] = [];

  beforeAll(async () => {
    // Every router's audio level observer, to stand in for the worker's measurements (audio
    // levels need RTP, which a test cannot send over DTLS-SRTP without a browser).
    mediasoup.observer.on('newworker', (worker) =>
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newrtpobserver', (observer) => void observers.push(observer as ms.AudioLevelObserver)),
      ),
    );
    const redisUrl = await freshRedisUrl();
    nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer({ store: 'redis', redisUrl, media: true }));
    officer = await nodes[0]!.staff('officer', 'Officer Diaz');
  });
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.close()));
  });

  const joinedAt = async (node: TestServer, session: Session, townHallId: string): Promise<ClientSocket> => {
    const socket = await node.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId }));
    return socket;
  };
  const mediaAt = (node: TestServer, townHallId: string) => node.media!.existingMedia(townHallId);

  it("gives a viewer on another node the host's camera and microphone, with their pauses and closing", async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const { id: townHallId } = await a.townHall({ hosts: [{ id: officer.me.id, displayName: 'Officer Diaz' }] });
    const host = await joinedAt(a, officer, townHallId);
    const hostMedia = mediaClient(host, townHallId);
    await hostMedia.join();
    const send = await hostMedia.transport('send');
    const camera = await hostMedia.produce(send, 'camera');

    const viewer = await joinedAt(b, await b.guest('Rosa'), townHallId);
    const viewerMedia = mediaClient(viewer, townHallId);
    const joined = await viewerMedia.join();
    expect(joined.producers.map((p) => p.id)).toEqual([camera]);
    expect(joined.producers[0]).toMatchObject({ userId: officer.me.id, displayName: 'Officer Diaz', staff: true, source: 'camera' });
    // Node B's own router holds the camera, under the same id, fed from node A.
    const edge = mediaAt(b, townHallId)!;
    expect(edge.isPiped(camera)).toBe(true);
    expect(edge.routers[0]!.id).not.toBe(mediaAt(a, townHallId)!.routers[0]!.id);

    const recv = await viewerMedia.transport('recv');
    const seenCamera = await viewerMedia.consume(recv, camera);
    expect(seenCamera).toMatchObject({ producerId: camera, kind: 'video', type: 'simulcast' });

    // A producer made after the viewer joined is on node B before anyone hears of it.
    const added = nextEvent(viewer, 'media:producer-added', (p) => p.producer.source === 'microphone');
    const microphone = await hostMedia.produce(send, 'microphone');
    expect((await added).producer.id).toBe(microphone);
    expect(edge.producer(microphone)?.kind).toBe('audio');
    const heard = await viewerMedia.consume(recv, microphone);
    expect(heard.kind).toBe('audio');

    // Muting on node A pauses the copy on node B too, so later joiners there see it paused.
    const paused = nextEvent(viewer, 'media:producer-paused', (p) => p.producerId === microphone);
    unwrap(await command(host, 'media:pause-producer', { townHallId, producerId: microphone }));
    expect((await paused).paused).toBe(true);
    await expect.poll(() => edge.producer(microphone)?.paused).toBe(true);
    const late = await joinedAt(b, await b.guest('Late'), townHallId);
    expect((await mediaClient(late, townHallId).join()).producers.find((p) => p.id === microphone)?.paused).toBe(true);
    unwrap(await command(host, 'media:resume-producer', { townHallId, producerId: microphone }));
    await expect.poll(() => edge.producer(microphone)?.paused).toBe(false);

    // Closing on node A closes the copy on node B and the viewer's consumer with it, and the
    // room hears of it once.
    const consumerClosed = nextEvent(viewer, 'media:consumer-closed', (p) => p.consumerId === seenCamera.id);
    const announced: string[] = [];
    viewer.on('media:producer-closed', (p) => announced.push(p.producerId));
    const producerClosed = nextEvent(late, 'media:producer-closed', (p) => p.producerId === camera);
    unwrap(await command(host, 'media:close-producer', { townHallId, producerId: camera }));
    await Promise.all([consumerClosed, producerClosed]);
    expect(edge.producer(camera)).toBeUndefined();
    // A later fact has arrived, so a second announcement of the close would have too.
    unwrap(await command(host, 'media:pause-producer', { townHallId, producerId: microphone }));
    await nextEvent(viewer, 'media:producer-paused', (p) => p.producerId === microphone);
    expect(announced).toEqual([camera]);
    for (const socket of [host, viewer, late]) socket.disconnect();
  });

  it('carries a speaker on one edge node through the home to viewers on another, and ends it from anywhere', async () => {
    const [a, b, c] = nodes as [TestServer, TestServer, TestServer];
    const { id: townHallId } = await a.townHall({ hosts: [{ id: officer.me.id, displayName: 'Officer Diaz' }] });
    // The host opens the media on node A: A is its home.
    const host = await joinedAt(a, officer, townHallId);
    const hostMedia = mediaClient(host, townHallId);
    await hostMedia.join();
    const hostMicrophone = await hostMedia.produce(await hostMedia.transport('send'), 'microphone');

    const speakerSession = await b.guest('Sam');
    const speaker = await joinedAt(b, speakerSession, townHallId);
    await mediaClient(speaker, townHallId).join();
    const viewer = await joinedAt(c, await c.guest('Vic'), townHallId);
    const viewerMedia = mediaClient(viewer, townHallId);
    await viewerMedia.join();
    const recv = await viewerMedia.transport('recv');

    unwrap(await command(speaker, 'stage:raise-hand', { townHallId }));
    unwrap(await command(host, 'stage:invite', { townHallId, userId: speakerSession.me.id }));
    const speakerMedia = mediaClient(speaker, townHallId);
    const added = nextEvent(viewer, 'media:producer-added', (p) => p.producer.userId === speakerSession.me.id);
    const microphone = await speakerMedia.produce(await speakerMedia.transport('send'), 'microphone');
    await added;
    // B published it, A received it from B, C from A.
    expect(mediaAt(b, townHallId)!.isPiped(microphone)).toBe(false);
    expect(mediaAt(a, townHallId)!.isPiped(microphone)).toBe(true);
    expect(mediaAt(c, townHallId)!.isPiped(microphone)).toBe(true);
    const heard = await viewerMedia.consume(recv, microphone);

    // The home's router speaks for every node: node C's own measurements are not announced.
    const routerOf = (node: TestServer) => mediaAt(node, townHallId)!.routers[0]!.id;
    const observerOf = (node: TestServer) => observers.find((o) => (o as unknown as { internal?: { routerId: string } }).internal?.routerId === routerOf(node));
    const producerAt = (node: TestServer) => mediaAt(node, townHallId)!.producer(microphone)!;
    const speaking = nextEvent(viewer, 'media:active-speaker-changed');
    expect([observerOf(a), observerOf(c)]).toEqual([expect.anything(), expect.anything()]);
    observerOf(c)!.emit('volumes', [{ producer: mediaAt(c, townHallId)!.producer(hostMicrophone)!, volume: -30 }]);
    observerOf(a)!.emit('volumes', [{ producer: producerAt(a), volume: -22 }]);
    expect(await speaking).toEqual({ townHallId, userId: speakerSession.me.id });

    // The host on node A mutes the speaker: their own producer on node B pauses.
    unwrap(await command(host, 'stage:mute', { townHallId, userId: speakerSession.me.id }));
    await expect.poll(() => mediaAt(b, townHallId)!.producer(microphone)?.paused).toBe(true);
    await expect.poll(() => mediaAt(c, townHallId)!.producer(microphone)?.paused).toBe(true);

    // A moderator on node C sends the speaker back: the producer on node B closes, and every copy.
    const moderator = await joinedAt(c, await c.staff('moderator', 'Mod Kim'), townHallId);
    const gone = nextEvent(viewer, 'media:consumer-closed', (p) => p.consumerId === heard.id);
    const told = nextEvent(viewer, 'media:producer-closed', (p) => p.producerId === microphone);
    unwrap(await command(moderator, 'stage:send-back', { townHallId, userId: speakerSession.me.id }));
    await Promise.all([gone, told]);
    await expect.poll(() => mediaAt(b, townHallId)!.producer(microphone)).toBeUndefined();
    expect(mediaAt(a, townHallId)!.producer(microphone)).toBeUndefined();
    for (const socket of [host, speaker, viewer, moderator]) socket.disconnect();
  });

  it("closes every node's media when the town hall ends, wherever it is ended", async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const { id: townHallId } = await a.townHall({ hosts: [{ id: officer.me.id, displayName: 'Officer Diaz' }] });
    const host = await joinedAt(b, officer, townHallId);
    const viewer = await joinedAt(a, await a.guest('Ed'), townHallId);
    // The viewer opens the media on node A first; the host on node B is on an edge.
    await mediaClient(viewer, townHallId).join();
    await mediaClient(host, townHallId).join();
    expect(mediaAt(b, townHallId)).toBeDefined();
    const ended = nextEvent(viewer, 'media:closed', (p) => p.reason === 'ended');
    unwrap(await command(host, 'townhall:end', { townHallId }));
    await ended;
    await expect.poll(() => mediaAt(a, townHallId)).toBeUndefined();
    await expect.poll(() => mediaAt(b, townHallId)).toBeUndefined();
    host.disconnect();
    viewer.disconnect();
  });
});
