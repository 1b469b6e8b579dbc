// One composition: the recording's readable tracks, the layout planned from its timeline, and
// one FFmpeg run (at the lowest CPU priority) that writes the archival video beside the
// tracks. FFmpeg writes to a temporary name, renamed only once it has finished, so
// `archive.webm` is always a whole file. Its progress (`-progress pipe:1`) is reported against
// the plan's duration.
import { execFile, spawn } from 'node:child_process';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TimelineEntry } from '../../shared/recording.js';
import { COMPOSITION_DEFAULTS, compositionArguments, compositionGraph, type CompositionSettings } from './compose-filters.js';
import { planLayout, tracksFromTimeline, type RecordedTrack } from './layout-plan.js';
import { ARCHIVE_VIDEO } from './library.js';

const run = promisify(execFile);

export const PARTIAL_VIDEO = 'archive.part.webm';
export const FILTER_SCRIPT = 'compose.filter';

export interface CompositionOptions {
  /** The recording's folder. */
  dir: string;
  timeline: readonly TimelineEntry[];
  ffmpegPath?: string;
  ffprobePath?: string;
  /** `nice` increment (default 19: the live service always comes first). */
  niceness?: number;
  settings?: Partial<CompositionSettings>;
  /** Told as FFmpeg goes: 0–1 of the plan's duration. */
  onProgress?: (fraction: number) => void;
  /** Told once FFmpeg runs (its shell's pid), for benchmarks that read its CPU time. */
  onStart?: (pid: number) => void;
}

export type CompositionResult =
  | { ok: true; durationMs: number }
  /** `reason` is for admins: FFmpeg's own complaint, without the recording's path. */
  | { ok: false; reason: string }
  /** Cancelled (the server stopping): neither done nor failed, so it runs again next time. */
  | { ok: false; cancelled: true };

export interface CompositionRun {
  /** The archive's length, as planned; known before FFmpeg starts. */
  readonly planned: Promise<number>;
  readonly done: Promise<CompositionResult>;
  /** Stops FFmpeg and removes its unfinished file. */
  cancel(): Promise<void>;
}

/**
 * The tracks whose files FFmpeg can open and that hold a stream of their kind; the rest are
 * left out. A track never stopped (the server was killed) is given its file's own length: the
 * timeline alone would end it at the last line written, which in a quiet stretch is long before.
 */
export async function readableTracks(dir: string, tracks: readonly RecordedTrack[], ffprobePath = 'ffprobe'): Promise<RecordedTrack[]> {
  const checked = await Promise.all(
    tracks.map(async (track): Promise<RecordedTrack | null> => {
      const file = path.join(dir, track.file);
      const size = await stat(file).then((s) => s.size, () => 0);
      if (size === 0) return null;
      try {
        const { stdout } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file]);
        if (!stdout.split('\n').some((line) => line.trim() === track.kind)) return null;
        if (track.endMs !== null) return track;
        return { ...track, endMs: track.startMs + (await fileLengthMs(file, ffprobePath)) };
      } catch {
        return null;
      }
    }),
  );
  return checked.filter((track): track is RecordedTrack => track !== null);
}

/**
 * A file's length from its first packet to its last (a file cut short has no duration in its
 * header, but every packet has its time). Composition places the first packet at the track's start.
 */
async function fileLengthMs(file: string, ffprobePath: string): Promise<number> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', '0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    maxBuffer: 256 * 1024 * 1024,
  });
  let first = Infinity;
  let last = 0;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const seconds = Number(line);
    if (!Number.isFinite(seconds)) continue;
    first = Math.min(first, seconds);
    last = Math.max(last, seconds);
  }
  return first === Infinity ? 0 : Math.round((last - first) * 1000);
}

/**
 * FFmpeg under a small shell that waits on its stdin, a pipe from this process: when the pipe
 * closes (a cancel, or this process killed) FFmpeg is killed too, so an orphan never writes
 * over the next attempt. The unfinished file is worth nothing; the job starts again.
 */
