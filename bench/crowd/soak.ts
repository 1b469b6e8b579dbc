// `--soak MINUTES`: one crowd held at full load for MINUTES, in one-minute windows, with the
// server's heap and RSS sampled after each. Between windows the load pauses only while the
// screens catch up and the next window's questions are asked (well under a second when the
// server keeps up), and the server runs a full GC for the heap figure.
import type { CrowdOptions } from './options.js';
import type { ServerSample } from './protocol.js';
import { Histogram } from './measure.js';
import { formatRow, TARGET_P99_MS, type Row } from './report.js';
import type { StepRunner } from './step.js';
import type { SystemUnderTest } from './systems.js';

/** Minutes whose figures are warm-up: caches filling, JIT, the crowd's first questions. */
const WARM_UP_MINUTES = 2;
/** Heap and RSS stay "flat" when every later sample is within this of the one after the warm-up. */
const FLAT_WITHIN = 0.1;

export async function soak(system: SystemUnderTest, runner: StepRunner, o: CrowdOptions, print: (line: string) => void): Promise<{ rows: Row[]; summary: string[] }> {
  const minutes = o.soakMinutes!;
  const n = o.steps[0]!;
  const crowd = await runner.connect(system, n);
  const rows: Row[] = [];
  const memory: ServerSample[] = [crowd.full[0]!];
  try {
    for (let minute = 1; minute <= minutes; minute++) {
      if (minute > 1) await runner.rearm();
      const row = await runner.run(system, crowd, [memory.at(-1)!]);
      row.label = `${system.label}, minute ${minute}`;
      rows.push(row);
      print(formatRow(row, o.reportSaturated));
      memory.push((await system.sample(true))[0]!);
    }
  } finally {
    await runner.disconnect();
  }
  return { rows, summary: soakSummary(n, memory, rows) };
}

/**
 * The soak's vote latency: p99 over every vote of the soak, as a step's p99 is over every vote of
 * its window, with how many one-minute windows were over the target on their own and the worst.
 */
export function latencyLine(rows: Row[]): string {
  const all = Histogram.pooled(rows.map((r) => r.result.vote));
  const over = rows.filter((r) => r.result.vote.p99 > TARGET_P99_MS);
  const worst = Math.max(...rows.map((r) => r.result.vote.p99));
  const verdict = all.p99 <= TARGET_P99_MS ? 'within' : 'OVER';
  return `vote p99 over the whole soak: ${all.p99.toFixed(0)} ms, ${verdict} the target of ${TARGET_P99_MS} ms (${all.count} votes shown, p50 ${all.p50.toFixed(0)} ms); minutes over on their own: ${over.length} of ${rows.length}; worst minute's p99: ${worst.toFixed(0)} ms`;
}

function soakSummary(n: number, memory: ServerSample[], rows: Row[]): string[] {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const lines = [
    `Soak at ${n} attendees, ${rows.length} minutes: server heap / RSS after each minute (MB, after a full GC), minute 0 = everyone joined:`,
    `  ${memory.map((s, i) => `${i}: ${mb(s.heapUsed)} / ${mb(s.rss)}`).join(' · ')}`,
    `  RSS broken down (MB): external (Buffers) / V8's resident heap pages / the rest of anonymous resident memory (the allocator's: Buffers, SQLite, sockets):`,
    `  ${memory.map((s, i) => `${i}: ${mb(s.external)} / ${s.v8Resident === undefined ? '—' : mb(s.v8Resident)} / ${s.anonymous === undefined || s.v8Resident === undefined ? '—' : mb(s.anonymous - s.v8Resident)}`).join(' · ')}`,
  ];
  if (memory.length <= WARM_UP_MINUTES + 1) {
    lines.push(`  flat: not judged (needs more than ${WARM_UP_MINUTES} minutes of warm-up)`);
  } else {
    const reference = memory[WARM_UP_MINUTES]!;
    const later = memory.slice(WARM_UP_MINUTES + 1);
    const drift = (key: 'heapUsed' | 'rss') => Math.max(...later.map((s) => Math.abs(s[key] / reference[key] - 1)));
    const judge = (key: 'heapUsed' | 'rss') => `${(drift(key) * 100).toFixed(1)} % ${drift(key) <= FLAT_WITHIN ? '(flat)' : '(NOT flat)'}`;
    lines.push(`  largest move from minute ${WARM_UP_MINUTES} (target within ${FLAT_WITHIN * 100} %): heap ${judge('heapUsed')}, RSS ${judge('rss')}`);
    const growth = (of: (s: ServerSample) => number | undefined) => {
      const first = of(reference);
      const last = of(memory.at(-1)!);
      return first === undefined || last === undefined ? '—' : `${(last - first) / 2 ** 20 >= 0 ? '+' : ''}${mb(last - first)} MB`;
    };
    lines.push(
      `  from minute ${WARM_UP_MINUTES} to the end: RSS ${growth((s) => s.rss)}, of which V8's pages ${growth((s) => s.v8Resident)}, the allocator's ${growth((s) => (s.anonymous === undefined || s.v8Resident === undefined ? undefined : s.anonymous - s.v8Resident))}, mapped files ${growth((s) => (s.anonymous === undefined ? undefined : s.rss - s.anonymous))}`,
    );
  }
  const lost = rows.reduce((sum, r) => sum + r.result.lost.questions + r.result.lost.chats + r.result.lost.voteScreens, 0);
  const refused = rows.reduce((sum, r) => sum + Object.values(r.result.refused).reduce((a, b) => a + b, 0) + r.result.unknown.votes + r.result.unknown.questions + r.result.unknown.chats, 0);
  lines.push(`  lost over the soak: ${lost}; refused or unanswered: ${refused}`);
  lines.push(`  ${latencyLine(rows)}`);
  return lines;
}
