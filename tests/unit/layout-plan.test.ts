import { describe, expect, it } from 'vitest';
import type { TimelineEntry, TimelineEvent, TimelineParticipant } from '../../shared/recording.js';
import { planLayout, tracksFromTimeline, type LayoutPlan } from '../../server/recording/layout-plan.js';

// Hand-built timelines: `s` seconds since the recording started.
const host: TimelineParticipant = { userId: 'u-host', staff: true };
const chief: TimelineParticipant = { userId: 'u-chief', staff: true };
const rosa: TimelineParticipant = { userId: 'u-rosa', staff: false };
const signer: TimelineParticipant = { userId: 'u-signer', staff: true };

class Timeline {
  readonly entries: TimelineEntry[] = [];
  #n = 0;
  constructor() {
    this.at(0, { type: 'recording-started', recordingId: 'rec1', townHallId: 'th1' });
  }
  at(s: number, event: TimelineEvent): this {
    this.entries.push({ at: 1_700_000_000_000 + s * 1000, offsetMs: s * 1000, ...event });
    return this;
  }
  /** A track from `from` to `to` seconds (null: never stopped); answers its id. */
  track(from: number, to: number | null, who: TimelineParticipant, source: 'camera' | 'microphone' | 'screen'): string {
    const trackId = `${who.userId}-${source}-${++this.#n}`;
    const kind = source === 'microphone' ? 'audio' : 'video';
    this.at(from, { type: 'track-started', trackId, file: `${trackId}.webm`, kind, source, participant: who });
    if (to !== null) this.at(to, { type: 'track-stopped', trackId, file: `${trackId}.webm` });
    return trackId;
  }
  speaker(s: number, who: TimelineParticipant | null): this {
    return this.at(s, { type: 'active-speaker', participant: who, trackId: null });
  }
  stop(s: number): this {
    return this.at(s, { type: 'recording-stopped', recordingId: 'rec1' });
  }
  plan(): LayoutPlan {
    const sorted = [...this.entries].sort((a, b) => a.offsetMs - b.offsetMs);
    return planLayout(sorted, tracksFromTimeline(sorted), { minSegmentMs: 4000, speakerHoldMs: 1500 });
  }
}

/** The plan as [from s, to s, large track, inset track] rows, which read like a storyboard. */
const board = (plan: LayoutPlan) => plan.segments.map((s) => [s.startMs / 1000, s.endMs / 1000, s.main?.trackId ?? null, s.inset?.trackId ?? null]);

