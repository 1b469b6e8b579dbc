import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameLog } from '../../server/townhall/frame-log.js';
import {
  DEFAULT_WRITES_PER_SECOND,
  defaultStagger,
  isStaggered,
  MIN_TICK_MS,
  sliceOf,
  slotMs,
  STAGGER_SLICES,
  staggerFrom,
  tickMs,
} from '../../server/townhall/frame-tick.js';

describe('which rooms are staggered, and when each slice is due', () => {
  it('staggers exactly the rooms whose one burst would be more than half of a shortest tick’s writes', () => {
    const from = staggerFrom(DEFAULT_WRITES_PER_SECOND);
    expect(from).toBe(3_001);
    // Half the writes a 100 ms tick affords at this budget, and no more.
    expect((from - 1) * 2).toBe((DEFAULT_WRITES_PER_SECOND * MIN_TICK_MS) / 1000);
    // Still a 100 ms tick: staggered rooms start before the tick lengthens.
    expect(tickMs(from, DEFAULT_WRITES_PER_SECOND)).toBe(MIN_TICK_MS);
    expect(staggerFrom(120_000)).toBe(6_001);
    const stagger = defaultStagger(DEFAULT_WRITES_PER_SECOND);
    expect(isStaggered(from - 1, stagger)).toBe(false);
    expect(isStaggered(from, stagger)).toBe(true);
    expect(isStaggered(10_000, { from: 10, slices: 1 })).toBe(false);
  });

  it('spaces a staggered room’s slots a slice’s share of the tick apart, and others a whole tick', () => {
    const tick = tickMs(10_000, DEFAULT_WRITES_PER_SECOND);
    expect(slotMs(tick, true, STAGGER_SLICES) * STAGGER_SLICES).toBeCloseTo(tick);
    expect(slotMs(tick, false, STAGGER_SLICES)).toBe(tick);
  });

  it('keeps a connection in one slice and spreads connections evenly over the slices', () => {
    const random = Array.from({ length: 10_000 }, () => randomBytes(15).toString('base64url'));
    const sequential = Array.from({ length: 10_000 }, (_, i) => `s${i + 1}`);
    for (const ids of [random, sequential]) {
      const counts = new Array<number>(STAGGER_SLICES).fill(0);
      for (const id of ids) {
        const slice = sliceOf(id, STAGGER_SLICES);
        expect(sliceOf(id, STAGGER_SLICES)).toBe(slice);
        counts[slice]!++;
      }
      const mean = ids.length / STAGGER_SLICES;
      for (const count of counts) expect(Math.abs(count - mean)).toBeLessThan(mean * 0.1);
    }
  });
});

describe('the log a town hall’s slices are sent from', () => {
  /** Runs slots, recording what each slice was sent, in order. */
  const recorder = (log: FrameLog<number>) => {
    const got: number[][] = Array.from({ length: log.slices }, () => []);
    return {
      got,
      slot(staggered: boolean) {
        const batches = log.take(staggered);
        for (const { slices, entries } of batches) for (const s of slices) got[s]!.push(...entries);
        return batches;
      },
    };
  };

  it('sends a staggered room’s slices one per slot, each with what it has not had', () => {
    const log = new FrameLog<number>(4);
    const { got, slot } = recorder(log);
    log.append(1);
    expect(slot(true)).toEqual([{ slices: [0], entries: [1] }]);
    log.append(2);
    expect(slot(true)).toEqual([{ slices: [1], entries: [1, 2] }]);
    slot(true);
    slot(true);
    expect(got).toEqual([[1], [1, 2], [1, 2], [1, 2]]);
    expect(slot(true)).toEqual([{ slices: [0], entries: [2] }]);
  });

  it('drops a fact once every slice has been sent it, and says when nothing is pending', () => {
    const log = new FrameLog<number>(3);
    const { slot } = recorder(log);
    log.append(1);
    log.append(2);
    slot(true);
    slot(true);
    expect(log.size).toBe(2);
    expect(log.pending).toBe(true);
    slot(true);
    expect(log.size).toBe(0);
    expect(log.pending).toBe(false);
  });

  it('sends every slice every fact exactly once and in order, through any mix of staggered and whole slots', () => {
    const log = new FrameLog<number>(8);
    const { got, slot } = recorder(log);
    let n = 0;
    // Deterministic but irregular: appends and slots interleaved, switching modes now and then.
    for (let step = 0; step < 2_000; step++) {
      const appends = (step * 7) % 5;
      for (let i = 0; i < appends; i++) log.append(++n);
      slot(Math.floor(step / 37) % 3 !== 0);
    }
    // Drain: whole slots send every slice its rest at once.
    slot(false);
    const all = Array.from({ length: n }, (_, i) => i + 1);
    for (const sent of got) expect(sent).toEqual(all);
    expect(log.size).toBe(0);
  });

  it('on leaving staggering, sends each group of slices its own rest, then the whole room one frame', () => {
    const log = new FrameLog<number>(4);
    const { got, slot } = recorder(log);
    log.append(1);
    slot(true); // slice 0 has 1
    log.append(2);
    slot(true); // slice 1 has 1, 2
    expect(slot(false)).toEqual([
      { slices: [2, 3], entries: [1, 2] },
      { slices: [0], entries: [2] },
      { slices: [1], entries: [] },
    ]);
    log.append(3);
    expect(slot(false)).toEqual([{ slices: [0, 1, 2, 3], entries: [3] }]);
    for (const sent of got) expect(sent).toEqual([1, 2, 3]);
  });

  it('on starting to stagger, carries on from where each slice is', () => {
    const log = new FrameLog<number>(2);
    const { got, slot } = recorder(log);
    log.append(1);
    slot(false);
    log.append(2);
    slot(true);
    slot(true);
    expect(got).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it('refuses a number of slices that is not a positive integer', () => {
    expect(() => new FrameLog(0)).toThrow(RangeError);
    expect(() => new FrameLog(2.5)).toThrow(RangeError);
  });
});
