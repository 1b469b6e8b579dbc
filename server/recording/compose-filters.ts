// The FFmpeg command that turns a layout plan into the archival video (pure: no I/O). One pass
// over the track files, each decoded once:
// - a plain background the length of the recording, so the video is exactly that long even
//   where no camera was on;
// - each track that is ever large, scaled to fit the frame and overlaid centred during the
//   plan's segments that show it (the overlay's timeline `enable`);
// - the interpreter's camera, scaled to an inset and overlaid in the bottom corner whenever the
//   plan says so, after every large picture so it is never covered;
// - every microphone placed at its start, gaps filled with silence, summed over a silent bed
//   the length of the recording (summed, not averaged: averaging would make each voice quieter
//   the more microphones were ever on).
// Each track is placed with `-itsoffset` at the moment its file began. Cameras change size
// mid-track (simulcast layers, a browser adapting to its CPU), so video inputs keep their
// filters (`-reinit_filter 0`): rebuilding the graph would restart the background and the
// overlays' clocks. `scale` follows a new input size by itself and `overlay` centres each frame
// by its own size (`eval=frame`).
import type { LayoutPlan, RecordedTrack } from './layout-plan.js';

export interface CompositionSettings {
  width: number;
  height: number;
  fps: number;
  /** VP8 target bit rate, kbit/s. */
  videoKbps: number;
  /** Opus bit rate, kbit/s. */
  audioKbps: number;
  /** The inset's width as a share of the frame's. */
  insetShare: number;
  /** Threads libvpx may use (the job runs at the lowest priority, so it may use every core). */
  threads: number;
}

export const COMPOSITION_DEFAULTS: CompositionSettings = {
  width: 1280,
  height: 720,
  fps: 25,
  videoKbps: 1500,
  audioKbps: 96,
  insetShare: 0.3,
  threads: 2,
};

/** Where the frame shows nothing (no camera on): the site's dark slate, not pure black. */
const BACKGROUND = '0x1d2430';
const INSET_MARGIN = 24;

export interface CompositionInput {
  trackId: string;
  /** The track's file, relative to the recording's folder. */
  file: string;
  kind: 'audio' | 'video';
  /** Where the file's first frame lands in the archive, seconds. */
  offsetSeconds: number;
}

export interface CompositionGraph {
  /** FFmpeg's inputs, in order (input i is `[i:v]` or `[i:a]` in the graph). */
  inputs: CompositionInput[];
  /** The `-filter_complex` graph; its outputs are `[vout]` and `[aout]`. */
  filter: string;
  durationSeconds: number;
}

type Interval = [startMs: number, endMs: number];

