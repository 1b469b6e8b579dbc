// Recording: which town halls record now, starting and stopping, and feeding each recording's
// timeline from the media events (tracks, active speaker), the stage, and the public facts of
// questions ("answering now") and captions. Recordings are written on this node's disk, where
// the town hall's media (every producer) is.
import path from 'node:path';
import type { MediaService, MediaServiceEvents } from '../../media/index.js';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Id } from '../../shared/ids.js';
import { NOT_RECORDING, type RecordingInfo, type RecordingState } from '../../shared/recording.js';
import type { TownHall } from '../../shared/townhall.js';
import type { StageView } from '../../shared/media.js';
import { newId } from '../core/ids.js';
import type { Logger } from '../core/log.js';
import { DEFAULT_MIN_FREE_BYTES, freeBytes } from './disk.js';
import { RecordingSession } from './session.js';

export interface RecordingServiceOptions {
  /** Without video there is nothing to record: starting answers UNAVAILABLE. */
  media: MediaService | null;
  /** Recordings go under `<dataDir>/recordings/<townHallId>/<recordingId>/`. */
  dataDir: string;
  /** Free space below which recording is refused (DEFAULT_MIN_FREE_BYTES by default). */
  minFreeBytes?: number;
  /** Whether the admins require every town hall to be recorded (read when one goes live). */
  required: () => Promise<boolean>;
  /** The stage as it is when a recording starts (who is on it, the interpreter); later changes come through `stageChanged`. */
  stage?: { view(townHallId: Id): Promise<StageView> };
  now?: () => number;
  log: Logger;
  ffmpegPath?: string;
}

type ChangeListener = (townHallId: Id, state: RecordingState) => void;

export interface RecordingService {
  state(townHallId: Id): RecordingState;
  /** Starts recording a live town hall: CONFLICT if it records already, UNAVAILABLE without video or disk space. */
  start(townHallId: Id): Promise<RecordingState>;
  /** CONFLICT if it is not recording. */
  stop(townHallId: Id): Promise<RecordingState>;
  /** The recording running now (its folder and files), for tests and the operator. */
  current(townHallId: Id): (RecordingInfo & { dir: string; tracks: string[] }) | null;
  /** Told after every start and stop. */
  onChange(listener: ChangeListener): () => void;
  /** Told once a stopped recording's files and timeline are finished (the archive can be composed). */
  onStopped(listener: (recording: RecordingInfo) => void): () => void;
  /** The town hall went live (recording starts if required) or ended (recording stops). */
  townHallChanged(townHall: TownHall): void;
  /** The stage changed: residents on it, and the interpreter. */
  stageChanged(townHallId: Id, stage: StageView): void;
  /** A fact published to everyone in the town hall: questions answering now, caption lines. */
  fact(townHallId: Id, event: string, payload: unknown): void;
  /** Stops every recording (each file finished). */
  close(): Promise<void>;
}

export const LOW_DISK_MESSAGE = 'Not enough free disk space to record; ask an administrator to free some.';

