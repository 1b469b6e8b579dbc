// The archival composition queue: every recording on this node's disk that has stopped and has
// no archive yet is composed, one at a time, oldest first. The queue is not kept anywhere but
// on disk (each recording's archive.json), so a restart finds the same work: a job cut off
// mid-way (status "composing" with nobody composing it) simply starts again. A failure is
// written with its reason and the queue goes on to the next recording; a failed recording
// waits for an admin to ask again.
import type { ArchiveInfo, ArchiveOverview } from '../../shared/recording.js';
import type { Logger } from '../core/log.js';
import type { CompositionSettings } from './compose-filters.js';
import { startComposition, type CompositionRun } from './compose-job.js';
import { ARCHIVE_WAITING, type RecordingLibrary, type StoredRecording } from './library.js';

export interface ComposerOptions {
  library: RecordingLibrary;
  /** Whether a recording is being written now (it waits until it stops). */
  isRecording: (townHallId: string, recordingId: string) => boolean;
  log: Logger;
  now?: () => number;
  ffmpegPath?: string;
  ffprobePath?: string;
  niceness?: number;
  settings?: Partial<CompositionSettings>;
  /** The shortest time between two progress writes to archive.json (default 1 s). */
  progressEveryMs?: number;
}

export interface Composer {
  /** Looks for work now (after a recording stops, say); composing goes on in the background. */
  kick(): void;
  /** Resolves once the queue is empty (every eligible recording composed or failed). */
  idle(): Promise<void>;
  /** A failed archive is composed again; null if there is no such recording. */
  retry(townHallId: string, recordingId: string): Promise<ArchiveInfo | null>;
  /** Stops the running FFmpeg; its recording stays "composing" and starts again next time. */
  close(): Promise<void>;
}

export function createComposer(options: ComposerOptions): Composer {
  const { library, log } = options;
  const now = options.now ?? Date.now;
  /** Recordings begun before this composer existed cannot still be written by this process. */
  const since = now();
  const progressEveryMs = options.progressEveryMs ?? 1000;
  let closed = false;
  let running: CompositionRun | null = null;
  let loop: Promise<void> | null = null;
  let again = false;
  /** Recordings whose folder could not be written: left until the next start, not retried in a loop. */
  const unwritable = new Set<string>();

  /** Stopped, or cut off by a crash before this process started, and not being written now. */
  const finished = (recording: StoredRecording) =>
    !options.isRecording(recording.townHallId, recording.id) && (recording.stoppedAt !== null || recording.startedAt < since);

  /** The oldest recording that wants an archive; only their timelines are read. */
  const next = async (): Promise<StoredRecording | null> => {
    const wanted: StoredRecording[] = [];
    for (const { townHallId, recordingId } of await library.folders()) {
      const { status } = await library.archive(townHallId, recordingId);
      if ((status !== 'waiting' && status !== 'composing') || unwritable.has(recordingId)) continue;
      const recording = await library.get(townHallId, recordingId);
      if (recording !== null && finished(recording)) wanted.push(recording);
    }
    return wanted.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))[0] ?? null;
  };

  const compose = async (recording: StoredRecording) => {
    const { townHallId, id } = recording;
    const timeline = (await library.timeline(townHallId, id)) ?? [];
    let lastWrite = 0;
    let durationMs: number | null = null;
    let writes = Promise.resolve();
    const write = (progress: number) => {
      writes = writes
        .then(() => (closed ? undefined : library.writeArchive(townHallId, id, { status: 'composing', progress, durationMs })))
        .catch((err: unknown) => log.warn({ err, townHall: townHallId, recording: id }, 'archive progress not written'));
    };
    const job = startComposition({
      dir: recording.dir,
      timeline,
      ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
      ...(options.ffprobePath === undefined ? {} : { ffprobePath: options.ffprobePath }),
      ...(options.niceness === undefined ? {} : { niceness: options.niceness }),
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      onProgress(fraction) {
        const at = now();
        if (at - lastWrite < progressEveryMs) return;
        lastWrite = at;
        write(fraction);
      },
    });
    running = job;
    durationMs = (await job.planned) || null;
    write(0);
    log.info({ townHall: townHallId, recording: id, durationMs }, 'composing an archive');
    const result = await job.done.catch((err: unknown) => {
      log.error({ err, townHall: townHallId, recording: id }, 'composing an archive failed');
      return { ok: false as const, reason: 'The archive could not be written on this server.' };
    });
    running = null;
    await writes;
    if ('cancelled' in result) return;
    if (result.ok) {
      await library.writeArchive(townHallId, id, { status: 'ready', progress: 1, durationMs: result.durationMs });
      log.info({ townHall: townHallId, recording: id, durationMs: result.durationMs }, 'archive ready');
    } else {
      await library.writeArchive(townHallId, id, { status: 'failed', progress: 0, durationMs, error: result.reason });
      log.warn({ townHall: townHallId, recording: id, reason: result.reason }, 'archive failed');
    }
  };

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        if (closed) return;
        const recording = await next();
        if (recording === null) break;
        try {
          await compose(recording);
        } catch (err) {
          // A folder that cannot be written: say so and go on; it is tried again at the next start.
          unwritable.add(recording.id);
          log.error({ err, townHall: recording.townHallId, recording: recording.id }, 'archive not written');
        }
      }
    } while (again && !closed);
  };

  const kick = () => {
    if (closed) return;
    if (loop !== null) {
      again = true;
      return;
    }
    loop = drain()
      .catch((err: unknown) => log.error({ err }, 'the archive queue stopped'))
      .finally(() => {
        loop = null;
      });
  };

  return {
    kick,
    async idle() {
      while (loop !== null) await loop;
    },
    async retry(townHallId, recordingId) {
      const archive = await requeue(library, townHallId, recordingId);
      if (archive === null) return null;
      unwritable.delete(recordingId);
      kick();
      return archive;
    },
    async close() {
      closed = true;
      await running?.cancel();
      await loop;
    },
  };
}

/** Every recording in the library with its archive's state, newest first. */
export async function archiveOverview(library: RecordingLibrary): Promise<Omit<ArchiveOverview, 'title'>[]> {
  const recordings = await library.all();
  const rows = await Promise.all(
    recordings.map(async (recording) => ({
      ...(await library.archive(recording.townHallId, recording.id)),
      startedAt: recording.startedAt,
      stoppedAt: recording.stoppedAt,
    })),
  );
  return rows.reverse();
}

/** A failed archive goes back to waiting; any other is left as it is. Null if there is no such recording. */
export async function requeue(library: RecordingLibrary, townHallId: string, recordingId: string): Promise<ArchiveInfo | null> {
  const recording = await library.get(townHallId, recordingId).catch(() => null);
  if (recording === null) return null;
  const archive = await library.archive(townHallId, recordingId);
  if (archive.status !== 'failed') return archive;
  // Its length stays known: the plan does not change by asking again.
  await library.writeArchive(townHallId, recordingId, { ...ARCHIVE_WAITING, durationMs: archive.durationMs });
  return library.archive(townHallId, recordingId);
}