const WATCHDOG = `
exec 3<&0
n=$1; bin=$2; shift 2
nice -n "$n" "$bin" "$@" </dev/null &
f=$!
{ while read -r _; do :; done; kill -KILL $f 2>/dev/null; } <&3 &
w=$!
wait $f; code=$?
kill $w 2>/dev/null
exit $code
`;

export function startComposition(options: CompositionOptions): CompositionRun {
  const { dir } = options;
  const settings = { ...COMPOSITION_DEFAULTS, ...options.settings };
  let cancelled = false;
  let stopFfmpeg: () => void = () => undefined;
  let resolvePlanned!: (ms: number) => void;
  const planned = new Promise<number>((resolve) => (resolvePlanned = resolve));

  const done = (async (): Promise<CompositionResult> => {
    const tracks = await readableTracks(dir, tracksFromTimeline(options.timeline), options.ffprobePath);
    const plan = planLayout(options.timeline, tracks);
    resolvePlanned(plan.durationMs);
    if (plan.durationMs <= 0) return { ok: false, reason: 'The recording has no length: nothing to compose.' };
    const graph = compositionGraph(plan, tracks, settings);
    await writeFile(path.join(dir, FILTER_SCRIPT), graph.filter, 'utf8');
    await rm(path.join(dir, PARTIAL_VIDEO), { force: true });
    if (cancelled) return { ok: false, cancelled: true };

    const args = compositionArguments(graph, { filterScript: FILTER_SCRIPT, output: PARTIAL_VIDEO }, settings);
    const ffmpeg = spawn('sh', ['-c', WATCHDOG, 'compose', String(options.niceness ?? 19), options.ffmpegPath ?? 'ffmpeg', ...args], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    stopFfmpeg = () => ffmpeg.stdin.end();
    // The pipe is only ever closed; a close after FFmpeg has gone is no error.
    ffmpeg.stdin.on('error', () => undefined);
    let errors = '';
    ffmpeg.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors = (errors + chunk).slice(-4000);
    });
    let pending = '';
    ffmpeg.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_us=(\d+)$/.exec(line.trim());
        if (match) options.onProgress?.(Math.min(1, Number(match[1]) / 1000 / plan.durationMs));
      }
    });
    const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
      ffmpeg.once('error', (error) => resolve({ code: null, error }));
      ffmpeg.once('spawn', () => {
        if (ffmpeg.pid !== undefined) options.onStart?.(ffmpeg.pid);
      });
      ffmpeg.once('close', (code) => resolve({ code }));
    });
    await rm(path.join(dir, FILTER_SCRIPT), { force: true });
    if (cancelled) {
      await rm(path.join(dir, PARTIAL_VIDEO), { force: true });
      return { ok: false, cancelled: true };
    }
    if (exit.code !== 0) {
      await rm(path.join(dir, PARTIAL_VIDEO), { force: true });
      const detail = exit.error ? 'FFmpeg could not be started.' : lastLine(errors, dir);
      return { ok: false, reason: `FFmpeg stopped (exit ${String(exit.code)})${detail ? `: ${detail}` : '.'}` };
    }
    await rename(path.join(dir, PARTIAL_VIDEO), path.join(dir, ARCHIVE_VIDEO));
    return { ok: true, durationMs: plan.durationMs };
  })();
  // A failure before the plan (a file system error) still settles `planned`; `done` itself is the caller's.
  void done.then(
    () => resolvePlanned(0),
    () => resolvePlanned(0),
  );

  return {
    planned,
    done,
    async cancel() {
      cancelled = true;
      stopFfmpeg();
      await done.catch(() => undefined);
    },
  };
}

/** FFmpeg's last complaint, without the recording's folder (admins need the reason, not our paths). */
function lastLine(text: string, dir: string): string {
  const line = text.trim().split('\n').at(-1) ?? '';
  return line.split(dir + path.sep).join('').split(dir).join('').slice(0, 300);
}
