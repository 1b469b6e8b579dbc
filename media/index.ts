import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { workerBin } from 'mediasoup';
import type { Id } from '../shared/ids.js';
import { resolveMediaConfig, type MediaConfig, type MediaConfigInput } from './config.js';
import { MediaServiceClosedError, type MediaEvents, type MediaServiceEvents } from './events.js';
import { silentLogger, type MediaLogger } from './logger.js';
import { RouterRegistry, type TownHallRouter } from './router-registry.js';
import { TownHallMedia } from './town-hall-media.js';
import { WorkerPool, type WorkerLoad } from './worker-pool.js';

export { resolveMediaConfig, transportListenIp, ROUTER_MEDIA_CODECS } from './config.js';
export type { MediaConfig, MediaConfigInput } from './config.js';
export { MediaRequestError, MediaServiceClosedError } from './events.js';
export type { MediaEvents, MediaServiceEvents, RouterCloseReason } from './events.js';
export type { MediaLogger } from './logger.js';
export type { NodePipe, NodePipeEvents, PipeEnd, PipedProducer, ProducerChange } from './node-pipe.js';
export type { TownHallRouter, TownHallRouterAppData } from './router-registry.js';
export type { WorkerLoad } from './worker-pool.js';
export { TrackRecorder, sdpFor } from './track-recorder.js';
export type { TrackRecorderOptions } from './track-recorder.js';
export type {
  Publisher,
  PublisherData,
  RouterLoad,
  TownHallConsumer,
  TownHallMedia,
  TownHallMediaStats,
  TownHallProducer,
} from './town-hall-media.js';

export interface MediaStats {
  workers: number;
  routers: number;
  transports: number;
  perWorker: WorkerLoad[];
}

export interface WorkerUsage {
  pid: number;
  cpuSeconds: number;
  consumers: number;
}

export interface MediaService {
  readonly config: MediaConfig;
  /** Facts for the signalling layer, chiefly 'routerclose' with reason 'workerdied'. */
  readonly events: MediaEvents;
  /** The town hall's router, created on first use; concurrent callers get the same one. */
  routerFor(townHallId: Id): Promise<TownHallRouter>;
  closeRouter(townHallId: Id): Promise<boolean>;
  /**
   * The town hall's media (routers, transports, producers, consumers, active speaker), made on
   * first use on the town hall's router; concurrent callers get the same one.
   */
  mediaFor(townHallId: Id): Promise<TownHallMedia>;
  /** The town hall's media if it is open now, without making it. */
  existingMedia(townHallId: Id): TownHallMedia | undefined;
  /** Closes the town hall's media and its routers; false if it had none. */
  closeMedia(townHallId: Id): Promise<boolean>;
  stats(): MediaStats;
  /** Each worker's CPU so far (seconds) and the consumers it carries now: the metrics. */
  workerUsage(): Promise<WorkerUsage[]>;
  /** Closes every router and worker; every later call rejects. */
  close(): Promise<void>;
}

/**
 * Starts the worker pool. mediasoup reads MEDIASOUP_WORKER_BIN when it is first imported, so
 * the entry point must set it before importing this module.
 */
export async function createMediaService(
  input: MediaConfigInput = {},
  logger: MediaLogger = silentLogger,
): Promise<MediaService> {
  const config = resolveMediaConfig(input);
  await access(workerBin, constants.X_OK).catch(() => {
    throw new Error(
      `mediasoup worker binary not found at ${workerBin}: build it with scripts/build-mediasoup-worker.sh ` +
        'and set MEDIASOUP_WORKER_BIN to the path it prints before mediasoup is imported',
    );
  });
  logger.info({ ...config, workerBin }, 'media service starting');

  const events: MediaEvents = new EventEmitter<MediaServiceEvents>();
  const pool = await WorkerPool.create({
    size: config.numWorkers,
    settings: { logLevel: config.logLevel, rtcMinPort: config.rtcMinPort, rtcMaxPort: config.rtcMaxPort },
    events,
    logger,
  });
  const registry = new RouterRegistry(pool, events, logger);
  const rooms = new Map<Id, TownHallMedia>();
  const roomsInFlight = new Map<Id, Promise<TownHallMedia>>();
  events.on('mediaclose', ({ townHallId }) => {
    if (rooms.get(townHallId)?.closed) rooms.delete(townHallId);
  });
  let closed = false;
  let closing: Promise<void> | undefined;

  const makeMedia = async (townHallId: Id): Promise<TownHallMedia> => {
    const router = await registry.routerFor(townHallId);
    const media = await TownHallMedia.create({ townHallId, router, pool, config, events, logger });
    if (media.closed) throw new Error(`the media of town hall ${townHallId} closed while it was being created`);
    rooms.set(townHallId, media);
    return media;
  };

  return {
    config,
    events,
    routerFor: (townHallId) => registry.routerFor(townHallId),
    closeRouter: (townHallId) => registry.closeRouter(townHallId),
    mediaFor(townHallId) {
      if (closed) return Promise.reject(new MediaServiceClosedError());
      const open = rooms.get(townHallId);
      if (open !== undefined && !open.closed) return Promise.resolve(open);
      let pending = roomsInFlight.get(townHallId);
      if (pending === undefined) {
        pending = makeMedia(townHallId).finally(() => roomsInFlight.delete(townHallId));
        roomsInFlight.set(townHallId, pending);
      }
      return pending;
    },
    existingMedia(townHallId) {
      const open = rooms.get(townHallId);
      return open !== undefined && !open.closed ? open : undefined;
    },
    async closeMedia(townHallId) {
      const media = rooms.get(townHallId) ?? (await roomsInFlight.get(townHallId)?.catch(() => undefined));
      if (media === undefined || media.closed) return false;
      media.close('closed');
      return true;
    },
    async workerUsage() {
      const consumers = new Map<number, number>();
      for (const media of rooms.values()) {
        if (media.closed) continue;
        for (const r of media.stats().routers) consumers.set(r.workerPid, (consumers.get(r.workerPid) ?? 0) + r.consumers);
      }
      return (await pool.cpu()).map((w) => ({ ...w, consumers: consumers.get(w.pid) ?? 0 }));
    },
    stats() {
      const perWorker = pool.load();
      return {
        workers: perWorker.length,
        routers: registry.size,
        transports: perWorker.reduce((sum, worker) => sum + worker.transports, 0),
        perWorker,
      };
    },
    close() {
      closed = true;
      closing ??= (async () => {
        await Promise.allSettled(roomsInFlight.values());
        for (const media of rooms.values()) media.close('serviceclosed');
        await registry.close();
        await pool.close();
        logger.info({}, 'media service closed');
      })();
      return closing;
    },
  };
}
