import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaConfigInput, MediaService, MediaServiceEvents } from '../../media/index.js';

// mediasoup reads MEDIASOUP_WORKER_BIN once, when it is first imported, so the variable is
// set here (from the cache that scripts/build-mediasoup-worker.sh fills) before the dynamic
// imports below.
const require = createRequire(import.meta.url);
const { version } = require('mediasoup/package.json') as { version: string };
const cacheRoot =
  process.env.ROUNDTABLE_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'roundtable');
process.env.MEDIASOUP_WORKER_BIN ??= path.join(cacheRoot, `mediasoup-worker-${version}`, 'mediasoup-worker');
if (!existsSync(process.env.MEDIASOUP_WORKER_BIN)) {
  throw new Error(
    `mediasoup worker binary not found at ${process.env.MEDIASOUP_WORKER_BIN}: ` +
      'run `bash scripts/build-mediasoup-worker.sh` (CI does before the tests) or set MEDIASOUP_WORKER_BIN',
  );
}
const mediasoup = await import('mediasoup');
const { createMediaService, MediaServiceClosedError, transportListenIp } = await import('../../media/index.js');

const running: MediaService[] = [];

async function startService(input: MediaConfigInput = {}): Promise<MediaService> {
  const service = await createMediaService({ numWorkers: 2, logLevel: 'none', ...input });
  running.push(service);
  return service;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

/** Resolves with the next matching event's payload. */
function nextEvent<K extends keyof MediaServiceEvents>(
  service: MediaService,
  name: K,
  matches: (payload: MediaServiceEvents[K][0]) => boolean = () => true,
): Promise<MediaServiceEvents[K][0]> {
  return new Promise((resolve) => {
    const listener = (payload: MediaServiceEvents[K][0]): void => {
      if (!matches(payload)) return;
      service.events.off(name, listener as never);
      resolve(payload);
    };
    service.events.on(name, listener as never);
  });
}

/** Every mediasoup worker started while `run` runs, seen through mediasoup's own observer. */
async function watchWorkers<T>(run: () => Promise<T>): Promise<{ result: T; workers: ms.Worker[] }> {
  const workers: ms.Worker[] = [];
  const onWorker = (worker: ms.Worker): void => void workers.push(worker);
  mediasoup.observer.on('newworker', onWorker);
  try {
    return { result: await run(), workers };
  } finally {
    mediasoup.observer.off('newworker', onWorker);
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('media worker pool', () => {
  it('starts the configured number of workers, each its own live process', async () => {
    const { result: service, workers } = await watchWorkers(() => startService({ numWorkers: 3 }));

    const stats = service.stats();
    expect(stats.workers).toBe(3);
    expect(new Set(stats.perWorker.map((w) => w.pid)).size).toBe(3);
    expect(workers.map((w) => w.pid).sort()).toEqual(stats.perWorker.map((w) => w.pid).sort());
    for (const worker of workers) {
      expect(worker.closed).toBe(false);
      expect(processIsAlive(worker.pid)).toBe(true);
    }
  });

  it('starts one worker per core by default', async () => {
    const service = await startService({ numWorkers: undefined });

    expect(service.config.numWorkers).toBe(os.cpus().length);
    expect(service.stats().workers).toBe(os.cpus().length);
  });

  it('gives concurrent callers for one town hall the same router', async () => {
    const service = await startService();

    const [first, second, third] = await Promise.all([
      service.routerFor('townhall-a'),
      service.routerFor('townhall-a'),
      service.routerFor('townhall-a'),
    ]);

    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    expect(service.stats().routers).toBe(1);
    expect(service.stats().perWorker.reduce((sum, w) => sum + w.routers, 0)).toBe(1);
    expect(await service.routerFor('townhall-a')).toBe(first);
  });

  it('spreads town halls across the least-loaded workers', async () => {
    const service = await startService({ numWorkers: 2 });

    const routers = await Promise.all(['th-1', 'th-2', 'th-3', 'th-4'].map((id) => service.routerFor(id)));

    expect(new Set(routers.map((r) => r.id)).size).toBe(4);
    expect(service.stats().perWorker.map((w) => w.routers)).toEqual([2, 2]);
    const hosts = new Set(routers.map((r) => r.appData.workerPid));
    expect([...hosts].sort()).toEqual(service.stats().perWorker.map((w) => w.pid).sort());
  });

  it('offers opus, VP8 and H264 on every town hall router', async () => {
    const service = await startService();

    const router = await service.routerFor('townhall-a');

    const codecs = router.rtpCapabilities.codecs?.map((c) => `${c.mimeType}/${c.clockRate}`) ?? [];
    expect(codecs).toEqual(expect.arrayContaining(['audio/opus/48000', 'video/VP8/90000', 'video/H264/90000']));
    expect(router.rtpCapabilities.codecs?.find((c) => c.mimeType === 'audio/opus')?.channels).toBe(2);
  });

  it('closes a town hall router on request and makes a new one on the next call', async () => {
    const service = await startService();
    const router = await service.routerFor('townhall-a');
    const closed = nextEvent(service, 'routerclose');

    expect(await service.closeRouter('townhall-a')).toBe(true);

    expect(router.closed).toBe(true);
    expect(await closed).toEqual({ townHallId: 'townhall-a', routerId: router.id, reason: 'closed' });
    expect(service.stats().routers).toBe(0);
    expect(await service.closeRouter('townhall-a')).toBe(false);
    const next = await service.routerFor('townhall-a');
    expect(next.id).not.toBe(router.id);
    expect(next.closed).toBe(false);
  });

  it('counts the transports on each worker', async () => {
    const service = await startService();
    const router = await service.routerFor('townhall-a');

    const transport = await router.createWebRtcTransport({ listenIps: [transportListenIp(service.config)] });

    expect(transport.iceCandidates[0]?.ip).toBe('127.0.0.1');
    expect(service.stats().transports).toBe(1);
    expect(service.stats().perWorker.find((w) => w.pid === router.appData.workerPid)?.transports).toBe(1);
    transport.close();
    expect(service.stats().transports).toBe(0);
  });

  it('replaces a worker that dies and gives its town halls a new router', async () => {
    const service = await startService({ numWorkers: 2 });
    const [lost, kept] = await Promise.all([service.routerFor('townhall-a'), service.routerFor('townhall-b')]);
    expect(lost.appData.workerPid).not.toBe(kept.appData.workerPid);
    const deadPid = lost.appData.workerPid;
    const died = nextEvent(service, 'workerdied');
    const replaced = nextEvent(service, 'workerreplaced');
    const routerLost = nextEvent(service, 'routerclose');

    process.kill(deadPid, 'SIGKILL');

    expect((await died).pid).toBe(deadPid);
    expect(await routerLost).toEqual({ townHallId: 'townhall-a', routerId: lost.id, reason: 'workerdied' });
    const { pid: newPid } = await replaced;
    expect(newPid).not.toBe(deadPid);
    expect(lost.closed).toBe(true);
    expect(kept.closed).toBe(false);
    const pids = service.stats().perWorker.map((w) => w.pid);
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(deadPid);
    expect(pids).toContain(newPid);

    const fresh = await service.routerFor('townhall-a');
    expect(fresh.id).not.toBe(lost.id);
    expect(fresh.appData.workerPid).not.toBe(deadPid);
    expect(await service.routerFor('townhall-b')).toBe(kept);
  });

  it('answers a routerFor made while the only worker dies with a router on its replacement', async () => {
    const service = await startService({ numWorkers: 1 });
    const lost = await service.routerFor('townhall-a');
    const replaced = nextEvent(service, 'workerreplaced');

    process.kill(lost.appData.workerPid, 'SIGKILL');
    const fresh = await service.routerFor('townhall-b');

    expect(fresh.closed).toBe(false);
    expect(fresh.appData.workerPid).toBe((await replaced).pid);
    expect(lost.closed).toBe(true);
  });

  it('closes every router and worker on close and refuses later calls', async () => {
    const { result: service, workers } = await watchWorkers(() => startService({ numWorkers: 2 }));
    const routers = await Promise.all([service.routerFor('townhall-a'), service.routerFor('townhall-b')]);
    const workerCloses = workers.map((worker) => new Promise<void>((resolve) => worker.observer.once('close', resolve)));
    const reasons: string[] = [];
    service.events.on('routerclose', ({ reason }) => void reasons.push(reason));

    await service.close();

    await Promise.all(workerCloses);
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.closed && !w.died)).toBe(true);
    expect(routers.every((r) => r.closed)).toBe(true);
    expect(reasons).toEqual(['serviceclosed', 'serviceclosed']);
    expect(service.stats()).toMatchObject({ workers: 0, routers: 0, transports: 0 });
    await expect(service.routerFor('townhall-a')).rejects.toBeInstanceOf(MediaServiceClosedError);
    // mediasoup kills the process with SIGTERM and stops listening, so its exit is polled for.
    await vi.waitFor(() => expect(workers.filter((w) => processIsAlive(w.pid))).toEqual([]), { timeout: 5_000 });
  });

  it('rejects a routerFor still under way when the service closes and keeps no router from it', async () => {
    const { result: service, workers } = await watchWorkers(() => startService({ numWorkers: 1 }));
    const routersMade: ms.Router[] = [];
    workers[0]?.observer.on('newrouter', (router) => void routersMade.push(router));

    const pending = service.routerFor('townhall-a');
    await service.close();

    await expect(pending).rejects.toBeInstanceOf(MediaServiceClosedError);
    expect(routersMade.every((r) => r.closed)).toBe(true);
  });

  it('refuses an invalid configuration before starting any worker', async () => {
    const { result, workers } = await watchWorkers(() =>
      createMediaService({ rtcMinPort: 50000, rtcMaxPort: 40000, listenIp: '0.0.0.0' }).then(
        () => 'started',
        (error: Error) => error.message,
      ),
    );

    expect(result).toMatch(/rtcMinPort must not exceed rtcMaxPort/);
    expect(result).toMatch(/announcedIp is required/);
    expect(workers).toEqual([]);
  });
});
