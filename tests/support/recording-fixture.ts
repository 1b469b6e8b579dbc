// A recording on disk made without a town hall: FFmpeg encodes test patterns (VP8) and tones
// (Opus) into Matroska track files, as the track recorders would have written them, and the
// timeline beside them is written line by line. For tests and benchmarks of what happens after
// a recording (composition, the record page) that need a given shape or length quickly.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TimelineEntry, TimelineEvent, TimelineParticipant } from '../../shared/recording.js';

const run = promisify(execFile);

export interface FixtureTrack {
  trackId: string;
  kind: 'audio' | 'video';
  source: 'camera' | 'microphone' | 'screen';
  participant: TimelineParticipant;
  /** Seconds since the recording started. */
  startS: number;
  /** Null: never stopped (a crash). */
  endS: number | null;
  /** Video: picture sizes in turn, each for an equal part of the track (a camera changing layers). */
  sizes?: string[];
}

export interface FixtureRecording {
  townHallId: string;
  recordingId: string;
  /** The wall clock of the start (ms). */
  startedAt: number;
  tracks: FixtureTrack[];
  /** Other timeline events, at seconds since the start. */
  events?: Array<[number, TimelineEvent]>;
  /** The stop line, seconds since the start; absent for a recording cut off by a crash. */
  stoppedS?: number;
}

/** Writes the recording under `<dataDir>/recordings/...` and answers its folder. */
export async function writeFixtureRecording(dataDir: string, recording: FixtureRecording): Promise<string> {
  const dir = path.join(dataDir, 'recordings', recording.townHallId, recording.recordingId);
  await mkdir(dir, { recursive: true });
  const entries: TimelineEntry[] = [];
  const add = (s: number, event: TimelineEvent) => entries.push({ at: recording.startedAt + Math.round(s * 1000), offsetMs: Math.round(s * 1000), ...event } as TimelineEntry);
  add(0, { type: 'recording-started', recordingId: recording.recordingId, townHallId: recording.townHallId });
  let n = 0;
  for (const track of recording.tracks) {
    const file = `${String(++n).padStart(3, '0')}-${track.source}-${track.kind}.mkv`;
    const seconds = (track.endS ?? recording.stoppedS ?? track.startS + 5) - track.startS;
    await encodeTrack(path.join(dir, file), track, seconds);
    add(track.startS, { type: 'track-started', trackId: track.trackId, file, kind: track.kind, source: track.source, participant: track.participant });
    if (track.source === 'screen') add(track.startS, { type: 'screen-on', trackId: track.trackId, participant: track.participant });
    if (track.endS !== null) {
      add(track.endS, { type: 'track-stopped', trackId: track.trackId, file });
      if (track.source === 'screen') add(track.endS, { type: 'screen-off', trackId: track.trackId, participant: track.participant });
    }
  }
  for (const [s, event] of recording.events ?? []) add(s, event);
  if (recording.stoppedS !== undefined) add(recording.stoppedS, { type: 'recording-stopped', recordingId: recording.recordingId });
  entries.sort((a, b) => a.offsetMs - b.offsetMs);
  await writeFile(path.join(dir, 'timeline.jsonl'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

async function encodeTrack(file: string, track: FixtureTrack, seconds: number): Promise<void> {
  if (track.kind === 'audio') {
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-f', 'lavfi', '-i', `sine=frequency=${330 + (hash(track.trackId) % 400)}:sample_rate=48000:duration=${seconds}`,
      '-c:a', 'libopus', '-ac', '2', '-b:a', '48k', '-f', 'matroska', '-y', file,
    ]);
    return;
  }
  const sizes = track.sizes ?? ['320x240'];
  const part = seconds / sizes.length;
  // Each size its own VP8 stream, then joined without re-encoding into one track, as a
  // recorder copying a camera that switched layers would have written it.
  const parts = await Promise.all(
    sizes.map(async (size, i) => {
      const partFile = `${file}.part${i}.webm`;
      await run('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-nostdin',
        '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=20:duration=${part}`,
        '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '20', '-f', 'webm', '-y', partFile,
      ]);
      return partFile;
    }),
  );
  if (parts.length === 1) {
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', parts[0]!, '-c', 'copy', '-f', 'matroska', '-y', file]);
  } else {
    const list = `${file}.parts.txt`;
    await writeFile(list, parts.map((p) => `file '${path.basename(p)}'`).join('\n') + '\n');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-f', 'matroska', '-y', file]);
    await rm(list);
  }
  await Promise.all(parts.map((p) => rm(p)));
}

const hash = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
