// The recordings on this node's disk after they stop: each is composed into an archival video,
// one at a time, at the lowest CPU priority (the queue is read from disk, so it resumes after a
// restart); the record page plays them, admins unpublish them (on the audit chain), and they are
// deleted past the admins' retention. The app makes these before the recording service (the
// routes need them) and starts them once it exists.
import type { Logger } from '../core/log.js';
import { createComposer, type Composer } from './composer.js';
import { RecordingLibrary } from './library.js';
import { scheduleRecordingSweep, type RetentionDeps } from './retention.js';
import type { RecordingService } from './service.js';

export interface Archives {
  library: RecordingLibrary | null;
  composer: Composer | null;
  /** Composes after every stop, and sweeps past the retention; resolves the way to stop both. */
  start(recording: Pick<RecordingService, 'onStopped' | 'current'>, deps: Pick<RetentionDeps, 'settings' | 'now'>): () => Promise<void>;
}

/** Null `options`: this node records nothing, and has no archives. */
export function createArchives(options: { dataDir: string; compose?: boolean; ffmpegPath?: string } | undefined, log: Logger): Archives {
  const library = options === undefined ? null : new RecordingLibrary(options.dataDir);
  let isRecording: (townHallId: string, recordingId: string) => boolean = () => true;
  const composer =
    library === null || options?.compose === false
      ? null
      : createComposer({
          library,
          // Until the recording service is given (start), every recording counts as still being written.
          isRecording: (townHallId, recordingId) => isRecording(townHallId, recordingId),
          log: log.child({ module: 'archive' }),
          ...(options?.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
        });
  return {
    library,
    composer,
    start(recording, deps) {
      isRecording = (townHallId, recordingId) => recording.current(townHallId)?.id === recordingId;
      const composeOnStop = recording.onStopped(() => composer?.kick());
      composer?.kick();
      const stopSweep =
        library === null
          ? () => {}
          : scheduleRecordingSweep({ library, settings: deps.settings, now: deps.now, recordingNow: (townHallId) => recording.current(townHallId), log: log.child({ module: 'recording' }) });
      return async () => {
        stopSweep();
        composeOnStop();
        await composer?.close();
      };
    },
  };
}
