// Recording with a real mediasoup worker and real FFmpeg on both sides: FFmpeg publishes a test
// pattern and a tone as RTP into a town hall's producers, the recording writes each to its own
// file, and ffprobe says what is in them.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MediaService } from '../../media/index.js';
import { createLogger } from '../../server/core/log.js';
import { createRecordingService, type RecordingService } from '../../server/recording/service.js';
import { parseTimeline } from '../../server/recording/timeline.js';
import { CommandError } from '../../shared/errors.js';
import { decodes, probe, written } from '../support/ffprobe.js';
import { startMediaService } from '../support/media.js';
import { inTownHall, startRtpSource, type RtpSource } from '../support/rtp-source.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setUp(options: { minFreeBytes?: number } = {}) {
  const media: MediaService = await startMediaService();
  cleanup.push(() => media.close());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rt-recording-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const recording: RecordingService = createRecordingService({
    media,
    dataDir,
    required: async () => false,
    log: createLogger('silent'),
    ...options,
  });
  cleanup.push(() => recording.close());
  return { media, dataDir, recording };
}

async function publish(media: MediaService, townHallId: string, peer: string, what: { video?: boolean; audio?: boolean } = {}) {
  const townHallMedia = await media.mediaFor(townHallId);
  const source: RtpSource = await startRtpSource(
    inTownHall(townHallMedia, peer, { userId: `user-${peer}`, displayName: 'Chief', staff: true }),
    what,
  );
  cleanup.push(() => source.close());
  return source;
}

const timelineOf = async (dir: string) => parseTimeline(await readFile(path.join(dir, 'timeline.jsonl'), 'utf8'));

