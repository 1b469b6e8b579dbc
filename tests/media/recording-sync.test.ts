// Picture and voice line up in the archive, with the real media stack: one FFmpeg publisher
// sends a black picture and silence, with a white flash and a beep at the same instants, as a
// camera and a microphone of one person. Its video has a keyframe only every 3 s and FFmpeg
// never answers a request for one, so the camera's file starts seconds after its track did,
// while the microphone's starts at once; and FFmpeg sends a keyframe late on a busy machine.
// The archive is composed and decoded: each flash must come with its beep. The archive also ends when the host stopped, not when the recorders had
// finished their files.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { types as ms } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { wallClockOfWorkerTime } from '../../media/first-packet.js';
import type { MediaService } from '../../media/index.js';
import { createLogger } from '../../server/core/log.js';
import { createComposer } from '../../server/recording/composer.js';
import { RecordingLibrary } from '../../server/recording/library.js';
import { createRecordingService } from '../../server/recording/service.js';
import { parseTimeline } from '../../server/recording/timeline.js';
import type { TimelineEntry } from '../../shared/recording.js';
import { startMediaService } from '../support/media.js';
import { inTownHall, startRtpSource } from '../support/rtp-source.js';

const run = promisify(execFile);
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Publisher seconds of each flash and beep: after the second keyframe (3 s), irregular, so no shift can match them by chance. */
const MARKS = [4.2, 5.9, 8.1];
const MARK_SECONDS = 0.25;
const KEYFRAME_SECONDS = 3;
const on = MARKS.map((s) => `between(t,${s},${s + MARK_SECONDS})`).join('+');
const PATTERN = [
  `color=c=black:s=320x240:r=20,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='${on}'[out0]`,
  `aevalsrc='0.6*sin(2*PI*1000*t)*(${on})':s=48000:c=mono[out1]`,
].join(';');

/** The archive at 640×360: the 4:3 camera large spans x 80–560; its middle. */
const SMALL = { width: 640, height: 360 };
const FPS = 25;
const CENTRE = { x: 270, y: 130, w: 100, h: 100 };

/** Each video frame's mean brightness in the middle of the picture (0–255), one per 1/25 s. */
async function brightness(file: string): Promise<number[]> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-an', '-vf', `crop=${CENTRE.w}:${CENTRE.h}:${CENTRE.x}:${CENTRE.y},scale=1:1:flags=area,format=gray`, '-r', String(FPS), '-f', 'rawvideo', '-'],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  return [...stdout];
}

/** The sound's loudness (RMS, 0–1) in 10 ms windows. */
async function loudness(file: string): Promise<number[]> {
  const rate = 8000;
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vn', '-ac', '1', '-ar', String(rate), '-f', 's16le', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 24,
  });
  const samples = new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
  const window = rate / 100;
  const windows: number[] = [];
  for (let start = 0; start + window <= samples.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += (samples[i]! / 32768) ** 2;
    windows.push(Math.sqrt(sum / window));
  }
  return windows;
}

/** The times (s) a signal rises above a threshold after staying below it for `quiet` steps. */
function onsets(values: readonly number[], stepSeconds: number, threshold: number, quiet: number): number[] {
  const times: number[] = [];
  let below = quiet;
  for (const [i, value] of values.entries()) {
    if (value > threshold) {
      if (below >= quiet) times.push(Math.round(i * stepSeconds * 1000) / 1000);
      below = 0;
    } else {
      below += 1;
    }
  }
  return times;
}

