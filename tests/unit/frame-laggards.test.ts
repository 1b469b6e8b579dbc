import { describe, expect, it } from 'vitest';
import { createLaggards, RESYNC_GAP_MS, RESYNCS_PER_FRAME, resyncsPerFrame, SLOW_BYTES, sortOut } from '../../server/townhall/frame-laggards.js';

describe('which connections skip a frame and which are told to join again', () => {
  const run = (lag: ReturnType<typeof createLaggards<string>>, queued: Record<string, number>, now: number) =>
    sortOut(lag, Object.keys(queued), (k) => k in queued, (k) => queued[k], now);

  it('skips a connection with a full queue, keeps skipping it while it drains, and resyncs it once empty', () => {
    const lag = createLaggards<string>();
    expect(run(lag, { fast: 0, slow: SLOW_BYTES }, 0)).toEqual({ slow: ['slow'], resync: [] });
    // Draining but not empty: still skips (a frame now would land behind the old ones).
    expect(run(lag, { fast: 0, slow: 1 }, 100)).toEqual({ slow: ['slow'], resync: [] });
    expect(run(lag, { fast: 0, slow: 0 }, 200)).toEqual({ slow: [], resync: ['slow'] });
    // Caught up: an ordinary connection again.
    expect(run(lag, { fast: 0, slow: 0 }, 300)).toEqual({ slow: [], resync: [] });
  });

  it('tells one connection to join again at most once per gap, skipping it meanwhile', () => {
    const lag = createLaggards<string>();
    run(lag, { a: SLOW_BYTES }, 0);
    expect(run(lag, { a: 0 }, 10).resync).toEqual(['a']);
    run(lag, { a: SLOW_BYTES }, 20);
    expect(run(lag, { a: 0 }, 30)).toEqual({ slow: ['a'], resync: [] });
    expect(run(lag, { a: 0 }, 10 + RESYNC_GAP_MS)).toEqual({ slow: [], resync: ['a'] });
  });

  it('resyncs at most a frame\'s share at once; the rest wait for the next frame', () => {
    const lag = createLaggards<string>();
    const many = Object.fromEntries(Array.from({ length: RESYNCS_PER_FRAME + 5 }, (_, i) => [`c${i}`, SLOW_BYTES]));
    run(lag, many, 0);
    const drained = Object.fromEntries(Object.keys(many).map((k) => [k, 0]));
    const first = run(lag, drained, 10);
    expect(first.resync).toHaveLength(RESYNCS_PER_FRAME);
    expect(first.slow).toHaveLength(5);
    expect(run(lag, drained, 20).resync).toHaveLength(5);
  });

  it('sorts one slice of a staggered room at a time, keeping the others’ laggards, within the slice’s share of resyncs', () => {
    const lag = createLaggards<string>();
    const room = new Set(['a1', 'a2', 'b1']);
    const slice = (members: string[], queued: Record<string, number>, now: number) =>
      sortOut(lag, members, (k) => room.has(k), (k) => queued[k], now, resyncsPerFrame(2));
    expect(resyncsPerFrame(1)).toBe(RESYNCS_PER_FRAME);
    expect(resyncsPerFrame(8)).toBe(Math.ceil(RESYNCS_PER_FRAME / 8));
    slice(['a1', 'a2'], { a1: SLOW_BYTES, a2: SLOW_BYTES }, 0);
    slice(['b1'], { b1: SLOW_BYTES }, 0);
    // Slice a's frame leaves slice b's laggard alone: it is still in the room.
    slice(['a1', 'a2'], { a1: SLOW_BYTES, a2: SLOW_BYTES }, 10);
    expect(lag.behind.has('b1')).toBe(true);
    const limited = sortOut(lag, ['a1', 'a2'], (k) => room.has(k), () => 0, 20, 1);
    expect(limited).toEqual({ slow: ['a2'], resync: ['a1'] });
  });

  it('forgets connections that left, and ignores ones already gone', () => {
    const lag = createLaggards<string>();
    run(lag, { a: SLOW_BYTES, b: SLOW_BYTES }, 0);
    run(lag, { b: 0 }, 10);
    expect([...lag.behind]).toEqual([]);
    expect([...lag.resyncedAt.keys()]).toEqual(['b']);
    expect(sortOut(lag, ['gone'], () => true, () => undefined, 20)).toEqual({ slow: [], resync: [] });
  });
});
