import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../bench/crowd/protocol.js';
import { lateLine, type Row } from '../../bench/crowd/report.js';
import { watchStalls } from '../../bench/crowd/stalls.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('the bench stall watcher', () => {
  it('notes a loop held past the threshold, with when it began and how long', async () => {
    const watcher = watchStalls();
    try {
      await delay(30);
      const before = Date.now();
      busy(150);
      await delay(60);
      const stalls = watcher.take();
      expect(stalls).toHaveLength(1);
      expect(stalls[0]!.ms).toBeGreaterThanOrEqual(100);
      expect(Math.abs(stalls[0]!.at - before)).toBeLessThan(60);
      expect(watcher.take()).toEqual([]);
    } finally {
      watcher.stop();
    }
  });

  it('does not count a hold the caller declares (the forced GC of the heap sample)', async () => {
    const watcher = watchStalls();
    try {
      await delay(30);
      busy(150);
      watcher.skip();
      await delay(60);
      expect(watcher.take()).toEqual([]);
    } finally {
      watcher.stop();
    }
  });
});

describe("the bench's line for a row over the target", () => {
  const row = (p99: number, lateBySecond: number[]): Row =>
    ({
      label: 'roundtable (sqlite), minute 23',
      n: 5000,
      result: {
        vote: { count: 10_000, p50: 60, p99, max: 900 },
        startedAt: 1_000_000,
        lateBySecond,
        generator: { cpuPercent: 40, systemPercent: 10, waitedPercent: 0, lagP99Ms: 5, stalls: [] },
      } as unknown as StepResult,
      stalls: { server: [{ at: 1_012_300, ms: 310 }], steal: [{ at: 1_013_000, percent: 0.2 }, { at: 1_014_000, percent: 30 }] },
    }) as Row;

  it('says when the late votes were sent and what stood still then', () => {
    const line = lateLine(row(379, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 150, 50]))!;
    expect(line).toContain('minute 23, 5000 attendees: 2.0 % of votes shown over 250 ms, most sent at 12 s: 150, 13 s: 50');
    expect(line).toContain('server stalls ≥ 50 ms: 12.3 s 310 ms');
    expect(line).toContain('generator stalls: none');
    expect(line).toContain('13.0–14.0 s 30 %');
    expect(line).not.toContain('0.2');
  });

  it('is left out for a row within the target', () => {
    expect(lateLine(row(200, [5]))).toBeNull();
  });
});
