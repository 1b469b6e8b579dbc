import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { workerBin } from 'mediasoup';
import type { Id } from '../shared/ids.js';
import { resolveMediaConfig, type MediaConfig, type MediaConfigInput } from './config.js';
import type { MediaEvents, MediaServiceEvents } from './events.js';
import { silentLogger, type MediaLogger } from './logger.js';
import { RouterRegistry, type TownHallRouter } from './router-registry.js';
import { WorkerPool, type WorkerLoad } from './worker-pool.js';

export { resolveMediaConfig, transportListenIp, ROUTER_MEDIA_CODECS } from './config.js';
export type { MediaConfig, MediaConfigInput } from './config.js';
export { MediaServiceClosedError } from './events.js';
export type { MediaEvents, MediaServiceEvents, RouterCloseReason } from './events.js';
export type { MediaLogger } from './logger.js';
export type { TownHallRouter, TownHallRouterAppData } from './router-registry.js';
export type { WorkerLoad } from './worker-pool.js';

export interface MediaStats {
  workers: number;
  routers: number;
  transports: number;
  perWorker: WorkerLoad[];
}

export interface MediaService {
  readonly config: MediaConfig;
  /** Facts for the signalling layer, chiefly 'routerclose' with reason 'workerdied'. */
  readonly events: MediaEvents;
  /** The town hall's router, created on first use; concurrent callers get the same one. */
  routerFor(townHallId: Id): Promise<TownHallRouter>;
  closeRouter(townHallId: Id): Promise<boolean>;
  stats(): MediaStats;
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
  let closing: Promise<void> | undefined;

  return {
    config,
    events,
    routerFor: (townHallId) => registry.routerFor(townHallId),
    closeRouter: (townHallId) => registry.closeRouter(townHallId),
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
      closing ??= (async () => {
        await registry.close();
        await pool.close();
        logger.info({}, 'media service closed');
      })();
      return closing;
    },
  };
}
