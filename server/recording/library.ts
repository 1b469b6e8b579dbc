// The recordings on this node's disk, as the record page, the admin page and the composition
// job see them. Disk is the only source: a recording is its folder
// (`<dataDir>/recordings/<townHallId>/<recordingId>/`), known by its timeline's first line, with
// two small files beside the tracks that say what became of it:
// - `archive.json`: the archival video's status (ArchiveInfo less its ids), written by the
//   composition job, often while composing (progress);
// - `published.json`: whether an admin unpublished it, and why. Apart from archive.json so an
//   unpublish never races the job's progress writes over one file.
// Both are replaced whole (a temporary file renamed over), so a reader or a kill never sees
// half of one.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Id } from '../../shared/ids.js';
import type { ArchiveInfo, ArchiveStatus, RecordingInfo, RecordingListing, TimelineEntry } from '../../shared/recording.js';
import { chaptersOf, durationOf, tracksFromTimeline } from './layout-plan.js';
import { TIMELINE_FILE } from './session.js';
import { parseTimeline } from './timeline.js';

export const ARCHIVE_FILE = 'archive.json';
export const ARCHIVE_VIDEO = 'archive.webm';
export const PUBLISHED_FILE = 'published.json';

/** What archive.json holds. */
export type ArchiveRecord = Omit<ArchiveInfo, 'recordingId' | 'townHallId'>;

/** What published.json holds; a recording without the file is published. */
export interface Publication {
  published: boolean;
  /** The admin's reason, when unpublished (also on the audit chain). */
  unpublishedReason?: string;
  /** When it was last unpublished or published again (ms since the epoch). */
  changedAt?: number;
}

/** A recording found on disk. */
export interface StoredRecording extends RecordingInfo {
  /** Its folder. */
  dir: string;
  /** When its timeline's last line was written: the end of a recording cut short by a crash. */
  lastAt: number;
}

/** Before the composition job has looked at a recording. */
export const ARCHIVE_WAITING: ArchiveRecord = { status: 'waiting', progress: 0, durationMs: null };

const STATUSES: readonly ArchiveStatus[] = ['waiting', 'composing', 'ready', 'failed'];

export class RecordingLibrary {
  /** `<dataDir>/recordings`. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'recordings');
  }

  /**
   * A recording's folder. Ids come from requests too, so anything that is not an id is refused
   * here, before it can name a path outside the library.
   */
  dir(townHallId: string, recordingId: string): string {
    if (!Id.safeParse(townHallId).success || !Id.safeParse(recordingId).success) throw new Error('not a recording id');
    return path.join(this.root, townHallId, recordingId);
  }

  file(townHallId: string, recordingId: string, name: string): string {
    return path.join(this.dir(townHallId, recordingId), name);
  }

