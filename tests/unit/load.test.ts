import { describe, expect, it } from 'vitest';
import { nextStretch, SUSTAINED_PERIODS, type Pace } from '../../server/core/load.js';

describe('how the stretch follows the event loop’s utilisation', () => {
  const limits = { busy: 0.9, calm: 0.75, maxStretch: 10 };
  const run = (used: number[], from: Pace = { stretch: 1, busyPeriods: 0 }) => used.reduce((pace, u) => nextStretch(pace, u, limits), from);

  it('ignores one saturated period between ordinary ones', () => {
    expect(run([0.8, 0.95, 0.8, 0.97, 0.85]).stretch).toBe(1);
  });

  it('grows once saturation lasts, and on every saturated period after', () => {
    const saturated = Array<number>(SUSTAINED_PERIODS).fill(0.95);
    expect(run(saturated).stretch).toBe(1.5);
    expect(run([...saturated, 0.95]).stretch).toBe(2.25);
  });

  it('holds between calm and busy, shrinks below calm, never under 1 or over the most', () => {
    const stretched = run([0.95, 0.95, 0.95]);
    expect(run([0.8, 0.85], stretched).stretch).toBe(stretched.stretch);
    expect(run([0.5], stretched).stretch).toBeCloseTo(stretched.stretch * 0.8);
    expect(run(Array<number>(30).fill(0.1), stretched).stretch).toBe(1);
    expect(run(Array<number>(30).fill(1)).stretch).toBe(10);
  });
});
