// A recording as the composition job leaves it, made on disk for the player's tests: a
// timeline (captions, questions answered live, one track), the track's file, and a ready
// archival video made by FFmpeg (VP8 + Opus WebM, a test pattern and a tone) where the library
// expects it. The composition itself is tested with real recordings elsewhere.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TimelineEntry, TimelineEvent } from '../../shared/recording.js';
import { newId } from '../../server/core/ids.js';
import { RecordingLibrary } from '../../server/recording/library.js';
import { TIMELINE_FILE } from '../../server/recording/session.js';

const run = promisify(execFile);

export interface ArchiveFixture {
  dataDir: string;
  townHallId: string;
  /** Seconds from the start: caption lines shown live, with the language typed in when the captioner said. */
  captions?: { s: number; text: string; lang?: string }[];
  /** Seconds from the start: "answering now" markers (null: none any more). */
  answering?: { s: number; questionId: string | null }[];
  durationS?: number;
  /** When the recording started (ms since the epoch); now by default. */
  startedAt?: number;
  /** Make the archival video (true by default); false leaves the archive waiting. */
  compose?: boolean;
  /** Leave the recording open, as one still recording (or cut short by a crash) is: no stop line. */
  open?: boolean;
}

export interface MadeArchive {
  recordingId: string;
  dir: string;
  trackFile: string;
}

/** Runs FFmpeg quietly; rejects with what it said. */
async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', ...args]);
}

export async function makeArchivedRecording(fixture: ArchiveFixture): Promise<MadeArchive> {
  const library = new RecordingLibrary(fixture.dataDir);
  const recordingId = newId();
  const dir = library.dir(fixture.townHallId, recordingId);
  await mkdir(dir, { recursive: true });
  const durationS = fixture.durationS ?? 6;
  const startedAt = fixture.startedAt ?? Date.now();
  const participant = { userId: 'host-user', staff: true };
  const trackFile = '001-camera-video.mkv';

  const entries: TimelineEntry[] = [];
  const at = (s: number, event: TimelineEvent) => entries.push({ at: startedAt + s * 1000, offsetMs: s * 1000, ...event });
  at(0, { type: 'recording-started', recordingId, townHallId: fixture.townHallId });
  at(0, { type: 'track-started', trackId: 'track-1', file: trackFile, kind: 'video', source: 'camera', participant });
  const events: [number, TimelineEvent][] = [
    ...(fixture.captions ?? []).map(({ s, text, lang }) => [s, { type: 'caption', lineId: newId(), text, ...(lang === undefined ? {} : { lang }) }] as [number, TimelineEvent]),
    ...(fixture.answering ?? []).map(({ s, questionId }) => [s, { type: 'answering', questionId }] as [number, TimelineEvent]),
  ];
  for (const [s, event] of events.sort((a, b) => a[0] - b[0])) at(s, event);
  if (fixture.open !== true) {
    at(durationS, { type: 'track-stopped', trackId: 'track-1', file: trackFile });
    at(durationS, { type: 'recording-stopped', recordingId });
  }
  await writeFile(path.join(dir, TIMELINE_FILE), entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');

  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10:duration=1', '-c:v', 'libvpx', '-b:v', '100k', path.join(dir, trackFile)]);
  if (fixture.compose !== false) {
    await ffmpeg([
      '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=15:duration=${durationS}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:duration=${durationS}`,
      // A keyframe every second, so a seek lands where it is asked to.
      '-c:v', 'libvpx', '-b:v', '300k', '-g', '15', '-deadline', 'realtime', '-cpu-used', '8',
      '-c:a', 'libopus', '-shortest', library.archiveVideo(fixture.townHallId, recordingId),
    ]);
    await library.writeArchive(fixture.townHallId, recordingId, { status: 'ready', progress: 1, durationMs: durationS * 1000 });
  }
  return { recordingId, dir, trackFile };
}
