// The soak's verdict on latency pools every vote of its minutes into one p99, as a step's p99
// pools every vote of its window; a percentile of per-minute percentiles would be a different
// figure (one bad minute in thirty holds 1 % of the soak's votes at most once).
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../bench/crowd/measure.js';
import type { StepResult } from '../../bench/crowd/protocol.js';
import type { Row } from '../../bench/crowd/report.js';
import { latencyLine } from '../../bench/crowd/soak.js';

function minute(latencies: number[]): Row {
  const h = new Histogram();
  for (const ms of latencies) h.add(ms);
  return { result: { vote: h.summary(true) } as StepResult } as Row;
}
const repeat = (ms: number, n: number) => Array<number>(n).fill(ms);

describe('the soak latency line', () => {
  it('pools the minutes exactly as one histogram of all their votes would', () => {
    const a = [...repeat(40, 980), ...repeat(300, 20)];
    const b = [...repeat(60, 990), 90, ...repeat(120, 9)];
    const one = new Histogram();
    for (const ms of [...a, ...b]) one.add(ms);
    const pooled = Histogram.pooled([minute(a).result.vote, minute(b).result.vote]);
    expect(pooled).toEqual(one.summary());
    expect(pooled.max).toBe(300);
  });

  it('says how many minutes were over on their own, and judges the soak on its pooled p99', () => {
    // 29 quiet minutes and one at 2 % over 250 ms: that minute misses, the soak holds.
    const rows = [...Array.from({ length: 29 }, () => minute(repeat(100, 1000))), minute([...repeat(100, 980), ...repeat(400, 20)])];
    const line = latencyLine(rows);
    expect(line).toMatch(/^vote p99 over the whole soak: 100 ms, within the target of 250 ms \(30000 votes shown/);
    expect(line).toContain('minutes over on their own: 1 of 30; worst minute\'s p99: 400 ms');
    // Over 1 % of all the soak's votes late: the soak misses.
    const bad = [...rows.slice(0, 28), minute([...repeat(100, 800), ...repeat(400, 200)]), minute([...repeat(100, 800), ...repeat(400, 200)])];
    expect(latencyLine(bad)).toMatch(/^vote p99 over the whole soak: 400 ms, OVER the target/);
  });

  it('refuses to pool a summary taken without its buckets', () => {
    const h = new Histogram();
    h.add(10);
    expect(() => Histogram.pooled([h.summary()])).toThrow(/buckets/);
  });
});