/** Keyframes reaching the router from the publisher: their RTP time and when they came. */
function keyframesOf(producer: ms.Producer) {
  const seen: Array<{ rtpTimestamp: number; at: number }> = [];
  const waiters: Array<() => void> = [];
  producer.on('trace', (trace) => {
    if (trace.type !== 'keyframe' || trace.direction !== 'in') return;
    const rtpTimestamp = (trace.info as { timestamp: number }).timestamp;
    if (seen.some((k) => k.rtpTimestamp === rtpTimestamp)) return;
    seen.push({ rtpTimestamp, at: wallClockOfWorkerTime(trace.timestamp) });
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves once a keyframe this many publisher seconds after the first has come. */
  const until = async (seconds: number) => {
    for (;;) {
      const first = seen[0];
      // RTP time is 32 bits and wraps: the difference is taken unsigned.
      const found = first && seen.find((k) => (k.rtpTimestamp - first.rtpTimestamp) >>> 0 >= seconds * 90_000 - 900);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { seen, until };
}

describe('the archive in step', () => {
  it('places a camera that waited for a keyframe at its first frame, so each flash comes with its beep, and ends when the host stopped', async () => {
    const media: MediaService = await startMediaService();
    cleanup.push(() => media.close());
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-sync-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const recording = createRecordingService({ media, dataDir, required: async () => false, log: createLogger('silent') });
    cleanup.push(() => recording.close());
    const townHallId = 'townhall-sync';
    const townHallMedia = await media.mediaFor(townHallId);

    let keyframes!: ReturnType<typeof keyframesOf>;
    const source = await startRtpSource(inTownHall(townHallMedia, 'peer-chief', { userId: 'user-chief', displayName: 'Chief', staff: true }), {
      lavfi: PATTERN,
      keyframeSeconds: KEYFRAME_SECONDS,
      async beforeStart({ video }) {
        keyframes = keyframesOf(video!);
        await video!.enableTraceEvent(['keyframe']);
      },
    });
    cleanup.push(() => source.close());

    // Just after the publisher's first keyframe: the camera's file waits about 3 s for the next.
    await keyframes.until(0);
    await recording.start(townHallId);
    const { dir, startedAt, id: recordingId } = recording.current(townHallId)!;
    // Past the last mark: the publisher's keyframe at 9 s.
    await keyframes.until(3 * KEYFRAME_SECONDS);
    const stopAt = Date.now();
    await recording.stop(townHallId);
    await source.close();

    const timeline = parseTimeline(await readFile(path.join(dir, 'timeline.jsonl'), 'utf8'));
    const of = (type: TimelineEntry['type'], kind: 'video' | 'audio') => {
      const started = timeline.find((e) => e.type === 'track-started' && e.kind === kind)!;
      return timeline.find((e) => e.type === type && 'file' in e && 'file' in started && e.file === started.file)!;
    };
    const camera = { started: of('track-started', 'video'), media: of('track-media-started', 'video') };
    // The gap this test is about: seconds between the camera's track and its file.
    expect(camera.media.offsetMs - camera.started.offsetMs).toBeGreaterThan(1000);
    // The file's first frame is the publisher's next keyframe after the recording began: the
    // stored time is when it came, or earlier by as much as that keyframe was held up.
    const keyframe = keyframes.seen.find((k) => k.at > startedAt + camera.started.offsetMs)!;
    expect(camera.media.at).toBeLessThanOrEqual(keyframe.at + 5);
    expect(camera.media.at).toBeGreaterThan(keyframe.at - 1000);
    expect(of('track-media-started', 'audio')).toBeDefined();

    const library = new RecordingLibrary(dataDir);
    const jobs = createComposer({ library, isRecording: () => false, log: createLogger('silent'), settings: SMALL });
    cleanup.push(() => jobs.close());
    jobs.kick();
    await jobs.idle();
    const composed = await library.archive(townHallId, recordingId);
    expect(composed).toMatchObject({ status: 'ready' });
    // The archive ends when the host stopped: the recorders finishing their files add nothing.
    expect(Math.abs(composed.durationMs! - (stopAt - startedAt))).toBeLessThan(100);

    const file = library.archiveVideo(townHallId, recordingId);
    const flashes = onsets(await brightness(file), 1 / FPS, 128, 5);
    const beeps = onsets(await loudness(file), 0.01, 0.1, 20);
    expect(flashes).toHaveLength(MARKS.length);
    expect(beeps).toHaveLength(MARKS.length);
    // Each flash with its beep, within 100 ms (a frame of the archive is 40 ms).
    for (const [i, flash] of flashes.entries()) expect(Math.abs(flash - beeps[i]!)).toBeLessThan(0.1);
    // And where the marks were sent: 1.7 s and 2.2 s apart.
    expect(Math.abs(beeps[1]! - beeps[0]! - (MARKS[1]! - MARKS[0]!))).toBeLessThan(0.05);
  }, 180_000);
});
