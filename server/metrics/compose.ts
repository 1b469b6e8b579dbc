import type { MediaService } from '../../media/index.js';
import { observeCommands } from '../core/command.js';
import type { LoadMonitor } from '../core/load.js';
import type { AppServer } from '../core/types.js';
import type { RecordingLibrary } from '../recording/library.js';
import type { RecordingService } from '../recording/service.js';
import type { RoomFrames } from '../townhall/frames.js';
import { createMetrics, type Metrics } from './metrics.js';

/** The metrics of one app: fed by the command wrapper and the frames, read from the rest when scraped. */
export function composeMetrics(deps: {
  io: AppServer;
  load: LoadMonitor;
  frames: Pick<RoomFrames, 'stats'>;
  media: MediaService | null;
  recording: Pick<RecordingService, 'onChange'>;
  library: RecordingLibrary | null;
}): Metrics {
  const { library } = deps;
  const recordingNow = new Set<string>();
  deps.recording.onChange((townHallId, state) => void (state.recording ? recordingNow.add(townHallId) : recordingNow.delete(townHallId)));
  const metrics = createMetrics({
    io: deps.io,
    load: deps.load,
    frames: () => deps.frames.stats(),
    media: deps.media,
    recordingsNow: () => recordingNow.size,
    archives: library
      ? async () => Promise.all((await library.folders()).map(({ townHallId, recordingId }) => library.archive(townHallId, recordingId)))
      : null,
  });
  observeCommands(deps.io, metrics.command);
  return metrics;
}
