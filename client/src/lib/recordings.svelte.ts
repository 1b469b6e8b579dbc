// A town hall's recordings on its record page, over HTTP: the published archives everyone
// plays (captions, chapters, transcript), and the admins' unpublish, publish again and raw
// tracks. Snapshots in $state.raw; commands answer Results so the forms report one way.
import { UNDETERMINED_LANGUAGE } from '../../../shared/captions.js';
import type { AppError, Result } from '../../../shared/errors.js';
import type { CaptionCue, PlayableRecording, RawTrackFile } from '../../../shared/recording.js';
import { request } from './api.js';

const base = (townHallId: string, recordingId?: string) =>
  `/api/townhalls/${encodeURIComponent(townHallId)}/recordings${recordingId === undefined ? '' : `/${encodeURIComponent(recordingId)}`}`;

/** Every address of a recording, in one place. */
export const recordingHref = {
  video: (townHallId: string, recordingId: string) => `${base(townHallId, recordingId)}/video.webm`,
  /** One language's captions (null: the lines of unknown language). */
  captions: (townHallId: string, recordingId: string, lang: string | null) =>
    `${base(townHallId, recordingId)}/captions.vtt?lang=${encodeURIComponent(lang ?? UNDETERMINED_LANGUAGE)}`,
  /** The same files, sent as downloads with a name that says which meeting they are. */
  videoDownload: (townHallId: string, recordingId: string) => `${base(townHallId, recordingId)}/video.webm?download=1`,
  captionsDownload: (townHallId: string, recordingId: string, lang: string | null) =>
    `${base(townHallId, recordingId)}/captions.vtt?download=1&lang=${encodeURIComponent(lang ?? UNDETERMINED_LANGUAGE)}`,
  chapters: (townHallId: string, recordingId: string, lang: string) =>
    `${base(townHallId, recordingId)}/chapters.vtt?lang=${encodeURIComponent(lang)}`,
  track: (townHallId: string, recordingId: string, file: string) => `${base(townHallId, recordingId)}/tracks/${encodeURIComponent(file)}`,
};

/** A chapter as the player lists it: a question answered live, titled with its text. */
export interface TitledChapter {
  questionId: string;
  startMs: number;
  endMs: number;
  title: string;
}

/** The caption line showing at `ms` (the latest begun, when two overlap), or null between lines. */
export function cueAt(cues: readonly CaptionCue[], ms: number): CaptionCue | null {
  let found: CaptionCue | null = null;
  for (const cue of cues) {
    if (cue.startMs > ms) break;
    if (ms < cue.endMs) found = cue;
  }
  return found;
}

/** The chapter playing at `ms`, or null outside every chapter. */
export function chapterAt<C extends { startMs: number; endMs: number }>(chapters: readonly C[], ms: number): C | null {
  return chapters.find((c) => c.startMs <= ms && ms < c.endMs) ?? null;
}

/** `m:ss`, or `h:mm:ss` past an hour: a position in the video as players show it. */
export function clockTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export class TownHallRecordings {
  readonly townHallId: string;
  recordings = $state.raw<PlayableRecording[] | null>(null);
  error = $state.raw<AppError | null>(null);

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  async load(): Promise<void> {
    const result = await request<{ recordings: PlayableRecording[] }>('GET', base(this.townHallId));
    if (result.ok) {
      this.recordings = result.data.recordings;
      this.error = null;
    } else this.error = result.error;
  }

  /** Admins: takes a recording off the record, with the reason that goes on the audit chain. */
  async unpublish(recordingId: string, reason: string): Promise<Result<PlayableRecording>> {
    return this.#changed(await request<{ recording: PlayableRecording }>('POST', `${base(this.townHallId, recordingId)}/unpublish`, { reason }));
  }

  /** Admins: puts an unpublished recording back on the record. */
  async publish(recordingId: string): Promise<Result<PlayableRecording>> {
    return this.#changed(await request<{ recording: PlayableRecording }>('POST', `${base(this.townHallId, recordingId)}/publish`, {}));
  }

  /** Admins: the raw track files of a recording. */
  async tracks(recordingId: string): Promise<Result<RawTrackFile[]>> {
    const result = await request<{ tracks: RawTrackFile[] }>('GET', `${base(this.townHallId, recordingId)}/tracks`);
    return result.ok ? { ok: true, data: result.data.tracks } : result;
  }

  #changed(result: Result<{ recording: PlayableRecording }>): Result<PlayableRecording> {
    if (!result.ok) return result;
    const changed = result.data.recording;
    this.recordings = (this.recordings ?? []).map((r) => (r.id === changed.id ? changed : r));
    return { ok: true, data: changed };
  }
}
