import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { MediaService } from '../../media/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/log.js';

/**
 * Starts town hall video when a mediasoup worker binary is there, or answers null (and says
 * so in the log) so the rest of Roundtable runs without it: `media:join` then answers
 * UNAVAILABLE and the page keeps its Q&A, polls and chat.
 */
export async function startMedia(config: Config['media'], log: Logger): Promise<MediaService | null> {
  const { version } = createRequire(import.meta.url)('mediasoup/package.json') as { version: string };
  const workerBin = config.workerBin ?? path.join(config.cacheDir, `mediasoup-worker-${version}`, 'mediasoup-worker');
  const found = await access(workerBin, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!found) {
    log.warn({ workerBin }, 'video is off: no mediasoup worker binary (build it with scripts/build-mediasoup-worker.sh)');
    return null;
  }
  // mediasoup reads this once, when it is first imported, so it is set before the import below.
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const { createMediaService } = await import('../../media/index.js');
  try {
    return await createMediaService(
      {
        listenIp: config.listenIp,
        announcedIp: config.announcedIp,
        ...(config.pipeListenIp === undefined ? {} : { pipeListenIp: config.pipeListenIp }),
        ...(config.pipeAnnouncedIp === undefined ? {} : { pipeAnnouncedIp: config.pipeAnnouncedIp }),
        rtcMinPort: config.rtcMinPort,
        rtcMaxPort: config.rtcMaxPort,
        numWorkers: config.numWorkers,
        consumersPerRouter: config.consumersPerRouter,
      },
      log.child({ module: 'media' }),
    );
  } catch (err) {
    log.error({ err: (err as Error).message }, 'video is off: the media service did not start');
    return null;
  }
}
