// The archival video's picture, planned from a recording's timeline (pure: no I/O, no clock).
// The composition job turns the plan into FFmpeg filters; this file only decides what is shown
// when: the screen share, else the person who has the floor, large; the sign-language
// interpreter as an inset whenever their camera is on; every microphone mixed; and chapters
// from the "answering now" markers.
import type { MediaKind, MediaSource } from '../../shared/media.js';
import type { TimelineEntry, TimelineParticipant } from '../../shared/recording.js';

/** One recorded track file, placed on the recording's time line (ms since it started). */
export interface RecordedTrack {
  trackId: string;
  file: string;
  kind: MediaKind;
  source: MediaSource;
  participant: TimelineParticipant;
  startMs: number;
  /** Null while still open (a crash): it lasts to the end of the recording. */
  endMs: number | null;
}

export interface LayoutOptions {
  /**
   * A picture switched to because someone else took the floor stays at least this long, so a
   * back-and-forth does not flicker. Never holds a track that has ended, a screen share, nor
   * the interpreter's camera (they move to the inset at once).
   */
  minSegmentMs?: number;
  /** A speaker takes the floor only after speaking this long; shorter remarks change nothing. */
  speakerHoldMs?: number;
}

export const LAYOUT_DEFAULTS = { minSegmentMs: 4000, speakerHoldMs: 1500 } as const;

/** Why the large picture is what it is. */
export type MainReason = 'screen' | 'speaker' | 'earlier-speaker' | 'host' | 'camera' | 'interpreter-only';

export interface LayoutPicture {
  trackId: string;
  userId: string;
  reason: MainReason;
}

export interface LayoutSegment {
  startMs: number;
  endMs: number;
  /** Large; null when no video at all (the composition shows a card). */
  main: LayoutPicture | null;
  /** The interpreter's camera as an inset, whenever they have one on (and it is not already large). */
  inset: { trackId: string; userId: string } | null;
  /** Audio tracks mixed in this segment. */
  audio: string[];
}

export interface LayoutChapter {
  questionId: string;
  startMs: number;
  endMs: number;
}

export interface LayoutPlan {
  durationMs: number;
  segments: LayoutSegment[];
  chapters: LayoutChapter[];
}

/**
 * The tracks a timeline's own `track-started`/`track-stopped` entries describe, each starting
 * where its file's first packet was (`track-media-started`) when the timeline says so: the
 * file starts there, often seconds after the track did, and placing it earlier would put the
 * picture ahead of the voice.
 */
export function tracksFromTimeline(timeline: readonly TimelineEntry[]): RecordedTrack[] {
  // Its time may come before its track-started entry's (the first packet can beat that line).
  const mediaStarts = new Map<string, number>();
  for (const entry of timeline) if (entry.type === 'track-media-started') mediaStarts.set(`${entry.trackId}/${entry.file}`, entry.offsetMs);
  const tracks = new Map<string, RecordedTrack>();
  for (const entry of timeline) {
    if (entry.type === 'track-started') {
      const { trackId, file, kind, source, participant } = entry;
      const startMs = mediaStarts.get(`${trackId}/${file}`) ?? entry.offsetMs;
      tracks.set(trackId, { trackId, file, kind, source, participant, startMs, endMs: null });
    } else if (entry.type === 'track-stopped') {
      const track = tracks.get(entry.trackId);
      if (track && track.endMs === null) track.endMs = entry.offsetMs;
    }
  }
  return [...tracks.values()];
}

/** The recording's length: to its stop, or after a crash to the last thing known of it. */
export function durationOf(timeline: readonly TimelineEntry[], tracks: readonly RecordedTrack[]): number {
  const stopped = timeline.find((e) => e.type === 'recording-stopped');
  if (stopped) return stopped.offsetMs;
  const times = [...timeline.map((e) => e.offsetMs), ...tracks.map((t) => t.endMs ?? t.startMs)];
  return Math.max(0, ...times);
}

/** A value that changes at given times: `at(t)` is the last value set at or before t. */
class Steps<T> {
  readonly #times: number[] = [];
  readonly #values: T[] = [];
  constructor(readonly initial: T) {}

