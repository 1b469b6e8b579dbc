/**
 * `npm run bench:recording`: what recording costs while a town hall is live (CPU per recorded
 * track: each track's FFmpeg, and what the mediasoup worker spends sending it), and how fast
 * the archival composition runs relative to real time. A program that prints figures
 * (STYLE.md 16), not a test.
 *
 * 1. Publishers (FFmpeg test patterns and tones over RTP, as in the media tests) join a town
 *    hall as speakers and an interpreter. The worker's CPU is measured without recording, then
 *    with every track recorded, each recorder FFmpeg read from /proc.
 * 2. That recording is composed, and so is a longer one written straight to disk (two
 *    speakers, an interpreter, a screen share); each composition's FFmpeg is read from /proc
 *    as it runs.
 */
import { readFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TimelineEvent } from '../../shared/recording.js';
import { createLogger } from '../../server/core/log.js';
import { startComposition } from '../../server/recording/compose-job.js';
import { COMPOSITION_DEFAULTS } from '../../server/recording/compose-filters.js';
import { createRecordingService } from '../../server/recording/service.js';
import { parseTimeline } from '../../server/recording/timeline.js';
import { written } from '../../tests/support/ffprobe.js';
import { startMediaService } from '../../tests/support/media.js';
import { writeFixtureRecording, type FixtureTrack } from '../../tests/support/recording-fixture.js';
import { inTownHall, startRtpSource, type RtpSource } from '../../tests/support/rtp-source.js';
import { processCpuMs } from '../media/procfs.js';