describe('the archival layout plan', () => {
  it('puts a screen share large while it is on, and the speaker back when it ends', () => {
    const t = new Timeline();
    const hostCam = t.track(0, null, host, 'camera');
    const hostMic = t.track(0, null, host, 'microphone');
    t.speaker(1, host);
    const screen = t.track(10, 30, host, 'screen');
    t.at(10, { type: 'screen-on', trackId: screen, participant: host });
    t.at(30, { type: 'screen-off', trackId: screen, participant: host });
    t.stop(40);
    const plan = t.plan();
    expect(plan.durationMs).toBe(40_000);
    expect(board(plan)).toEqual([
      [0, 10, hostCam, null],
      [10, 30, screen, null],
      [30, 40, hostCam, null],
    ]);
    expect(plan.segments[1]!.main?.reason).toBe('screen');
    expect(plan.segments.every((s) => s.audio.join() === hostMic)).toBe(true);
  });

  it('switches to a new speaker from their first word, ignores short remarks, and never cuts a picture shorter than the minimum', () => {
    const t = new Timeline();
    const hostCam = t.track(0, null, host, 'camera');
    const rosaCam = t.track(5, null, rosa, 'camera');
    const chiefCam = t.track(0, null, chief, 'camera');
    const mics = [host, rosa, chief].map((p) => t.track(0, null, p, 'microphone'));
    t.speaker(0, host);
    t.speaker(10, rosa); // a half-second "yes": no switch
    t.speaker(10.5, host);
    t.speaker(20, rosa); // she speaks for 6 s: the picture goes to her at 20
    t.speaker(26, chief); // the chief speaks 2 s, then Rosa again for 1 s, then the chief: one switch to the chief at 26, held
    t.speaker(28, rosa);
    t.speaker(29, chief);
    t.speaker(30, null); // silence keeps the last speaker
    t.stop(40);
    const plan = t.plan();
    expect(board(plan)).toEqual([
      [0, 20, hostCam, null],
      [20, 26, rosaCam, null],
      [26, 40, chiefCam, null],
    ]);
    expect(plan.segments.map((s) => s.main?.reason)).toEqual(['speaker', 'speaker', 'speaker']);
    expect(plan.segments[0]!.audio.sort()).toEqual([...mics].sort());
  });

  it('holds a picture for the minimum length when speakers trade the floor quickly', () => {
    const t = new Timeline();
    const hostCam = t.track(0, null, host, 'camera');
    const rosaCam = t.track(0, null, rosa, 'camera');
    t.speaker(0, host);
    t.speaker(10, rosa); // 2 s: takes the floor at 10
    t.speaker(12, host); // 2 s: wants the floor back at 12, held until 14
    t.speaker(14, rosa);
    t.speaker(30, null);
    t.stop(30);
    expect(board(t.plan())).toEqual([
      [0, 10, hostCam, null],
      [10, 30, rosaCam, null],
    ]);

    const quick = new Timeline();
    const a = quick.track(0, null, host, 'camera');
    const b = quick.track(0, null, rosa, 'camera');
    quick.speaker(0, host).speaker(10, rosa).speaker(12, host).stop(30);
    // Rosa's 2 s take the floor at 10; the host's return waits until her picture has had 4 s.
    expect(board(quick.plan())).toEqual([
      [0, 10, a, null],
      [10, 14, b, null],
      [14, 30, a, null],
    ]);
  });

  it('shows the interpreter as an inset from when they arrive to when they leave, never as the speaker', () => {
    const t = new Timeline();
    const hostCam = t.track(0, null, host, 'camera');
    t.track(0, null, host, 'microphone');
    t.speaker(0, host);
    t.at(12, { type: 'interpreter', participant: signer });
    const signerCam = t.track(15, 35, signer, 'camera');
    const signerMic = t.track(15, 35, signer, 'microphone');
    t.speaker(20, signer); // voicing for a deaf resident: the picture stays with the host
    t.speaker(25, host);
    t.at(40, { type: 'interpreter', participant: null });
    t.stop(50);
    const plan = t.plan();
    expect(board(plan)).toEqual([
      [0, 15, hostCam, null],
      [15, 35, hostCam, signerCam],
      [35, 50, hostCam, null],
    ]);
    expect(plan.segments[1]!.audio).toContain(signerMic);
    expect(plan.segments[2]!.audio).not.toContain(signerMic);
  });

  it('keeps the interpreter inset during a screen share', () => {
    const t = new Timeline();
    t.at(0, { type: 'interpreter', participant: signer });
    const hostCam = t.track(0, null, host, 'camera');
    const signerCam = t.track(0, null, signer, 'camera');
    const screen = t.track(5, null, host, 'screen');
    t.at(5, { type: 'screen-on', trackId: screen, participant: host });
    t.stop(20);
    expect(board(t.plan())).toEqual([
      [0, 5, hostCam, signerCam],
      [5, 20, screen, signerCam],
    ]);
  });

  it("falls back when the speaker's camera stops, and returns to it when it starts again in a new file", () => {
    const t = new Timeline();
    const hostCam = t.track(0, null, host, 'camera');
    const rosaCam1 = t.track(0, 10, rosa, 'camera');
    const rosaCam2 = t.track(13, null, rosa, 'camera');
    t.speaker(0, host);
    t.speaker(5, rosa);
    t.speaker(30, null);
    t.stop(30);
    const plan = t.plan();
    expect(board(plan)).toEqual([
      [0, 5, hostCam, null],
      [5, 10, rosaCam1, null],
      // Her camera stopped: the host's at once (a picture that ended is never held), then hers
      // again once the host's has been on for the minimum.
      [10, 14, hostCam, null],
      [14, 30, rosaCam2, null],
    ]);
    expect(plan.segments[2]!.main?.reason).toBe('earlier-speaker');
  });

  it("shows a host's camera before anyone speaks, and the interpreter large when theirs is the only picture", () => {
    const t = new Timeline();
    t.at(0, { type: 'interpreter', participant: signer });
    const signerCam = t.track(0, null, signer, 'camera');
    const rosaCam = t.track(5, 20, rosa, 'camera');
    const chiefCam = t.track(6, 20, chief, 'camera');
    t.stop(25);
    const plan = t.plan();
    expect(board(plan)).toEqual([
      [0, 5, signerCam, null],
      // A host's camera is preferred, once the picture before it has had its minimum.
      [5, 9, rosaCam, signerCam],
      [9, 20, chiefCam, signerCam],
      [20, 25, signerCam, null],
    ]);
    expect(plan.segments.map((s) => s.main?.reason)).toEqual(['interpreter-only', 'camera', 'host', 'interpreter-only']);
  });

  it('moves the interpreter from large to the inset the moment another camera begins, without holding them large', () => {
    // Their camera's file can begin a moment before the others' (each is placed where it really begins).
    const t = new Timeline();
    t.at(0, { type: 'interpreter', participant: signer });
    const signerCam = t.track(0, null, signer, 'camera');
    const chiefCam = t.track(1, null, chief, 'camera');
    t.stop(10);
    expect(board(t.plan())).toEqual([
      [0, 1, signerCam, null],
      [1, 10, chiefCam, signerCam],
    ]);
  });

  it('moves a camera shown large to the inset the moment its owner is marked as the interpreter', () => {
    const t = new Timeline();
    const signerCam = t.track(0, null, signer, 'camera');
    const rosaCam = t.track(1, null, rosa, 'camera');
    t.at(2, { type: 'interpreter', participant: signer });
    t.stop(10);
    expect(board(t.plan())).toEqual([
      [0, 2, signerCam, null],
      [2, 10, rosaCam, signerCam],
    ]);
  });

  it('plans sound alone when there is no video at all, and nothing for an empty recording', () => {
    const t = new Timeline();
    const mic = t.track(0, 8, host, 'microphone');
    t.speaker(1, host);
    t.stop(10);
    expect(t.plan().segments).toEqual([
      { startMs: 0, endMs: 8000, main: null, inset: null, audio: [mic] },
      { startMs: 8000, endMs: 10_000, main: null, inset: null, audio: [] },
    ]);
    expect(new Timeline().stop(0).plan()).toEqual({ durationMs: 0, segments: [], chapters: [] });
  });

  it('ends a recording cut off by a crash at the last thing known, with tracks never stopped', () => {
    const t = new Timeline();
    const cam = t.track(0, null, host, 'camera');
    t.speaker(7, host);
    expect(t.plan()).toMatchObject({ durationMs: 7000, segments: [{ startMs: 0, endMs: 7000, main: { trackId: cam } }] });
  });

  it('makes a chapter of each question answered live, from its marker to the next', () => {
    const t = new Timeline();
    t.track(0, null, host, 'camera');
    t.at(5, { type: 'answering', questionId: 'q1' });
    t.at(9, { type: 'answering', questionId: 'q1' });
    t.at(20, { type: 'answering', questionId: 'q2' });
    t.at(30, { type: 'answering', questionId: null });
    t.at(35, { type: 'answering', questionId: 'q3' });
    t.stop(50);
    expect(t.plan().chapters).toEqual([
      { questionId: 'q1', startMs: 5000, endMs: 20_000 },
      { questionId: 'q2', startMs: 20_000, endMs: 30_000 },
      { questionId: 'q3', startMs: 35_000, endMs: 50_000 },
    ]);
  });

  it('covers the whole recording with segments that neither overlap nor leave gaps', () => {
    const t = new Timeline();
    t.track(0, 20, host, 'camera');
    t.track(3, 17, rosa, 'camera');
    t.track(0, null, host, 'microphone');
    for (let s = 0; s < 40; s += 0.7) t.speaker(s, Math.floor(s) % 3 === 0 ? rosa : host);
    t.stop(40);
    const { segments, durationMs } = t.plan();
    expect(segments[0]!.startMs).toBe(0);
    expect(segments.at(-1)!.endMs).toBe(durationMs);
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.startMs).toBe(segments[i - 1]!.endMs);
    // The picture changes at most once per minimum length unless a track ended.
    const switches = segments.filter((s, i) => i > 0 && s.main?.trackId !== segments[i - 1]!.main?.trackId);
    expect(switches.length).toBeLessThanOrEqual(40 / 4 + 2);
  });

  it('places each file where its first packet was, not where its track started, and a timeline without that where the track started', () => {
    const t = new Timeline();
    const cam = t.track(0, null, host, 'camera');
    // The camera's file waited 2.5 s for FFmpeg and a keyframe. The microphone's first packet
    // beat its track-started line, so sorted by time it comes first.
    const mic = t.track(0.3, null, host, 'microphone');
    t.at(2.5, { type: 'track-media-started', trackId: cam, file: `${cam}.webm` });
    t.at(0.2, { type: 'track-media-started', trackId: mic, file: `${mic}.webm` });
    const legacy = new Timeline();
    const oldCam = legacy.track(1, null, host, 'camera');
    legacy.stop(10);
    t.stop(10);
    const sorted = [...t.entries].sort((a, b) => a.offsetMs - b.offsetMs);
    expect(tracksFromTimeline(sorted).map((k) => [k.trackId, k.startMs])).toEqual([
      [cam, 2500],
      [mic, 200],
    ]);
    const plan = t.plan();
    expect(board(plan)).toEqual([
      [0, 0.2, null, null],
      [0.2, 2.5, null, null],
      [2.5, 10, cam, null],
    ]);
    expect(plan.segments.map((segment) => segment.audio)).toEqual([[], [mic], [mic]]);
    expect(tracksFromTimeline(legacy.entries).map((k) => [k.trackId, k.startMs])).toEqual([[oldCam, 1000]]);
  });

  it('ignores a first-packet line that names another file than its track', () => {
    const t = new Timeline();
    const cam = t.track(1, null, host, 'camera');
    t.at(3, { type: 'track-media-started', trackId: cam, file: 'another.webm' });
    t.stop(10);
    expect(tracksFromTimeline(t.entries).map((k) => k.startMs)).toEqual([1000]);
  });
});
