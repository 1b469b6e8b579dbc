import type { types as ms } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaConfigInput, MediaService, MediaServiceEvents, TownHallMedia } from '../../media/index.js';
import { CLIENT_DTLS, opusParameters, RECEIVER_CAPABILITIES, useCachedWorker } from '../support/media.js';

useCachedWorker();
const mediasoup = await import('mediasoup');
const { createMediaService } = await import('../../media/index.js');

const running: MediaService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

/** A service, with every AudioLevelObserver its routers make. */
async function startService(input: MediaConfigInput = {}) {
  const observers: ms.AudioLevelObserver[] = [];
  const onWorker = (worker: ms.Worker) =>
    worker.observer.on('newrouter', (router) =>
      router.observer.on('newrtpobserver', (observer) => void observers.push(observer as ms.AudioLevelObserver)),
    );
  mediasoup.observer.on('newworker', onWorker);
  const service = await createMediaService({ numWorkers: 1, logLevel: 'none', ...input }).finally(() =>
    mediasoup.observer.off('newworker', onWorker),
  );
  running.push(service);
  return { service, observers };
}

function collect<K extends keyof MediaServiceEvents>(service: MediaService, name: K): MediaServiceEvents[K][0][] {
  const seen: MediaServiceEvents[K][0][] = [];
  service.events.on(name, ((payload: MediaServiceEvents[K][0]) => void seen.push(payload)) as never);
  return seen;
}

/** A peer publishing a microphone, as the signalling layer would set it up. */
async function microphone(media: TownHallMedia, peerId: string) {
  const transport = await media.createTransport(peerId, 'send');
  await media.connectTransport(peerId, transport.id, CLIENT_DTLS as ms.DtlsParameters);
  return media.produce(peerId, transport.id, {
    kind: 'audio',
    rtpParameters: opusParameters() as unknown as ms.RtpParameters,
    publisher: { userId: `user-${peerId}`, displayName: 'Speaker', staff: true, source: 'microphone' },
  });
}

describe('town hall media', () => {
  it('gives concurrent callers one media per town hall and closes all of it on request', async () => {
    const { service } = await startService();
    const closes = collect(service, 'mediaclose');

    const [first, second] = await Promise.all([service.mediaFor('townhall-a'), service.mediaFor('townhall-a')]);
    expect(second).toBe(first);
    expect(service.existingMedia('townhall-a')).toBe(first);
    const transport = await first.createTransport('peer-1', 'recv');

    expect(await service.closeMedia('townhall-a')).toBe(true);
    expect(transport.closed).toBe(true);
    expect(first.routers.every((r) => r.closed)).toBe(true);
    expect(closes).toEqual([{ townHallId: 'townhall-a', reason: 'closed' }]);
    expect(service.existingMedia('townhall-a')).toBeUndefined();
    expect(service.stats()).toMatchObject({ routers: 0, transports: 0 });
    expect(await service.closeMedia('townhall-a')).toBe(false);
    const next = await service.mediaFor('townhall-a');
    expect(next).not.toBe(first);
    expect(next.routers[0]!.closed).toBe(false);
  });

  it('opens WebRTC transports on the configured address, announced address and port range, UDP preferred over TCP', async () => {
    const { service } = await startService({ listenIp: '127.0.0.1', announcedIp: '203.0.113.7', rtcMinPort: 45000, rtcMaxPort: 45099 });
    const media = await service.mediaFor('townhall-a');

    // Sending (hosts, residents on stage, the interpreter) and receiving alike: a network that
    // blocks UDP still reaches the TCP candidate, and one that does not uses UDP.
    for (const direction of ['send', 'recv'] as const) {
      const transport = await media.createTransport('peer-1', direction);
      expect(transport.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
      const priority = (protocol: string) => transport.iceCandidates.find((c) => c.protocol === protocol)!.priority;
      expect(priority('udp')).toBeGreaterThan(priority('tcp'));
      for (const candidate of transport.iceCandidates) {
        expect(candidate.ip).toBe('203.0.113.7');
        expect(candidate.port).toBeGreaterThanOrEqual(45000);
        expect(candidate.port).toBeLessThanOrEqual(45099);
      }
    }
  });

  it('reports the loudest producer as the active speaker once per change, and null after silence', async () => {
    const { service, observers } = await startService();
    const speakers = collect(service, 'activespeaker');
    const media = await service.mediaFor('townhall-a');
    const [levels] = observers;
    const loud = await microphone(media, 'peer-1');
    const quiet = await microphone(media, 'peer-2');
    // Audio levels need RTP a test cannot send over DTLS-SRTP without a browser, so the
    // observer's own events stand in for the worker's.
    expect(observers).toHaveLength(1);

    levels!.emit('volumes', [{ producer: loud, volume: -20 }]);
    levels!.emit('volumes', [{ producer: loud, volume: -25 }]);
    levels!.emit('volumes', [{ producer: quiet, volume: -30 }]);
    levels!.emit('silence');
    levels!.emit('volumes', [{ producer: loud, volume: -20 }]);
    loud.close();

    expect(speakers.map((s) => s.producerId)).toEqual([loud.id, quiet.id, null, loud.id, null]);
    expect(speakers.every((s) => s.townHallId === 'townhall-a')).toBe(true);
  });

  it('keeps a one-worker town hall on its router when the audience passes the limit', async () => {
    const { service } = await startService({ numWorkers: 1, consumersPerRouter: 1 });
    const media = await service.mediaFor('townhall-a');
    const producer = await microphone(media, 'host');

    for (const peer of ['a', 'b', 'c']) {
      const transport = await media.createTransport(peer, 'recv');
      await media.consume(peer, transport.id, producer.id, RECEIVER_CAPABILITIES as ms.RtpCapabilities);
    }

    expect(media.routers).toHaveLength(1);
    expect(media.stats().routers[0]).toMatchObject({ main: true, consumers: 3 });
  });

  it('spreads viewers who arrive at the same moment over routers on both workers', async () => {
    const { service } = await startService({ numWorkers: 2, consumersPerRouter: 2 });
    const media = await service.mediaFor('townhall-a');

    await Promise.all(['a', 'b', 'c', 'd'].map((peer) => media.createTransport(peer, 'recv')));

    const routers = media.stats().routers;
    expect(routers.map((r) => r.transports)).toEqual([2, 2]);
    expect(new Set(routers.map((r) => r.workerPid)).size).toBe(2);
  });

  it('closes the whole town hall media when the worker of a spill-over router dies', async () => {
    const { service } = await startService({ numWorkers: 2, consumersPerRouter: 1 });
    const closes = collect(service, 'mediaclose');
    const media = await service.mediaFor('townhall-a');
    await media.createTransport('a', 'recv');
    const spilled = await media.createTransport('b', 'recv');
    const [main, spill] = media.routers;
    expect(spill!.appData.workerPid).not.toBe(main!.appData.workerPid);
    const closed = new Promise<void>((resolve) => main!.observer.once('close', () => resolve()));

    process.kill(spill!.appData.workerPid, 'SIGKILL');
    await closed;

    expect(spilled.closed).toBe(true);
    expect(media.closed).toBe(true);
    expect(closes).toEqual([{ townHallId: 'townhall-a', reason: 'workerdied' }]);
    expect(service.existingMedia('townhall-a')).toBeUndefined();
  });
});