describe('recording a town hall', () => {
  it('records a camera and a microphone to their own files without re-encoding, asking for a keyframe', async () => {
    const { media, recording } = await setUp();
    const source = await publish(media, 'townhall-rec', 'peer-1');

    const state = await recording.start('townhall-rec');
    expect(state.recording).toBe(true);
    const current = recording.current('townhall-rec')!;
    expect(current.dir).toContain(path.join('recordings', 'townhall-rec', current.id));
    const files = current.tracks.map((file) => path.join(current.dir, file));
    expect(current.tracks.sort()).toEqual(['001-camera-video.mkv', '002-microphone-audio.mkv'].sort());
    await Promise.all(files.map((file) => written(file)));
    const headersAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5000)); // the length of the recording itself
    const recordedSeconds = (Date.now() - headersAt) / 1000;
    expect(await recording.stop('townhall-rec')).toEqual({ recording: false, since: null });

    const video = await probe(path.join(current.dir, '001-camera-video.mkv'));
    expect(video.streams).toEqual([expect.objectContaining({ codec_type: 'video', codec_name: 'vp8', width: 320, height: 240 })]);
    expect(video.lastPacketSeconds).toBeGreaterThan(recordedSeconds - 1);
    expect(video.lastPacketSeconds).toBeLessThan(recordedSeconds + 2.5);
    const audio = await probe(path.join(current.dir, '002-microphone-audio.mkv'));
    expect(audio.streams).toEqual([expect.objectContaining({ codec_type: 'audio', codec_name: 'opus' })]);
    expect(audio.lastPacketSeconds).toBeGreaterThan(recordedSeconds - 1);
    // Copied, not re-encoded: every frame the publisher sent while recording is there, at its size.
    const frames = Number(video.streams[0]!.nb_read_frames);
    expect(frames).toBeGreaterThan(recordedSeconds * 20 * 0.8);
    await Promise.all(files.map((file) => decodes(file)));
    // The recording asked the publisher for a keyframe (a PLI reached the producer).
    const [stats] = await source.video!.getStats();
    expect(stats!.pliCount).toBeGreaterThan(0);

    const timeline = await timelineOf(current.dir);
    expect(timeline.filter((entry) => entry.type !== 'track-media-started').map((entry) => entry.type)).toEqual([
      'recording-started',
      'track-started',
      'track-started',
      'track-stopped',
      'track-stopped',
      'recording-stopped',
    ]);
    // Where each file begins is on the timeline once, after its track started (less what a
    // held-up first packet moves it back) and well before the recording stopped.
    const stoppedAt = timeline.at(-1)!.at;
    const starts = timeline.filter((entry) => entry.type === 'track-media-started');
    expect(starts.map((entry) => ('file' in entry ? entry.file : null)).sort()).toEqual(['001-camera-video.mkv', '002-microphone-audio.mkv']);
    for (const entry of starts) {
      const started = timeline.find((e) => e.type === 'track-started' && 'file' in entry && e.file === entry.file)!;
      expect(entry.at).toBeGreaterThan(started.at - 500);
      expect(entry.at).toBeLessThan(stoppedAt - 3000);
    }
    expect(timeline.filter((e) => e.type === 'track-started')).toContainEqual(
      expect.objectContaining({ file: '001-camera-video.mkv', kind: 'video', source: 'camera', participant: { userId: 'user-peer-1', staff: true } }),
    );
    expect(timeline.every((entry) => entry.offsetMs >= 0)).toBe(true);
  });

  it('gives a track that stops and starts again a second file, both playable', async () => {
    const { media, recording } = await setUp();
    await recording.start('townhall-again');
    const current = recording.current('townhall-again')!;

    const first = await publish(media, 'townhall-again', 'peer-1', { audio: false });
    await written(path.join(current.dir, '001-camera-video.mkv'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await first.close();
    const second = await publish(media, 'townhall-again', 'peer-1', { audio: false });
    await written(path.join(current.dir, '002-camera-video.mkv'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await recording.stop('townhall-again');

    const files = (await readdir(current.dir)).filter((f) => f.endsWith('.mkv')).sort();
    expect(files).toEqual(['001-camera-video.mkv', '002-camera-video.mkv']);
    for (const file of files) {
      const probed = await probe(path.join(current.dir, file));
      expect(probed.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'vp8' });
      expect(probed.lastPacketSeconds).toBeGreaterThan(0.5);
      await decodes(path.join(current.dir, file));
    }
    const timeline = await timelineOf(current.dir);
    const tracks = timeline.filter((e) => e.type === 'track-started' || e.type === 'track-stopped');
    expect(tracks.map((e) => [e.type, 'file' in e ? e.file : null])).toEqual([
      ['track-started', '001-camera-video.mkv'],
      ['track-stopped', '001-camera-video.mkv'],
      ['track-started', '002-camera-video.mkv'],
      ['track-stopped', '002-camera-video.mkv'],
    ]);
    expect(second.video!.closed).toBe(false);
  });

  it('refuses to start below the free disk space threshold, and changes nothing', async () => {
    const { recording, dataDir } = await setUp({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    const refusal = await recording.start('townhall-full').catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(CommandError);
    expect(refusal).toMatchObject({ code: 'UNAVAILABLE', extra: { reason: 'DISK_LOW' } });
    expect(recording.state('townhall-full')).toEqual({ recording: false, since: null });
    expect(await readdir(path.join(dataDir, 'recordings'))).toEqual([]);
  });

  it('refuses a second start and a stop of nothing with CONFLICT', async () => {
    const { recording } = await setUp();
    const state = await recording.start('townhall-twice');
    await expect(recording.start('townhall-twice')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(recording.state('townhall-twice')).toEqual(state);
    await recording.stop('townhall-twice');
    await expect(recording.stop('townhall-twice')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('writes the stage, the interpreter, the active speaker, answering now and captions to the timeline', async () => {
    const { media, recording } = await setUp();
    await publish(media, 'townhall-timeline', 'peer-1', { video: false });
    await recording.start('townhall-timeline');
    const { dir } = recording.current('townhall-timeline')!;
    const onStage = { userId: 'resident-1', displayName: 'Ana' };
    const interpreter = { userId: 'staff-9', displayName: 'Interpreter Lee' };
    recording.stageChanged('townhall-timeline', { speakers: [onStage], handCount: 0, interpreter });
    recording.fact('townhall-timeline', 'qa:question-changed', { question: { id: 'question-1', answerState: 'answering' } });
    recording.fact('townhall-timeline', 'captions:line-added', { line: { id: 'line-1', text: 'Welcome, everyone.' } });
    recording.fact('townhall-timeline', 'captions:line-added', { line: { id: 'line-2', text: 'Bienvenidos.', lang: 'es' } });
    recording.fact('townhall-timeline', 'qa:question-changed', { question: { id: 'question-1', answerState: 'answered' } });
    recording.stageChanged('townhall-timeline', { speakers: [], handCount: 0, interpreter });
    recording.stageChanged('townhall-timeline', { speakers: [], handCount: 0, interpreter: null });
    // FFmpeg's RTP carries no audio-level header extension, so the router's observer never
    // names it: the event is told as the observer would tell it, with the real producer's id.
    const [microphone] = media.existingMedia('townhall-timeline')!.producers();
    media.events.emit('activespeaker', { townHallId: 'townhall-timeline', producerId: microphone!.id });
    media.events.emit('activespeaker', { townHallId: 'townhall-timeline', producerId: null });
    await recording.stop('townhall-timeline');

    const timeline = await timelineOf(dir);
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'stage-on', participant: { userId: 'resident-1', staff: false } }));
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'stage-off', participant: { userId: 'resident-1', staff: false } }));
    // The interpreter once when marked (staff: not one of the residents on stage), once unmarked.
    expect(timeline.filter((e) => e.type === 'interpreter').map((e) => ('participant' in e ? e.participant : undefined))).toEqual([
      { userId: 'staff-9', staff: true },
      null,
    ]);
    expect(timeline.filter((e) => e.type === 'answering').map((e) => ('questionId' in e ? e.questionId : undefined))).toEqual(['question-1', null]);
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'caption', lineId: 'line-1', text: 'Welcome, everyone.' }));
    expect(timeline.find((e) => e.type === 'caption' && e.lineId === 'line-1')).not.toHaveProperty('lang');
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'caption', lineId: 'line-2', text: 'Bienvenidos.', lang: 'es' }));
    expect(timeline.filter((e) => e.type === 'active-speaker').map((e) => ('participant' in e ? e.participant : undefined))).toEqual([
      { userId: 'user-peer-1', staff: true },
      null,
    ]);
  });
});