export function createRecordingService(options: RecordingServiceOptions): RecordingService {
  const now = options.now ?? Date.now;
  const minFree = options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  const root = path.join(options.dataDir, 'recordings');
  const sessions = new Map<Id, { townHallId: Id; session: RecordingSession }>();
  /** Town halls whose recording is starting: a second start meanwhile is a CONFLICT too. */
  const starting = new Set<Id>();
  const listeners = new Set<ChangeListener>();
  const stoppedListeners = new Set<(recording: RecordingInfo) => void>();
  const unsubscribe: Array<() => void> = [];

  const stateOf = (townHallId: Id): RecordingState => {
    const found = sessions.get(townHallId);
    return found === undefined ? NOT_RECORDING : { recording: true, since: found.session.startedAt };
  };
  const changed = (townHallId: Id) => {
    const state = stateOf(townHallId);
    for (const listener of listeners) listener(townHallId, state);
  };

  const media = options.media;
  if (media !== null) {
    const on = <K extends keyof MediaServiceEvents>(name: K, listener: (...args: MediaServiceEvents[K]) => void) => {
      media.events.on(name, listener as never);
      unsubscribe.push(() => media.events.off(name, listener as never));
    };
    on('producernew', ({ townHallId, producerId }) => void sessions.get(townHallId)?.session.addTrack(producerId));
    on('activespeaker', ({ townHallId, producerId }) => sessions.get(townHallId)?.session.speaker(producerId));
  }

  const stop = async (townHallId: Id): Promise<RecordingState> => {
    const found = sessions.get(townHallId);
    if (found === undefined) throw new CommandError(ErrorCode.CONFLICT, 'This town hall is not being recorded.');
    sessions.delete(townHallId);
    changed(townHallId);
    // The recording ends now, as its timeline says; finishing the files takes a moment more.
    const stoppedAt = now();
    await found.session.stop();
    options.log.info({ townHall: townHallId, recording: found.session.recordingId }, 'recording stopped');
    const info: RecordingInfo = { id: found.session.recordingId, townHallId, startedAt: found.session.startedAt, stoppedAt };
    for (const listener of stoppedListeners) listener(info);
    return NOT_RECORDING;
  };

  const start = async (townHallId: Id): Promise<RecordingState> => {
    if (media === null) throw new CommandError(ErrorCode.UNAVAILABLE, 'Video is off on this server, so there is nothing to record.');
    if (sessions.has(townHallId) || starting.has(townHallId)) {
      throw new CommandError(ErrorCode.CONFLICT, 'This town hall is already being recorded.');
    }
    starting.add(townHallId);
    try {
      const free = await freeBytes(root);
      if (free < minFree) {
        options.log.warn({ townHall: townHallId, freeBytes: free, minFreeBytes: minFree }, 'recording refused: low disk space');
        throw new CommandError(ErrorCode.UNAVAILABLE, LOW_DISK_MESSAGE, { reason: 'DISK_LOW' });
      }
      // The media is made if nobody has joined the video yet: tracks start as producers come.
      await media.mediaFor(townHallId);
      // Who is already on stage, and the interpreter marked before the start, open the timeline:
      // read first, so their lines come before the tracks'.
      const stageBefore = await options.stage?.view(townHallId).catch(() => undefined);
      const recordingId = newId();
      const startedAt = now();
      const session = await RecordingSession.open({
        media,
        townHallId,
        recordingId,
        dir: path.join(root, townHallId, recordingId),
        startedAt,
        now,
        log: options.log,
        ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
        ...(stageBefore === undefined ? {} : { stage: stageBefore }),
      });
      sessions.set(townHallId, { townHallId, session });
      // A change while the tracks started was not seen by the session yet (it adds only what differs).
      const stage = await options.stage?.view(townHallId).catch(() => undefined);
      if (stage) session.stage(stage);
      options.log.info({ townHall: townHallId, recording: recordingId, tracks: session.recording.length }, 'recording started');
    } finally {
      starting.delete(townHallId);
    }
    changed(townHallId);
    return stateOf(townHallId);
  };

  const logged = (step: Promise<unknown>, townHallId: Id, what: string) =>
    void step.catch((err: unknown) => {
      const code = err instanceof CommandError ? err.code : undefined;
      options.log.warn({ townHall: townHallId, code, err: code ? undefined : err }, what);
    });

  return {
    state: stateOf,
    start,
    stop,
    current(townHallId) {
      const found = sessions.get(townHallId);
      if (found === undefined) return null;
      const { session } = found;
      return { id: session.recordingId, townHallId, startedAt: session.startedAt, stoppedAt: null, dir: session.dir, tracks: session.recording };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStopped(listener) {
      stoppedListeners.add(listener);
      return () => stoppedListeners.delete(listener);
    },
    townHallChanged(townHall) {
      if (townHall.status === 'ended' && sessions.has(townHall.id)) logged(stop(townHall.id), townHall.id, 'stopping a recording failed');
      if (townHall.status === 'live' && !sessions.has(townHall.id) && !starting.has(townHall.id)) {
        logged(
          options.required().then((required) => (required ? start(townHall.id) : undefined)),
          townHall.id,
          'a required recording did not start',
        );
      }
    },
    stageChanged(townHallId, stage) {
      sessions.get(townHallId)?.session.stage(stage);
    },
    fact(townHallId, event, payload) {
      const session = sessions.get(townHallId)?.session;
      if (session === undefined) return;
      if (event === 'captions:line-added') {
        const { line } = payload as { line: { id: Id; text: string; lang?: string | null } };
        session.caption(line.id, line.text, line.lang ?? null);
      } else if (event === 'qa:question-changed') {
        const { question } = payload as { question: { id: Id; answerState: string } };
        if (question.answerState === 'answering') session.answering(question.id);
        else if (session.isAnswering(question.id)) session.answering(null);
      }
    },
    async close() {
      for (const off of unsubscribe.splice(0)) off();
      await Promise.all([...sessions.keys()].map((townHallId) => stop(townHallId).catch(() => undefined)));
    },
  };
}