/** The filter graph and inputs for a plan over the tracks that can be read. */
export function compositionGraph(plan: LayoutPlan, tracks: readonly RecordedTrack[], settings: CompositionSettings = COMPOSITION_DEFAULTS): CompositionGraph {
  const byId = new Map(tracks.map((track) => [track.trackId, track]));
  const main = new Map<string, Interval[]>();
  const inset = new Map<string, Interval[]>();
  const mixed = new Set<string>();
  for (const segment of plan.segments) {
    if (segment.main) addInterval(main, segment.main.trackId, [segment.startMs, segment.endMs]);
    if (segment.inset) addInterval(inset, segment.inset.trackId, [segment.startMs, segment.endMs]);
    for (const trackId of segment.audio) mixed.add(trackId);
  }

  const inputs: CompositionInput[] = [];
  const inputOf = (trackId: string, kind: 'audio' | 'video'): number | null => {
    const track = byId.get(trackId);
    if (track === undefined || track.kind !== kind) return null;
    inputs.push({ trackId, file: track.file, kind, offsetSeconds: seconds(track.startMs) });
    return inputs.length - 1;
  };

  const { width, height, fps } = settings;
  const insetWidth = even(width * settings.insetShare);
  const insetHeight = even(height * settings.insetShare);
  const durationSeconds = seconds(plan.durationMs);
  const chains: string[] = [`color=c=${BACKGROUND}:s=${width}x${height}:r=${fps}:d=${durationSeconds},format=yuv420p[base]`];
  const overlays: string[] = [];
  const fit = (w: number, h: number) => `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p`;

  const videoIds = [...new Set([...main.keys(), ...inset.keys()])];
  for (const trackId of videoIds) {
    const index = inputOf(trackId, 'video');
    if (index === null) continue;
    const large = main.get(trackId);
    const small = inset.get(trackId);
    const source = `[${index}:v]`;
    if (large && small) chains.push(`${source}split=2[m${index}in][i${index}in]`);
    if (large) {
      chains.push(`${large && small ? `[m${index}in]` : source}${fit(width, height)}[m${index}]`);
      overlays.push(`[m${index}]overlay=x=(W-w)/2:y=(H-h)/2:eof_action=pass:enable='${during(large)}'`);
    }
    if (small) {
      chains.push(`${large && small ? `[i${index}in]` : source}${fit(insetWidth, insetHeight)}[i${index}]`);
    }
  }
  // Insets last, so a large picture never covers the interpreter.
  for (const trackId of videoIds) {
    const small = inset.get(trackId);
    const index = inputs.findIndex((input) => input.trackId === trackId);
    if (small && index >= 0) {
      overlays.push(`[i${index}]overlay=x=W-w-${INSET_MARGIN}:y=H-h-${INSET_MARGIN}:eof_action=pass:enable='${during(small)}'`);
    }
  }
  let previous = '[base]';
  overlays.forEach((overlay, i) => {
    const label = i === overlays.length - 1 ? '[vout]' : `[o${i}]`;
    chains.push(`${previous}${overlay}${label}`);
    previous = label;
  });
  if (overlays.length === 0) chains.push('[base]null[vout]');

  const audioLabels: string[] = [];
  for (const track of tracks) {
    if (track.kind !== 'audio' || !mixed.has(track.trackId)) continue;
    const index = inputOf(track.trackId, 'audio');
    if (index === null) continue;
    chains.push(`[${index}:a]aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a${index}]`);
    audioLabels.push(`[a${index}]`);
  }
  chains.push(`anullsrc=r=48000:cl=stereo:d=${durationSeconds},aformat=sample_fmts=fltp[silence]`);
  if (audioLabels.length === 0) chains.push('[silence]anull[aout]');
  else {
    chains.push(`[silence]${audioLabels.join('')}amix=inputs=${audioLabels.length + 1}:duration=first:dropout_transition=0:normalize=0[aout]`);
  }

  return { inputs, filter: chains.join(';\n'), durationSeconds };
}

/**
 * FFmpeg's arguments: the inputs (paths relative to the recording's folder, where it runs),
 * the graph from `filterScript`, VP8 + Opus WebM into `output`, and progress on stdout.
 */
export function compositionArguments(
  graph: CompositionGraph,
  files: { filterScript: string; output: string },
  settings: CompositionSettings = COMPOSITION_DEFAULTS,
): string[] {
  const inputs = graph.inputs.flatMap((input) => [
    ...(input.kind === 'video' ? ['-reinit_filter', '0'] : []),
    '-itsoffset', String(input.offsetSeconds),
    '-i', input.file,
  ]);
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel', 'error',
    '-nostats',
    '-progress', 'pipe:1',
    '-stats_period', '1',
    ...inputs,
    '-filter_complex_script', files.filterScript,
    '-map', '[vout]',
    '-map', '[aout]',
    '-c:v', 'libvpx',
    '-deadline', 'realtime',
    '-cpu-used', '8',
    '-b:v', `${settings.videoKbps}k`,
    // A keyframe every two seconds, so the player seeks to a chapter quickly.
    '-g', String(settings.fps * 2),
    '-threads', String(settings.threads),
    '-c:a', 'libopus',
    '-b:a', `${settings.audioKbps}k`,
    '-t', String(graph.durationSeconds),
    '-f', 'webm',
    '-y',
    files.output,
  ];
}

function addInterval(map: Map<string, Interval[]>, trackId: string, interval: Interval): void {
  const list = map.get(trackId) ?? [];
  const last = list.at(-1);
  if (last && last[1] === interval[0]) last[1] = interval[1];
  else list.push(interval);
  map.set(trackId, list);
}

/** An `enable` expression true during the intervals (start included, end not). */
function during(intervals: readonly Interval[]): string {
  return intervals.map(([start, end]) => `gte(t,${seconds(start)})*lt(t,${seconds(end)})`).join('+');
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
