import { describe, expect, it } from 'vitest';
import { COMPOSITION_DEFAULTS, compositionArguments, compositionGraph } from '../../server/recording/compose-filters.js';
import type { LayoutPlan, RecordedTrack } from '../../server/recording/layout-plan.js';

const person = (userId: string) => ({ userId, staff: true });
const track = (trackId: string, kind: 'audio' | 'video', startMs: number, endMs: number | null = null): RecordedTrack => ({
  trackId,
  file: `${trackId}.mkv`,
  kind,
  source: kind === 'audio' ? 'microphone' : 'camera',
  participant: person(`u-${trackId}`),
  startMs,
  endMs,
});

// Two speakers' cameras and microphones, and an interpreter's camera as the inset throughout.
const tracks = [track('cam1', 'video', 0), track('mic1', 'audio', 0), track('cam2', 'video', 2500), track('mic2', 'audio', 2500), track('sign', 'video', 1000)];
const plan: LayoutPlan = {
  durationMs: 12_000,
  segments: [
    { startMs: 0, endMs: 1000, main: { trackId: 'cam1', userId: 'u-cam1', reason: 'host' }, inset: null, audio: ['mic1'] },
    { startMs: 1000, endMs: 6000, main: { trackId: 'cam1', userId: 'u-cam1', reason: 'speaker' }, inset: { trackId: 'sign', userId: 'u-sign' }, audio: ['mic1', 'mic2'] },
    { startMs: 6000, endMs: 9000, main: { trackId: 'cam2', userId: 'u-cam2', reason: 'speaker' }, inset: { trackId: 'sign', userId: 'u-sign' }, audio: ['mic1', 'mic2'] },
    { startMs: 9000, endMs: 12_000, main: { trackId: 'cam1', userId: 'u-cam1', reason: 'speaker' }, inset: { trackId: 'sign', userId: 'u-sign' }, audio: ['mic1', 'mic2'] },
  ],
  chapters: [],
};

const chainsOf = (filter: string) => filter.split(';\n');

describe('the composition filter graph', () => {
  it('reads each track once, placed at the moment its file began', () => {
    const graph = compositionGraph(plan, tracks);
    expect(graph.inputs).toEqual([
      { trackId: 'cam1', file: 'cam1.mkv', kind: 'video', offsetSeconds: 0 },
      { trackId: 'cam2', file: 'cam2.mkv', kind: 'video', offsetSeconds: 2.5 },
      { trackId: 'sign', file: 'sign.mkv', kind: 'video', offsetSeconds: 1 },
      { trackId: 'mic1', file: 'mic1.mkv', kind: 'audio', offsetSeconds: 0 },
      { trackId: 'mic2', file: 'mic2.mkv', kind: 'audio', offsetSeconds: 2.5 },
    ]);
    expect(graph.durationSeconds).toBe(12);
  });

  it('shows a camera large only during the segments that pick it, the inset over every large picture', () => {
    const chains = chainsOf(compositionGraph(plan, tracks).filter);
    expect(chains[0]).toBe('color=c=0x1d2430:s=1280x720:r=25:d=12,format=yuv420p[base]');
    const overlays = chains.filter((c) => c.includes('overlay='));
    expect(overlays).toEqual([
      "[base][m0]overlay=x=(W-w)/2:y=(H-h)/2:eof_action=pass:enable='gte(t,0)*lt(t,6)+gte(t,9)*lt(t,12)'[o0]",
      "[o0][m1]overlay=x=(W-w)/2:y=(H-h)/2:eof_action=pass:enable='gte(t,6)*lt(t,9)'[o1]",
      "[o1][i2]overlay=x=W-w-24:y=H-h-24:eof_action=pass:enable='gte(t,1)*lt(t,12)'[vout]",
    ]);
    // The inset is scaled to 30 % of the frame, the large pictures to the frame, both keeping their shape.
    expect(chains).toContain('[2:v]scale=384:216:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p[i2]');
    expect(chains).toContain('[0:v]scale=1280:720:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p[m0]');
  });

  it('mixes every microphone over silence the length of the recording, summed rather than averaged', () => {
    const chains = chainsOf(compositionGraph(plan, tracks).filter);
    expect(chains).toContain('[3:a]aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a3]');
    expect(chains).toContain('anullsrc=r=48000:cl=stereo:d=12,aformat=sample_fmts=fltp[silence]');
    expect(chains.at(-1)).toBe('[silence][a3][a4]amix=inputs=3:duration=first:dropout_transition=0:normalize=0[aout]');
  });

  it('splits a camera that is both large and the inset, and leaves out tracks the plan never shows', () => {
    const solo = [track('sign', 'video', 0), track('cam9', 'video', 0)];
    const graph = compositionGraph(
      {
        durationMs: 4000,
        segments: [
          { startMs: 0, endMs: 2000, main: { trackId: 'sign', userId: 'u-sign', reason: 'interpreter-only' }, inset: null, audio: [] },
          { startMs: 2000, endMs: 4000, main: null, inset: { trackId: 'sign', userId: 'u-sign' }, audio: [] },
        ],
        chapters: [],
      },
      solo,
    );
    expect(graph.inputs.map((i) => i.trackId)).toEqual(['sign']);
    const chains = chainsOf(graph.filter);
    expect(chains).toContain('[0:v]split=2[m0in][i0in]');
    expect(chains.some((c) => c.startsWith('[m0in]scale=1280:720'))).toBe(true);
    expect(chains.some((c) => c.startsWith('[i0in]scale=384:216'))).toBe(true);
    expect(chains.at(-1)).toBe('[silence]anull[aout]');
  });

  it('makes a picture-less, silent video of the right length when nothing was on', () => {
    const graph = compositionGraph({ durationMs: 3500, segments: [{ startMs: 0, endMs: 3500, main: null, inset: null, audio: [] }], chapters: [] }, []);
    expect(graph.inputs).toEqual([]);
    expect(chainsOf(graph.filter)).toEqual([
      'color=c=0x1d2430:s=1280x720:r=25:d=3.5,format=yuv420p[base]',
      '[base]null[vout]',
      'anullsrc=r=48000:cl=stereo:d=3.5,aformat=sample_fmts=fltp[silence]',
      '[silence]anull[aout]',
    ]);
  });

  it('keeps filters across size changes for video only, and writes VP8 and Opus WebM of the planned length', () => {
    const graph = compositionGraph(plan, tracks);
    const args = compositionArguments(graph, { filterScript: 'compose.filter', output: 'archive.part.webm' });
    const text = args.join(' ');
    expect(text).toContain('-reinit_filter 0 -itsoffset 2.5 -i cam2.mkv');
    expect(text).toContain('-itsoffset 2.5 -i mic2.mkv');
    expect(text).not.toContain('-reinit_filter 0 -itsoffset 2.5 -i mic2.mkv');
    expect(text).toContain('-progress pipe:1');
    expect(text).toContain('-c:v libvpx');
    expect(text).toContain('-c:a libopus');
    expect(text).toContain(`-g ${COMPOSITION_DEFAULTS.fps * 2}`);
    expect(args.slice(-6)).toEqual(['-t', '12', '-f', 'webm', '-y', 'archive.part.webm']);
  });
});