const USAGE = `npm run bench:recording -- [options]

  --speakers N          people publishing a camera and a microphone (default 2; an interpreter's camera is added)
  --seconds S           seconds each recording window is measured (default 20)
  --compose-seconds S   length of the recording written to disk and composed (default 120)
  --help`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    speakers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '20' },
    'compose-seconds': { type: 'string', default: '120' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const positive = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`bench:recording: --${name} must be a positive number\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const speakers = Math.round(positive('speakers', values.speakers));
const windowSeconds = positive('seconds', values.seconds);
const composeSeconds = positive('compose-seconds', values['compose-seconds']);

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuOf = async (pid: number) => {
  const { user, system } = await processCpuMs(pid).catch(() => ({ user: 0, system: 0 }));
  return user + system;
};

/** FFmpeg processes whose command line names `dir` (the recorders of one recording). */
async function recordersIn(dir: string): Promise<Array<{ pid: number; file: string }>> {
  const found: Array<{ pid: number; file: string }> = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const args = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!args[0]?.endsWith('ffmpeg')) continue;
    const file = args.find((a) => a.startsWith(dir) && a.endsWith('.mkv'));
    if (file) found.push({ pid: Number(name), file: path.basename(file) });
  }
  return found;
}

const childrenOf = async (pid: number) =>
  (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);

interface CompositionFigures {
  what: string;
  mediaSeconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  inputs: number;
}

/** Composes one recording's folder and reads its FFmpeg's CPU time as it goes. */
async function compose(what: string, dir: string): Promise<CompositionFigures> {
  const timeline = parseTimeline(await readFile(path.join(dir, 'timeline.jsonl'), 'utf8'));
  let ffmpegPid: number | null = null;
  let cpuMs = 0;
  let sampling = true;
  const started = performance.now();
  const job = startComposition({
    dir,
    timeline,
    onStart: (shell) => {
      void (async () => {
        while (sampling && ffmpegPid === null) {
          ffmpegPid = (await childrenOf(shell))[0] ?? null;
          if (ffmpegPid === null) await sleep(20);
        }
        while (sampling && ffmpegPid !== null) {
          const now = await cpuOf(ffmpegPid);
          if (now > 0) cpuMs = now;
          await sleep(200);
        }
      })();
    },
  });
  const result = await job.done;
  const wallSeconds = (performance.now() - started) / 1000;
  sampling = false;
  if (!result.ok) throw new Error(`${what}: ${'reason' in result ? result.reason : 'cancelled'}`);
  const inputs = (await readdir(dir)).filter((f) => f.endsWith('.mkv')).length;
  return { what, mediaSeconds: result.durationMs / 1000, wallSeconds, cpuSeconds: cpuMs / 1000, inputs };
}

async function measureRecording(dataDir: string) {
  const media = await startMediaService();
  const townHallId = 'bench-recording';
  const townHallMedia = await media.mediaFor(townHallId);
  const sources: RtpSource[] = [];
  for (let i = 0; i < speakers; i += 1) {
    sources.push(await startRtpSource(inTownHall(townHallMedia, `peer-${i}`, { userId: `speaker-${i}`, displayName: 'Speaker', staff: true })));
  }
  sources.push(await startRtpSource(inTownHall(townHallMedia, 'peer-signer', { userId: 'signer', displayName: 'Interpreter', staff: true }), { audio: false }));
  const workerPid = media.stats().perWorker[0]!.pid;
  const recording = createRecordingService({ media, dataDir, required: async () => false, log: createLogger('silent') });

  say(`publishing ${speakers} speakers and an interpreter; measuring the worker without recording for ${windowSeconds} s`);
  await sleep(2000);
  let before = await cpuOf(workerPid);
  let at = performance.now();
  await sleep(windowSeconds * 1000);
  const idleWorker = (await cpuOf(workerPid)) - before;
  const idleWall = performance.now() - at;

  await recording.start(townHallId);
  const current = recording.current(townHallId)!;
  await Promise.all(current.tracks.map((file) => written(path.join(current.dir, file))));
  recording.stageChanged(townHallId, { speakers: [], handCount: 0, interpreter: { userId: 'signer', displayName: 'Interpreter' } });
  const recorders = await recordersIn(current.dir);
  say(`recording ${recorders.length} tracks; measuring for ${windowSeconds} s`);
  const sizes = async () => Promise.all(recorders.map((r) => stat(path.join(current.dir, r.file)).then((s) => s.size, () => 0)));
  const startCpu = await Promise.all(recorders.map((r) => cpuOf(r.pid)));
  const startSizes = await sizes();
  before = await cpuOf(workerPid);
  at = performance.now();
  // The floor moves between the speakers, as in a meeting.
  const turns = setInterval(() => {
    const speaker = sources[Math.floor(Math.random() * speakers)]!;
    media.events.emit('activespeaker', { townHallId, producerId: speaker.audio!.id });
  }, 4000);
  await sleep(windowSeconds * 1000);
  clearInterval(turns);
  const wall = performance.now() - at;
  const recordingWorker = (await cpuOf(workerPid)) - before;
  const endCpu = await Promise.all(recorders.map((r) => cpuOf(r.pid)));
  const endSizes = await sizes();
  await recording.stop(townHallId);
  await recording.close();
  for (const source of sources) await source.close();
  await media.close();

  const percent = (ms: number, wallMs: number) => (100 * ms) / wallMs;
  const perTrack = recorders.map((r, i) => ({
    file: r.file,
    kind: r.file.includes('-video') ? 'video' : 'audio',
    cpu: percent(endCpu[i]! - startCpu[i]!, wall),
    kbps: ((endSizes[i]! - startSizes[i]!) * 8) / wall,
  }));
  const workerExtra = percent(recordingWorker, wall) - percent(idleWorker, idleWall);
  return { dir: current.dir, perTrack, workerIdle: percent(idleWorker, idleWall), workerRecording: percent(recordingWorker, wall), workerExtra };
}

/** A longer meeting written straight to disk: two speakers taking turns, an interpreter, a screen share in the middle. */
async function longRecording(dataDir: string, seconds: number): Promise<string> {
  const chief = { userId: 'chief', staff: true };
  const resident = { userId: 'resident', staff: false };
  const signer = { userId: 'signer', staff: true };
  const tracks: FixtureTrack[] = [
    { trackId: 'chief-cam', kind: 'video', source: 'camera', participant: chief, startS: 0, endS: seconds, sizes: ['640x480'] },
    { trackId: 'chief-mic', kind: 'audio', source: 'microphone', participant: chief, startS: 0, endS: seconds },
    { trackId: 'resident-cam', kind: 'video', source: 'camera', participant: resident, startS: seconds / 4, endS: seconds, sizes: ['640x360'] },
    { trackId: 'resident-mic', kind: 'audio', source: 'microphone', participant: resident, startS: seconds / 4, endS: seconds },
    { trackId: 'signer-cam', kind: 'video', source: 'camera', participant: signer, startS: 0, endS: seconds, sizes: ['640x480'] },
    { trackId: 'screen', kind: 'video', source: 'screen', participant: chief, startS: seconds / 2, endS: (seconds * 3) / 4, sizes: ['1280x720'] },
  ];
  const events: Array<[number, TimelineEvent]> = [[0, { type: 'interpreter', participant: signer }]];
  for (let s = 1; s < seconds; s += 10) {
    const who = s >= seconds / 4 && Math.floor(s / 10) % 2 === 1 ? resident : chief;
    events.push([s, { type: 'active-speaker', participant: who, trackId: `${who.userId}-mic` }]);
  }
  return writeFixtureRecording(dataDir, { townHallId: 'bench-long', recordingId: 'bench-long-1', startedAt: Date.now() - seconds * 1000, tracks, events, stoppedS: seconds });
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-bench-recording-'));
try {
  const cpus = os.cpus();
  say(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const live = await measureRecording(dataDir);
  say(`composing the recording just made, then a ${composeSeconds} s one written to disk`);
  const compositions = [await compose('the recording above', live.dir)];
  const long = await longRecording(dataDir, composeSeconds);
  compositions.push(await compose(`${composeSeconds} s: 2 speakers, interpreter, screen share`, long));

  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  console.log(`# Recording benchmark (${new Date().toISOString()})\n`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${f1(os.totalmem() / 1024 ** 3)} GiB; load average at the end ${os.loadavg().map(f2).join(' ')}.\n`);
  console.log(`## While recording (${speakers} speakers with camera and microphone, an interpreter's camera; ${windowSeconds} s)\n`);
  console.log('| track | recorder FFmpeg CPU (% of a core) | written (kbit/s) |');
  console.log('| --- | ---: | ---: |');
  for (const track of live.perTrack) console.log(`| ${track.file} | ${f2(track.cpu)} | ${f1(track.kbps)} |`);
  const mean = (kind: string) => {
    const list = live.perTrack.filter((t) => t.kind === kind);
    return list.length === 0 ? 0 : list.reduce((sum, t) => sum + t.cpu, 0) / list.length;
  };
  console.log(`\nRecorder FFmpeg per track: video ${f2(mean('video'))} %, audio ${f2(mean('audio'))} % of a core.`);
  console.log(
    `mediasoup worker: ${f1(live.workerIdle)} % without recording, ${f1(live.workerRecording)} % recording ` +
      `(${f2(live.workerExtra / Math.max(1, live.perTrack.length))} % of a core more per track).\n`,
  );
  console.log(`## Composition (${COMPOSITION_DEFAULTS.width}×${COMPOSITION_DEFAULTS.height}, ${COMPOSITION_DEFAULTS.fps} fps, VP8 realtime + Opus, nice 19)\n`);
  console.log('| recording | tracks | length (s) | wall (s) | speed (× real time) | FFmpeg CPU (s) | cores busy |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of compositions) {
    console.log(`| ${c.what} | ${c.inputs} | ${f1(c.mediaSeconds)} | ${f1(c.wallSeconds)} | ${f2(c.mediaSeconds / c.wallSeconds)} | ${f1(c.cpuSeconds)} | ${f2(c.cpuSeconds / c.wallSeconds)} |`);
  }
} catch (error) {
  console.error(`bench:recording failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
