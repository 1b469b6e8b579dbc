// What the record page needs from a recording's timeline (its info, caption lines, "answering
// now" markers and planned length), read once per stopped recording and kept: a timeline holds
// a line per caption and per change of speaker, so a two-hour meeting's is hundreds of kilobytes,
// and the record page is read by a crowd after a meeting while a player asks for the video in
// many ranges. A stopped recording's timeline never changes; an open one (still recording, or
// cut short by a crash) is read afresh each time. Small files (archive.json, published.json)
// are never kept: an unpublish or a new archive status counts at once.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaptionCue, TimelineEntry } from '../../shared/recording.js';
import { chaptersOf, durationOf, tracksFromTimeline, type LayoutChapter } from './layout-plan.js';
import { infoOf, type RecordingLibrary, type StoredRecording } from './library.js';
import { TIMELINE_FILE } from './session.js';
import { captionCues } from './vtt.js';

export interface TimelineFacts {
  info: StoredRecording;
  captions: CaptionCue[];
  /** The "answering now" markers, for the chapters. */
  answering: TimelineEntry[];
  /** The length the composition plans, until the archive says its own. */
  plannedMs: number;
}

/** Chapters over the archive's length when known, as library.listing makes them. */
export const chaptersFor = (facts: TimelineFacts, archiveMs: number | null): LayoutChapter[] =>
  chaptersOf(facts.answering, archiveMs ?? facts.plannedMs);

/** Stopped recordings whose facts are kept at once (the least recently read go first). */
const LIMIT = 100;

export class TimelineFactsCache {
  readonly #library: RecordingLibrary;
  readonly #kept = new Map<string, Promise<TimelineFacts | null>>();

  constructor(library: RecordingLibrary) {
    this.#library = library;
  }

  /** A recording's facts, or null when there is no such recording (its folder deleted meanwhile too). */
  async get(townHallId: string, recordingId: string): Promise<TimelineFacts | null> {
    const key = `${townHallId}/${recordingId}`;
    const kept = this.#kept.get(key);
    if (kept !== undefined) {
      // Deleted by the retention sweep (or by hand) since it was read: forgotten here too.
      if (!(await this.#exists(townHallId, recordingId))) {
        this.#kept.delete(key);
        return null;
      }
      this.#kept.delete(key);
      this.#kept.set(key, kept);
      return kept;
    }
    const reading = this.#read(townHallId, recordingId);
    this.#kept.set(key, reading);
    const facts = await reading.catch((err: unknown) => {
      this.#kept.delete(key);
      throw err;
    });
    if (facts === null || facts.info.stoppedAt === null) {
      if (this.#kept.get(key) === reading) this.#kept.delete(key);
    } else if (this.#kept.size > LIMIT) {
      this.#kept.delete(this.#kept.keys().next().value!);
    }
    return facts;
  }

  /** The ids of a town hall's recording folders (reading no timeline). */
  async ids(townHallId: string): Promise<string[]> {
    const folders = await this.#library.folders();
    return folders.filter((f) => f.townHallId === townHallId).map((f) => f.recordingId);
  }

  async #exists(townHallId: string, recordingId: string): Promise<boolean> {
    return stat(path.join(this.#library.dir(townHallId, recordingId), TIMELINE_FILE)).then(
      () => true,
      () => false,
    );
  }

  async #read(townHallId: string, recordingId: string): Promise<TimelineFacts | null> {
    const timeline = await this.#library.timeline(townHallId, recordingId);
    if (timeline === null) return null;
    const info = infoOf(timeline, this.#library.dir(townHallId, recordingId), townHallId, recordingId);
    if (info === null) return null;
    return {
      info,
      captions: captionCues(timeline),
      answering: timeline.filter((entry) => entry.type === 'answering'),
      plannedMs: durationOf(timeline, tracksFromTimeline(timeline)),
    };
  }
}
