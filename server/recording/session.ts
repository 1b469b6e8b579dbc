// One recording of one town hall, from its start to its stop: a TrackRecorder (its own FFmpeg
// process and file) per producer, and the timeline beside them. A producer that closes ends
// its file; the same person publishing again is a new producer, so a new file.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MediaService, TownHallProducer, TrackRecorder } from '../../media/index.js';
import type { Id } from '../../shared/ids.js';
import type { TimelineParticipant } from '../../shared/recording.js';
import type { StageView } from '../../shared/media.js';
import type { Logger } from '../core/log.js';
import { TimelineWriter } from './timeline.js';

export interface SessionOptions {
  media: MediaService;
  townHallId: Id;
  recordingId: Id;
  /** The recording's own folder: `<dataDir>/recordings/<townHallId>/<recordingId>`. */
  dir: string;
  startedAt: number;
  now: () => number;
  log: Logger;
  ffmpegPath?: string;
  niceness?: number;
  /** The stage as the recording starts: it opens the timeline, before any track (the layout reads the interpreter from it). */
  stage?: StageView;
}

interface Track {
  file: string;
  recorder: TrackRecorder | null;
  producer: TownHallProducer;
}

export const TIMELINE_FILE = 'timeline.jsonl';

const participantOf = (producer: TownHallProducer): TimelineParticipant => ({
  userId: producer.appData.userId,
  staff: producer.appData.staff,
});

export class RecordingSession {
  readonly recordingId: Id;
  readonly startedAt: number;
  readonly dir: string;
  readonly timeline: TimelineWriter;
  readonly #options: SessionOptions;
  readonly #tracks = new Map<string, Track>();
  readonly #ending = new Set<Promise<unknown>>();
  #files = 0;
  #stage = new Set<Id>();
  #interpreter: Id | null = null;
  #answering: Id | null = null;
  #stopped: Promise<void> | undefined;

  private constructor(options: SessionOptions) {
    this.#options = options;
    this.recordingId = options.recordingId;
    this.startedAt = options.startedAt;
    this.dir = options.dir;
    this.timeline = new TimelineWriter({
      file: path.join(options.dir, TIMELINE_FILE),
      startedAt: options.startedAt,
      now: options.now,
      onError: (err) => options.log.error({ err, townHall: options.townHallId }, 'recording timeline write failed'),
    });
  }

