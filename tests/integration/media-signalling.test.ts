import type { types as ms } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TownHallMedia } from '../../media/index.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';
import { CLIENT_DTLS, mediaClient, opusParameters, RECEIVER_CAPABILITIES } from '../support/media.js';

/** What mediasoup itself holds for a town hall, read from its routers' dumps. */
async function dumped(media: TownHallMedia) {
  const dumps = await Promise.all(media.routers.map((router) => router.dump()));
  return {
    transports: dumps.reduce((sum, d) => sum + d.transportIds.length, 0),
    producers: dumps.reduce((sum, d) => sum + Object.keys(d.mapProducerIdConsumerIds).length, 0),
    consumers: dumps.reduce((sum, d) => sum + Object.keys(d.mapConsumerIdProducerId).length, 0),
  };
}

describe('town hall media signalling', () => {
  let server: TestServer;
  let townHallId: string;
  let officerSession: Session;

  const joined = async (session: Session, id = townHallId): Promise<ClientSocket> => {
    const socket = await server.connect(session);
    unwrap(await command(socket, 'townhall:join', { townHallId: id }));
    return socket;
  };
  const liveTownHall = async () =>
    (await server.townHall({ status: 'live', hosts: [{ id: officerSession.me.id, displayName: officerSession.me.displayName }] })).id;
  const mediaOf = (id = townHallId) => {
    const media = server.media?.existingMedia(id);
    if (!media) throw new Error('no media for this town hall');
    return media;
  };

  beforeAll(async () => {
    server = await startTestServer({ media: true });
    officerSession = await server.staff('officer', 'Officer Diaz');
    townHallId = await liveTownHall();
  });
  afterAll(() => server.close());

  it('lets a host publish simulcast camera and microphone that a resident receives paused, resumes and switches layers', async () => {
    const host = await joined(officerSession);
    const resident = await joined(await server.guest('Rosa'));
    const hostMedia = mediaClient(host, townHallId);
    const residentMedia = mediaClient(resident, townHallId);

    const hostJoined = await hostMedia.join();
    expect(hostJoined.canPublish).toBe(true);
    expect(hostJoined.rtpCapabilities).toMatchObject({ codecs: expect.any(Array) });
    const residentJoined = await residentMedia.join();
    expect(residentJoined.canPublish).toBe(false);

    const sendId = await hostMedia.transport('send');
    const added = nextEvent(resident, 'media:producer-added', (p) => p.producer.source === 'camera');
    const cameraId = await hostMedia.produce(sendId, 'camera');
    const microphoneId = await hostMedia.produce(sendId, 'microphone');
    expect((await added).producer).toEqual({
      id: cameraId,
      userId: officerSession.me.id,
      displayName: 'Officer Diaz',
      staff: true,
      kind: 'video',
      source: 'camera',
      paused: false,
    });

    const recvId = await residentMedia.transport('recv', false);
    const video = await residentMedia.consume(recvId, cameraId);
    const audio = await residentMedia.consume(recvId, microphoneId);
    expect(video).toMatchObject({ producerId: cameraId, kind: 'video', type: 'simulcast', producerPaused: false });
    expect(audio).toMatchObject({ producerId: microphoneId, kind: 'audio', type: 'simple' });

    const routed = (await mediaOf().routers[0]!.dump()).mapConsumerIdProducerId as Record<string, string>;
    expect(routed[video.id]).toBe(cameraId);
    expect(unwrap(await command(resident, 'media:resume-consumer', { townHallId, consumerId: video.id }))).toBeNull();
    expect(unwrap(await command(resident, 'media:set-layers', { townHallId, consumerId: video.id, spatialLayer: 0, temporalLayer: 1 }))).toBeNull();
    const refused = await command(resident, 'media:set-layers', { townHallId, consumerId: audio.id, spatialLayer: 0 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });

    // A late joiner learns what is published from the join itself.
    const late = await joined(await server.guest('Late'));
    expect((await mediaClient(late, townHallId).join()).producers.map((p) => p.id).sort()).toEqual([cameraId, microphoneId].sort());

    const paused = nextEvent(resident, 'media:producer-paused', (p) => p.producerId === microphoneId);
    unwrap(await command(host, 'media:pause-producer', { townHallId, producerId: microphoneId }));
    expect(await paused).toEqual({ townHallId, producerId: microphoneId, paused: true });
    for (const socket of [host, resident, late]) socket.disconnect();
  });

  it('closes a consumer when its producer closes and tells only its owner', async () => {
    const host = await joined(officerSession);
    const resident = await joined(await server.guest('Ana'));
    const hostMedia = mediaClient(host, townHallId);
    const residentMedia = mediaClient(resident, townHallId);
    await hostMedia.join();
    await residentMedia.join();
    const cameraId = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    const consumer = await residentMedia.consume(await residentMedia.transport('recv', false), cameraId);
    const before = await dumped(mediaOf());

    const consumerClosed = nextEvent(resident, 'media:consumer-closed');
    // Earlier tests' producers close too, as their connections go: wait for this one.
    const producerClosed = nextEvent(resident, 'media:producer-closed', (p) => p.producerId === cameraId);
    unwrap(await command(host, 'media:close-producer', { townHallId, producerId: cameraId }));

    expect(await producerClosed).toEqual({ townHallId, producerId: cameraId });
    expect(await consumerClosed).toEqual({ townHallId, consumerId: consumer.id });
    const after = await dumped(mediaOf());
    expect(after.producers).toBe(before.producers - 1);
    expect(after.consumers).toBe(before.consumers - 1);
    const gone = await command(resident, 'media:resume-consumer', { townHallId, consumerId: consumer.id });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    host.disconnect();
    resident.disconnect();
  });

  it('closes every transport, producer and consumer of a connection when it disconnects or leaves', async () => {
    const id = await liveTownHall();
    const host = await joined(officerSession, id);
    const leaver = await joined(await server.guest('Leaver'), id);
    const dropper = await joined(await server.guest('Dropper'), id);
    const hostMedia = mediaClient(host, id);
    await hostMedia.join();
    const baseline = await dumped(mediaOf(id));
    const cameraId = await hostMedia.produce(await hostMedia.transport('send'), 'camera');
    const microphoneId = await hostMedia.produce(await hostMedia.transport('send'), 'microphone');
    for (const socket of [leaver, dropper]) {
      const client = mediaClient(socket, id);
      await client.join();
      const recv = await client.transport('recv');
      await client.consume(recv, cameraId);
      await client.consume(recv, microphoneId);
    }
    expect(await dumped(mediaOf(id))).toEqual({ transports: baseline.transports + 4, producers: 2, consumers: 4 });
    expect(mediaOf(id).stats()).toMatchObject({ transports: 4, producers: 2, consumers: 4 });

    unwrap(await command(leaver, 'media:leave', { townHallId: id }));
    expect(await dumped(mediaOf(id))).toEqual({ transports: baseline.transports + 3, producers: 2, consumers: 2 });
    const afterLeave = await command(leaver, 'media:create-transport', { townHallId: id, direction: 'recv' });
    expect(afterLeave).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const dropperLeft = mediaOf(id).stats().transports - 1;
    dropper.disconnect();
    // The server notices the disconnect on its own time: wait until it has closed the transports.
    await vi.waitFor(() => expect(mediaOf(id).stats().transports).toBe(dropperLeft));
    expect(await dumped(mediaOf(id))).toEqual({ transports: baseline.transports + 2, producers: 2, consumers: 0 });

    host.disconnect();
    await vi.waitFor(() => expect(mediaOf(id).stats().transports).toBe(0));
    expect(await dumped(mediaOf(id))).toEqual(baseline);
    expect(server.media?.stats().transports).toBe(0);
  });

  it('closes a transport that was still being made when its connection went away', async () => {
    const id = await liveTownHall();
    const resident = await joined(await server.guest('Hasty'), id);
    await mediaClient(resident, id).join();
    const router = mediaOf(id).routers[0]!;
    // The connection drops in the very moment mediasoup hands the new transport over, before
    // the command has recorded it.
    const made = new Promise<ms.Transport>((resolve) =>
      router.observer.once('newtransport', (transport) => {
        server.app.io.sockets.sockets.get(resident.id!)?.disconnect(true);
        resolve(transport);
      }),
    );

    const answer = await command(resident, 'media:create-transport', { townHallId: id, direction: 'recv' }).catch(() => null);

    const transport = await made;
    expect(answer).toBeNull();
    await new Promise<void>((resolve) => (transport.closed ? resolve() : transport.observer.once('close', () => resolve())));
    expect(mediaOf(id).stats().transports).toBe(0);
  });

  it('refuses out-of-order steps and parameters mediasoup rejects without changing anything', async () => {
    const host = await joined(officerSession);
    const hostMedia = mediaClient(host, townHallId);

    const beforeJoin = await command(host, 'media:create-transport', { townHallId, direction: 'send' });
    expect(beforeJoin).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await hostMedia.join();
    const unconnected = await hostMedia.transport('send', false);
    const early = await command(host, 'media:produce', { townHallId, transportId: unconnected, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() });
    expect(early).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const send = await hostMedia.transport('send');
    const twice = await command(host, 'media:connect-transport', { townHallId, transportId: send, dtlsParameters: CLIENT_DTLS });
    expect(twice).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const badDtls = await command(host, 'media:connect-transport', { townHallId, transportId: unconnected, dtlsParameters: { role: 'client', fingerprints: 'no' } });
    expect(badDtls).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.not.stringMatching(/fingerprint|TypeError/) } });
    const badRtp = await command(host, 'media:produce', { townHallId, transportId: send, kind: 'audio', source: 'microphone', rtpParameters: { codecs: [{ mimeType: 'audio/nonsense' }] } });
    expect(badRtp).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.any(String) } });
    const wrongKind = await command(host, 'media:produce', { townHallId, transportId: send, kind: 'audio', source: 'camera', rtpParameters: opusParameters() });
    expect(wrongKind).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });

    const unknownProducer = await command(host, 'media:consume', { townHallId, transportId: send, producerId: '00000000-0000-4000-8000-000000000000', rtpCapabilities: RECEIVER_CAPABILITIES });
    expect(unknownProducer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const microphoneId = await hostMedia.produce(send, 'microphone');
    const onSend = await command(host, 'media:consume', { townHallId, transportId: send, producerId: microphoneId, rtpCapabilities: RECEIVER_CAPABILITIES });
    expect(onSend).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const recv = await hostMedia.transport('recv');
    const missing = await command(host, 'media:consume', { townHallId, transportId: recv, producerId: '00000000-0000-4000-8000-000000000000', rtpCapabilities: RECEIVER_CAPABILITIES });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const cannot = await command(host, 'media:consume', { townHallId, transportId: recv, producerId: microphoneId, rtpCapabilities: { codecs: [] } });
    expect(cannot).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const produceOnRecv = await command(host, 'media:produce', { townHallId, transportId: recv, kind: 'video', source: 'camera', rtpParameters: opusParameters() });
    expect(produceOnRecv).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const second = await command(host, 'media:produce', { townHallId, transportId: send, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(mediaOf().producers().filter((p) => p.appData.peerId === host.id)).toHaveLength(1);
    host.disconnect();
  });

  it('publishes only for hosts of a live town hall and never before it starts', async () => {
    const scheduled = (await server.townHall({ status: 'scheduled', hosts: [{ id: officerSession.me.id, displayName: 'Officer Diaz' }] })).id;
    const host = await joined(officerSession, scheduled);
    const hostMedia = mediaClient(host, scheduled);
    expect((await hostMedia.join()).canPublish).toBe(false);
    const notLive = await command(host, 'media:produce', { townHallId: scheduled, transportId: await hostMedia.transport('send'), kind: 'audio', source: 'microphone', rtpParameters: opusParameters() });
    expect(notLive).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // An officer who is not one of this town hall's hosts, and a resident off stage.
    for (const session of [await server.staff('officer', 'Other officer'), await server.guest('Mallory')]) {
      const socket = await joined(session);
      const client = mediaClient(socket, townHallId);
      expect((await client.join()).canPublish).toBe(false);
      const send = await client.transport('send');
      for (const source of ['camera', 'microphone', 'screen'] as const) {
        const attempt = await command(socket, 'media:produce', { townHallId, transportId: send, kind: source === 'microphone' ? 'audio' : 'video', source, rtpParameters: opusParameters() });
        expect(attempt).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      }
      socket.disconnect();
    }
    expect(mediaOf().producers().filter((p) => p.appData.displayName === 'Mallory')).toEqual([]);
    host.disconnect();
  });

  it("answers another connection's or another town hall's ids with NOT_FOUND", async () => {
    const otherTownHall = await liveTownHall();
    const host = await joined(officerSession);
    const hostMedia = mediaClient(host, townHallId);
    await hostMedia.join();
    const send = await hostMedia.transport('send');
    const cameraId = await hostMedia.produce(send, 'camera');
    const recv = await hostMedia.transport('recv');
    const consumer = await hostMedia.consume(recv, cameraId);

    const intruder = await joined(await server.guest('Intruder'));
    unwrap(await command(intruder, 'townhall:join', { townHallId: otherTownHall }));
    await mediaClient(intruder, townHallId).join();
    await mediaClient(intruder, otherTownHall).join();
    const own = await mediaClient(intruder, otherTownHall).transport('recv');
    const attempts = [
      command(intruder, 'media:connect-transport', { townHallId, transportId: send, dtlsParameters: CLIENT_DTLS }),
      command(intruder, 'media:produce', { townHallId, transportId: send, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() }),
      command(intruder, 'media:consume', { townHallId, transportId: recv, producerId: cameraId, rtpCapabilities: RECEIVER_CAPABILITIES }),
      command(intruder, 'media:close-producer', { townHallId, producerId: cameraId }),
      command(intruder, 'media:pause-producer', { townHallId, producerId: cameraId }),
      command(intruder, 'media:resume-producer', { townHallId, producerId: cameraId }),
      command(intruder, 'media:resume-consumer', { townHallId, consumerId: consumer.id }),
      command(intruder, 'media:set-layers', { townHallId, consumerId: consumer.id, spatialLayer: 0 }),
      // Its own transport, named under the other town hall; and this town hall's producer from there.
      command(intruder, 'media:connect-transport', { townHallId, transportId: own, dtlsParameters: CLIENT_DTLS }),
      command(intruder, 'media:consume', { townHallId: otherTownHall, transportId: own, producerId: cameraId, rtpCapabilities: RECEIVER_CAPABILITIES }),
    ];
    for (const result of await Promise.all(attempts)) {
      expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/^No such (transport|producer|consumer)\.$/) } });
    }
    expect(mediaOf().producer(cameraId)?.paused).toBe(false);
    host.disconnect();
    intruder.disconnect();
  });

  it('refuses every media and stage command from a connection that has not joined the town hall, and malformed payloads', async () => {
    const outsider = await server.connect(await server.guest('Outsider'));
    const transportId = '00000000-0000-4000-8000-000000000000';
    const payloads = {
      'media:join': { townHallId },
      'media:leave': { townHallId },
      'media:create-transport': { townHallId, direction: 'send' },
      'media:connect-transport': { townHallId, transportId, dtlsParameters: CLIENT_DTLS },
      'media:produce': { townHallId, transportId, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() },
      'media:close-producer': { townHallId, producerId: transportId },
      'media:pause-producer': { townHallId, producerId: transportId },
      'media:resume-producer': { townHallId, producerId: transportId },
      'media:consume': { townHallId, transportId, producerId: transportId, rtpCapabilities: RECEIVER_CAPABILITIES },
      'media:resume-consumer': { townHallId, consumerId: transportId },
      'media:set-layers': { townHallId, consumerId: transportId, spatialLayer: 1 },
      'stage:raise-hand': { townHallId },
      'stage:lower-hand': { townHallId },
      'stage:invite': { townHallId, userId: officerSession.me.id },
      'stage:send-back': { townHallId, userId: officerSession.me.id },
      'stage:mute': { townHallId, userId: officerSession.me.id },
    } as const;
    for (const [event, payload] of Object.entries(payloads)) {
      const notJoined = await command(outsider, event as 'media:join', payload as never);
      expect({ event, result: notJoined }).toMatchObject({ event, result: { ok: false, error: { code: 'FORBIDDEN' } } });
      const malformed = await command(outsider, event as 'media:join', { ...payload, townHallId: '../x', extra: 1 } as never);
      expect({ event, result: malformed }).toMatchObject({ event, result: { ok: false, error: { code: 'INVALID_PAYLOAD' } } });
    }
    const badId = await command(outsider, 'media:resume-consumer', { townHallId, consumerId: 'not-a-uuid' });
    expect(badId).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', fields: ['consumerId'] } });
    outsider.disconnect();
  });
});

