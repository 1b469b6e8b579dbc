// Recordings are kept for the days the admins set (Settings.recordingRetentionDays; null keeps
// them): an hourly sweep deletes each recording, tracks and archive alike, once that many days
// have passed since it ended. A recording still being made or being composed is left for a
// later sweep, so nothing is deleted under a writer.
import type { Id } from '../../shared/ids.js';
import type { Logger } from '../core/log.js';
import type { Settings } from '../../shared/record.js';
import type { RecordingLibrary, StoredRecording } from './library.js';

const DAY_MS = 24 * 3600_000;

export interface RetentionDeps {
  library: RecordingLibrary;
  /** The admins' settings (the settings store fits this shape). */
  settings: { get(): Promise<Settings> };
  /** The recording being made now in a town hall, if any (RecordingService.current). */
  recordingNow: (townHallId: Id) => { id: Id } | null;
  log: Logger;
  now?: () => number;
}

/** When a recording ended: its stop, or after a crash the last line its timeline holds. */
const endedAt = (recording: StoredRecording) => recording.stoppedAt ?? recording.lastAt;

/** Deletes the recordings past retention; answers how many went. */
export async function sweepRecordings(deps: RetentionDeps): Promise<number> {
  const days = (await deps.settings.get()).recordingRetentionDays;
  if (days === null) return 0;
  const cutoff = (deps.now ?? Date.now)() - days * DAY_MS;
  let removed = 0;
  for (const recording of await deps.library.all()) {
    if (endedAt(recording) >= cutoff) continue;
    if (deps.recordingNow(recording.townHallId)?.id === recording.id) continue;
    if ((await deps.library.archive(recording.townHallId, recording.id)).status === 'composing') continue;
    await deps.library.remove(recording.townHallId, recording.id);
    removed += 1;
    deps.log.info({ townHall: recording.townHallId, recording: recording.id, retentionDays: days }, 'recording deleted after its retention');
  }
  return removed;
}

/** Sweeps now and every `intervalMs` (an hour); answers the function that stops it. */
export function scheduleRecordingSweep(deps: RetentionDeps, intervalMs = 3600_000): () => void {
  const run = () => void sweepRecordings(deps).catch((err: unknown) => deps.log.warn({ err }, 'recording retention sweep failed; retrying later'));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