  set(time: number, value: T): void {
    // Entries at the same moment: the later line wins.
    if (this.#times.at(-1) === time) this.#values[this.#values.length - 1] = value;
    else {
      this.#times.push(time);
      this.#values.push(value);
    }
  }

  at(time: number): T {
    let value = this.initial;
    for (let i = 0; i < this.#times.length && this.#times[i]! <= time; i++) value = this.#values[i]!;
    return value;
  }

  changes(): ReadonlyArray<{ time: number; value: T }> {
    return this.#times.map((time, i) => ({ time, value: this.#values[i]! }));
  }
}

/**
 * Who has the floor at each moment: a speaker once they have spoken `holdMs` without a break;
 * silence and shorter remarks leave it with the one who had it. Offline, so a speech that
 * holds takes the floor from its first moment, not `holdMs` late.
 */
function floorOf(timeline: readonly TimelineEntry[], holdMs: number, end: number, interpreter: Steps<string | null>): Steps<string | null> {
  const runs: { userId: string | null; start: number; end: number }[] = [];
  for (const entry of timeline) {
    if (entry.type !== 'active-speaker') continue;
    const userId = entry.participant?.userId ?? null;
    const last = runs.at(-1);
    if (last) last.end = entry.offsetMs;
    if (last?.userId === userId) last.end = end;
    else runs.push({ userId, start: entry.offsetMs, end });
  }
  const floor = new Steps<string | null>(null);
  let holder: string | null = null;
  for (const run of runs) {
    // The interpreter voicing for someone does not take the picture from the speakers.
    if (run.userId === null || run.userId === holder || run.userId === interpreter.at(run.start)) continue;
    if (run.end - run.start < holdMs) continue;
    holder = run.userId;
    floor.set(run.start, holder);
  }
  return floor;
}

interface Wanted {
  main: LayoutPicture | null;
  inset: LayoutSegment['inset'];
  audio: string[];
}

export function planLayout(timeline: readonly TimelineEntry[], tracks: readonly RecordedTrack[], options: LayoutOptions = {}): LayoutPlan {
  const { minSegmentMs, speakerHoldMs } = { ...LAYOUT_DEFAULTS, ...options };
  const durationMs = durationOf(timeline, tracks);
  const live = (track: RecordedTrack, t: number) => track.startMs <= t && t < (track.endMs ?? durationMs);

  const interpreter = new Steps<string | null>(null);
  const screens = new Steps<string | null>(null);
  for (const entry of timeline) {
    if (entry.type === 'interpreter') interpreter.set(entry.offsetMs, entry.participant?.userId ?? null);
    else if (entry.type === 'screen-on') screens.set(entry.offsetMs, entry.trackId);
    else if (entry.type === 'screen-off' && screens.at(entry.offsetMs) === entry.trackId) screens.set(entry.offsetMs, null);
  }
  const floor = floorOf(timeline, speakerHoldMs, durationMs, interpreter);

  const cameraOf = (userId: string, t: number) =>
    tracks.filter((k) => k.source === 'camera' && k.kind === 'video' && k.participant.userId === userId && live(k, t)).at(-1);

  const wanted = (t: number): Wanted => {
    const interpreterId = interpreter.at(t);
    const interpreterCamera = interpreterId === null ? undefined : cameraOf(interpreterId, t);
    const audio = tracks.filter((k) => k.kind === 'audio' && live(k, t)).map((k) => k.trackId);
    const picture = (track: RecordedTrack, reason: MainReason): LayoutPicture => ({ trackId: track.trackId, userId: track.participant.userId, reason });
    const inset = interpreterCamera ? { trackId: interpreterCamera.trackId, userId: interpreterCamera.participant.userId } : null;

    const screenId = screens.at(t);
    const screen = screenId === null ? undefined : tracks.find((k) => k.trackId === screenId && live(k, t));
    if (screen) return { main: picture(screen, 'screen'), inset, audio };

    // The floor holder now, then earlier ones, most recent first.
    const holders = floor
      .changes()
      .filter((c) => c.time <= t && c.value !== null)
      .map((c) => c.value!)
      .reverse();
    for (const [i, userId] of holders.entries()) {
      const camera = userId === interpreterId ? undefined : cameraOf(userId, t);
      if (camera) return { main: picture(camera, i === 0 ? 'speaker' : 'earlier-speaker'), inset, audio };
    }
    const cameras = tracks.filter((k) => k.source === 'camera' && k.kind === 'video' && live(k, t) && k.participant.userId !== interpreterId);
    const host = cameras.find((k) => k.participant.staff);
    if (host) return { main: picture(host, 'host'), inset, audio };
    if (cameras[0]) return { main: picture(cameras[0], 'camera'), inset, audio };
    // Only the interpreter is on camera: they are the picture.
    if (interpreterCamera) return { main: picture(interpreterCamera, 'interpreter-only'), inset: null, audio };
    return { main: null, inset: null, audio };
  };

  // The moments anything can change; between two of them the wanted layout is constant.
  const times = new Set<number>([0]);
  for (const entry of timeline) times.add(entry.offsetMs);
  for (const change of floor.changes()) times.add(change.time);
  for (const track of tracks) {
    times.add(track.startMs);
    if (track.endMs !== null) times.add(track.endMs);
  }
  const cuts = [...times].filter((t) => t >= 0 && t < durationMs).sort((a, b) => a - b);

  const pieces: LayoutSegment[] = [];
  let shown: LayoutPicture | null = null;
  let shownSince = 0;
  const push = (startMs: number, endMs: number, layout: Wanted, main: LayoutPicture | null) => {
    if (endMs <= startMs) return;
    if (main !== shown) {
      shown = main;
      shownSince = startMs;
    }
    pieces.push({ startMs, endMs, main, inset: main?.trackId === layout.inset?.trackId ? null : layout.inset, audio: layout.audio });
  };

  for (const [i, start] of cuts.entries()) {
    const end = cuts[i + 1] ?? durationMs;
    const layout = wanted(start);
    // `shown` moves inside push(), which the compiler cannot see from here.
    const current = shown as LayoutPicture | null;
    if (samePicture(layout.main, current)) {
      push(start, end, layout, current);
      continue;
    }
    // Held only against a change of speaker: a screen, a track that ended, nothing shown or the
    // interpreter shown large (alone, or before they were marked: they stay on as the inset)
    // switch at once.
    const stillLive = current !== null && tracks.some((k) => k.trackId === current.trackId && live(k, start));
    const held =
      stillLive &&
      layout.main !== null &&
      layout.main.reason !== 'screen' &&
      current.reason !== 'screen' &&
      current.userId !== interpreter.at(start);
    const switchAt = held ? Math.max(start, shownSince + minSegmentMs) : start;
    if (switchAt >= end) {
      push(start, end, layout, current);
    } else {
      push(start, switchAt, layout, current);
      push(switchAt, end, layout, layout.main);
    }
  }

  return { durationMs, segments: merge(pieces), chapters: chaptersOf(timeline, durationMs) };
}

const samePicture = (a: LayoutPicture | null, b: LayoutPicture | null) => a?.trackId === b?.trackId;

/** Joins neighbours that show and mix the same things. */
function merge(pieces: LayoutSegment[]): LayoutSegment[] {
  const segments: LayoutSegment[] = [];
  for (const piece of pieces) {
    const last = segments.at(-1);
    if (
      last &&
      last.endMs === piece.startMs &&
      samePicture(last.main, piece.main) &&
      last.inset?.trackId === piece.inset?.trackId &&
      last.audio.join() === piece.audio.join()
    ) {
      last.endMs = piece.endMs;
    } else {
      segments.push({ ...piece, audio: [...piece.audio] });
    }
  }
  return segments;
}

/** A chapter per question answered live, from its "answering now" to the next marker or the end. */
export function chaptersOf(timeline: readonly TimelineEntry[], durationMs: number): LayoutChapter[] {
  const chapters: LayoutChapter[] = [];
  let open: LayoutChapter | null = null;
  for (const entry of timeline) {
    if (entry.type !== 'answering') continue;
    if (open && entry.questionId === open.questionId) continue;
    if (open) open.endMs = entry.offsetMs;
    open = entry.questionId === null ? null : { questionId: entry.questionId, startMs: entry.offsetMs, endMs: durationMs };
    if (open) chapters.push(open);
  }
  return chapters.filter((c) => c.endMs > c.startMs);
}