  /** A town hall's recordings, oldest first; folders without a readable first line are left out. */
  async list(townHallId: string): Promise<StoredRecording[]> {
    if (!Id.safeParse(townHallId).success) return [];
    const names = await subfolders(path.join(this.root, townHallId));
    const found = await Promise.all(names.map((recordingId) => this.get(townHallId, recordingId)));
    return found.filter((r): r is StoredRecording => r !== null).sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  /** Every recording of every town hall on this node, oldest first. */
  async all(): Promise<StoredRecording[]> {
    const townHalls = (await subfolders(this.root)).filter((name) => Id.safeParse(name).success);
    const lists = await Promise.all(townHalls.map((townHallId) => this.list(townHallId)));
    return lists.flat().sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  /** The ids of every recording folder on this node, without reading any timeline. */
  async folders(): Promise<{ townHallId: string; recordingId: string }[]> {
    const townHalls = (await subfolders(this.root)).filter((name) => Id.safeParse(name).success);
    const lists = await Promise.all(
      townHalls.map(async (townHallId) =>
        (await subfolders(path.join(this.root, townHallId))).filter((name) => Id.safeParse(name).success).map((recordingId) => ({ townHallId, recordingId })),
      ),
    );
    return lists.flat();
  }

  /** One recording, or null if there is none by these ids. */
  async get(townHallId: string, recordingId: string): Promise<StoredRecording | null> {
    const timeline = await this.timeline(townHallId, recordingId);
    if (timeline === null) return null;
    return infoOf(timeline, this.dir(townHallId, recordingId), townHallId, recordingId);
  }

  /** A recording's timeline, or null if there is no such recording. */
  async timeline(townHallId: string, recordingId: string): Promise<TimelineEntry[] | null> {
    if (!Id.safeParse(townHallId).success || !Id.safeParse(recordingId).success) return null;
    const text = await readText(this.file(townHallId, recordingId, TIMELINE_FILE));
    return text === null ? null : parseTimeline(text);
  }

  /** The archive's state: waiting until the job has written one. */
  async archive(townHallId: string, recordingId: string): Promise<ArchiveInfo> {
    const stored = parseArchive(await readText(this.file(townHallId, recordingId, ARCHIVE_FILE)));
    return { recordingId, townHallId, ...(stored ?? ARCHIVE_WAITING) };
  }

  async writeArchive(townHallId: string, recordingId: string, record: ArchiveRecord): Promise<void> {
    const { status, progress, durationMs, error } = record;
    const clean: ArchiveRecord = { status, progress: Math.min(1, Math.max(0, progress)), durationMs, ...(error === undefined ? {} : { error }) };
    await writeWhole(this.file(townHallId, recordingId, ARCHIVE_FILE), clean);
  }

  async publication(townHallId: string, recordingId: string): Promise<Publication> {
    return parsePublication(await readText(this.file(townHallId, recordingId, PUBLISHED_FILE)));
  }

  async writePublication(townHallId: string, recordingId: string, publication: Publication): Promise<void> {
    await writeWhole(this.file(townHallId, recordingId, PUBLISHED_FILE), publication);
  }

  /** The archival video's path (it exists once the archive is ready). */
  archiveVideo(townHallId: string, recordingId: string): string {
    return this.file(townHallId, recordingId, ARCHIVE_VIDEO);
  }

  /** The raw track files of a recording, relative to its folder, in the order they began. */
  async trackFiles(townHallId: string, recordingId: string): Promise<string[]> {
    const timeline = await this.timeline(townHallId, recordingId);
    return timeline === null ? [] : tracksFromTimeline(timeline).map((track) => track.file);
  }

  /** A recording as the record page lists it (every one, published or not: callers filter by role). */
  async listing(recording: StoredRecording): Promise<RecordingListing> {
    const { id, townHallId, startedAt, stoppedAt } = recording;
    const [timeline, archive, publication] = await Promise.all([
      this.timeline(townHallId, id),
      this.archive(townHallId, id),
      this.publication(townHallId, id),
    ]);
    const entries = timeline ?? [];
    const durationMs = archive.durationMs ?? durationOf(entries, tracksFromTimeline(entries));
    return { id, townHallId, startedAt, stoppedAt, archive, published: publication.published, chapters: chaptersOf(entries, durationMs) };
  }

  async listings(townHallId: string): Promise<RecordingListing[]> {
    return Promise.all((await this.list(townHallId)).map((recording) => this.listing(recording)));
  }

  /** Deletes a recording's folder (tracks, timeline, archive); the town hall's folder goes when empty. */
  async remove(townHallId: string, recordingId: string): Promise<void> {
    await rm(this.dir(townHallId, recordingId), { recursive: true, force: true });
    const parent = path.join(this.root, townHallId);
    if ((await subfolders(parent)).length === 0) await rm(parent, { recursive: true, force: true });
  }
}

/** A recording's facts from its timeline: the first line says what it is, the stop line when it ended. */
export function infoOf(timeline: readonly TimelineEntry[], dir: string, townHallId: string, recordingId: string): StoredRecording | null {
  const first = timeline[0];
  if (first?.type !== 'recording-started' || first.recordingId !== recordingId || first.townHallId !== townHallId) return null;
  const stopped = timeline.find((entry) => entry.type === 'recording-stopped');
  return { id: recordingId, townHallId, startedAt: first.at, stoppedAt: stopped?.at ?? null, dir, lastAt: timeline.at(-1)!.at };
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

let writes = 0;

/** Replaces a small JSON file whole: written beside it, then renamed over it. */
async function writeWhole(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  writes += 1;
  const temporary = `${file}.${process.pid}.${writes}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value)}\n`, 'utf8');
  await rename(temporary, file);
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR';

/** archive.json as written by writeArchive; anything else reads as no archive yet. */
function parseArchive(text: string | null): ArchiveRecord | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<ArchiveRecord>;
    if (!STATUSES.includes(value.status as ArchiveStatus) || typeof value.progress !== 'number') return null;
    const durationMs = typeof value.durationMs === 'number' ? value.durationMs : null;
    return { status: value.status!, progress: value.progress, durationMs, ...(typeof value.error === 'string' ? { error: value.error } : {}) };
  } catch {
    return null;
  }
}

function parsePublication(text: string | null): Publication {
  if (text === null) return { published: true };
  try {
    const value = JSON.parse(text) as Partial<Publication>;
    // Fail closed: a file that says anything but "published" keeps it unpublished.
    if (value.published === true) return { published: true, ...(typeof value.changedAt === 'number' ? { changedAt: value.changedAt } : {}) };
    return {
      published: false,
      ...(typeof value.unpublishedReason === 'string' ? { unpublishedReason: value.unpublishedReason } : {}),
      ...(typeof value.changedAt === 'number' ? { changedAt: value.changedAt } : {}),
    };
  } catch {
    return { published: false };
  }
}