  /** Makes the folder, writes the first timeline line and starts a track for every producer there is. */
  static async open(options: SessionOptions): Promise<RecordingSession> {
    await mkdir(options.dir, { recursive: true });
    const session = new RecordingSession(options);
    session.timeline.add({ type: 'recording-started', recordingId: options.recordingId, townHallId: options.townHallId });
    if (options.stage) session.stage(options.stage);
    const media = options.media.existingMedia(options.townHallId);
    await Promise.all((media?.producers() ?? []).map((producer) => session.addTrack(producer.id)));
    return session;
  }

  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Files of the tracks being written now (relative to the recording's folder). */
  get recording(): string[] {
    return [...this.#tracks.values()].map((track) => track.file);
  }

  /** Starts recording a producer of the town hall; a producer already recorded is left alone. */
  async addTrack(producerId: string): Promise<void> {
    if (this.stopped || this.#tracks.has(producerId)) return;
    const media = this.#options.media.existingMedia(this.#options.townHallId);
    const producer = media?.producer(producerId);
    if (media === undefined || producer === undefined || producer.closed) return;
    this.#files += 1;
    const { source, kind } = { source: producer.appData.source, kind: producer.kind };
    const file = `${String(this.#files).padStart(3, '0')}-${source}-${kind}.mkv`;
    const track: Track = { file, recorder: null, producer };
    this.#tracks.set(producerId, track);
    let recorder: TrackRecorder;
    try {
      recorder = await media.recordTrack(producerId, path.join(this.dir, file), {
        ...(this.#options.ffmpegPath === undefined ? {} : { ffmpegPath: this.#options.ffmpegPath }),
        ...(this.#options.niceness === undefined ? {} : { niceness: this.#options.niceness }),
      });
    } catch (err) {
      this.#tracks.delete(producerId);
      // The producer may have closed meanwhile; anything else is worth a line (no names in it).
      if (!producer.closed) this.#options.log.warn({ err, townHall: this.#options.townHallId, file }, 'a track could not be recorded');
      return;
    }
    track.recorder = recorder;
    const participant = participantOf(producer);
    this.timeline.add({ type: 'track-started', trackId: producerId, file, kind, source, participant });
    void recorder.mediaStartedAt.then((startedAt) => {
      // The recorder tells the time on the machine's clock; the timeline may keep another (a
      // test's): what counts is how long ago it was.
      if (startedAt !== null) this.timeline.add({ type: 'track-media-started', trackId: producerId, file }, this.#options.now() - (Date.now() - startedAt));
    });
    if (source === 'screen') this.timeline.add({ type: 'screen-on', trackId: producerId, participant });
    // The track ends when its producer does (FFmpeg finishes its file a moment later), or when
    // FFmpeg stops for any other reason.
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.timeline.add({ type: 'track-stopped', trackId: producerId, file });
      if (source === 'screen') this.timeline.add({ type: 'screen-off', trackId: producerId, participant });
    };
    producer.observer.once('close', end);
    const exited = recorder.exited.then(() => {
      this.#tracks.delete(producerId);
      end();
    });
    this.#ending.add(exited);
    void exited.finally(() => this.#ending.delete(exited));
    if (this.stopped) await recorder.stop();
  }

  /** The loudest microphone now (a producer id), or null after a silence. */
  speaker(producerId: string | null): void {
    if (this.stopped) return;
    const producer = producerId === null ? undefined : this.#options.media.existingMedia(this.#options.townHallId)?.producer(producerId);
    this.timeline.add({
      type: 'active-speaker',
      participant: producer === undefined ? null : participantOf(producer),
      trackId: producer === undefined ? null : producer.id,
    });
  }

  /**
   * The stage now: the residents brought on it (hosts are not "on stage"), and the interpreter
   * (staff unless they are one of those residents).
   */
  stage(view: StageView): void {
    if (this.stopped) return;
    const userIds = view.speakers.map((s) => s.userId);
    const interpreter = view.interpreter?.userId ?? null;
    if (interpreter !== this.#interpreter) {
      this.#interpreter = interpreter;
      this.timeline.add({ type: 'interpreter', participant: interpreter === null ? null : { userId: interpreter, staff: !userIds.includes(interpreter) } });
    }
    const now = new Set(userIds);
    for (const userId of now) if (!this.#stage.has(userId)) this.timeline.add({ type: 'stage-on', participant: { userId, staff: false } });
    for (const userId of this.#stage) if (!now.has(userId)) this.timeline.add({ type: 'stage-off', participant: { userId, staff: false } });
    this.#stage = now;
  }

  /** The question being answered now, or null; repeats are left out. */
  answering(questionId: Id | null): void {
    if (this.stopped || questionId === this.#answering) return;
    this.#answering = questionId;
    this.timeline.add({ type: 'answering', questionId });
  }

  isAnswering(questionId: Id): boolean {
    return this.#answering === questionId;
  }

  caption(lineId: Id, text: string, lang: string | null = null): void {
    if (!this.stopped) this.timeline.add({ type: 'caption', lineId, text, ...(lang === null ? {} : { lang }) });
  }

  /**
   * Ends every track (each FFmpeg finishes its file) and writes the last timeline line, timed
   * at this call: the seconds the recorders take to finish are not part of the recording.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const stoppedAt = this.#options.now();
      await Promise.all([...this.#tracks.values()].map((track) => track.recorder?.stop()));
      await Promise.all([...this.#ending]);
      this.timeline.add({ type: 'recording-stopped', recordingId: this.recordingId }, stoppedAt);
      await this.timeline.flushed();
    })();
    return this.#stopped;
  }
}
