// Turns measured steps into the printed rows and the closing summary against the targets.
import type { StepResult } from './protocol.js';
import { STALL_MS, type Stall } from './stalls.js';
import type { SystemName } from './systems.js';

export const TARGET_P99_MS = 250;
const GENERATOR_MAX_LAG_MS = 50;
const GENERATOR_MAX_CPU = 90;
const WAITED_SHOWN_PERCENT = 5;

export interface Row {
  system: SystemName;
  label: string;
  n: number;
  result: StepResult;
  /** Summed over nodes, in % of one core. */
  serverCpuPercent: number;
  /** The most any node waited, runnable, for a CPU other work held, in % of the window. */
  serverWaitedPercent: number;
  heapPerAttendeeBytes: number;
  /** Server CPU per Socket.IO message the clients received. */
  cpuMicrosPerMessage: number;
  listenersPerSocket?: number;
  /** From servers that send frames (Roundtable once it does, and the raw ws baseline). */
  frames?: FramesSeen;
  /** The reconnect storm: from the kill to the new server listening. */
  restartMs?: number;
  /** Connections the kernel dropped during the step because an accept queue was full (bench/crowd/kernel.ts). */
  listenOverflows?: number;
  /** Where the servers' event loops stood still during the step, and the machine's CPU steal by second. */
  stalls?: { server: Stall[]; steal: Steal[] };
}

/** The share of the machine's CPU time the hypervisor gave elsewhere in the second before `at` (epoch ms). */
export interface Steal {
  at: number;
  percent: number;
}

/** A step's frame figures: the ticks seen while it ran, and what the counters grew by. */
export interface FramesSeen {
  tickMinMs: number;
  tickMaxMs: number;
  lagMaxMs: number;
  skippedFrames: number;
  resyncs: number;
  sampledChat: number;
}

export const saturated = (r: Row): boolean =>
  r.result.generator.lagP99Ms > GENERATOR_MAX_LAG_MS || r.result.generator.cpuPercent > GENERATOR_MAX_CPU;

/** Commands whose connection dropped before their answer: expected in a storm, a failure anywhere else. */
const unknownTotal = (r: Row) => r.result.unknown.votes + r.result.unknown.questions + r.result.unknown.chats;
const refusals = (r: Row) =>
  Object.values(r.result.refused).reduce((n, v) => n + v, 0) + (r.result.storm ? 0 : unknownTotal(r) + r.result.offline);
const lostTotal = (r: Row) => r.result.lost.questions + r.result.lost.chats + r.result.lost.voteScreens;

/** Held: p99 vote → every screen within target, nothing lost, nothing refused, everyone joined. */
export const held = (r: Row): boolean => !saturated(r) && meetsTarget(r);

/** The figures meet the target, whether or not the generator could be trusted to produce them. */
export const meetsTarget = (r: Row): boolean =>
  r.result.vote.p99 <= TARGET_P99_MS &&
  lostTotal(r) === 0 &&
  refusals(r) === 0 &&
  r.result.connectErrors === 0;

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '—');
const k = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0));

export const HEADER =
  '| system | attendees | tick ms (loop lag) | vote p50 / p99 ms | probes p99 | question p99 | chat p99 | lost q/c/votes | refused | skipped frames / resyncs | server CPU | heap/attendee | msgs/s | vote deliveries/s | CPU µs/msg | generator CPU / lag p99 | verdict |\n' +
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|';

/** Shown when other work on the machine held a process off its core noticeably. */
const waited = (percent: number) => (percent >= WAITED_SHOWN_PERCENT ? ` (waited ${percent.toFixed(0)} %)` : '');

/** The ticks seen, and the largest event-loop lag the server's tick policy read meanwhile (what stretches the tick). */
const tick = (f: FramesSeen | undefined) =>
  !f ? '—' : `${f.tickMinMs === f.tickMaxMs ? f.tickMinMs : `${f.tickMinMs}–${f.tickMaxMs}`} (${f.lagMaxMs.toFixed(0)})`;

export function formatRow(r: Row, reportSaturated = false): string {
  const g = r.result.generator;
  const generator = `${g.cpuPercent.toFixed(0)} % / ${ms(g.lagP99Ms)} ms${waited(g.waitedPercent)}`;
  if (saturated(r) && !reportSaturated) return `| ${r.label} | ${r.n} | ${tick(r.frames)} | generator saturated — not reported ||||||||||||| ${generator} | — |`;
  const x = r.result;
  const refused = [
    ...Object.entries(x.refused).map(([code, n]) => `${n} ${code}`),
    ...(x.storm ? [] : [unknownTotal(r) ? `${unknownTotal(r)} connection dropped` : '', x.offline ? `${x.offline} offline` : '']),
  ]
    .filter(Boolean)
    .join(', ');
  const sampled = [x.sampledChats ? `${x.sampledChats} chat sampled` : '', x.held ? `${x.held} held by the filter` : ''].filter(Boolean).join(', ');
  const frames = r.frames ? `${r.frames.skippedFrames} / ${r.frames.resyncs}${x.resyncs !== r.frames.resyncs ? ` (${x.resyncs} seen)` : ''}` : '—';
  const verdict = x.storm
    ? 'reconnect storm (below)'
    : saturated(r)
    ? 'generator saturated (shown, not counted)'
    : held(r)
      ? 'holds'
      : x.connectErrors
        ? `misses (${x.connectErrors} could not join)`
        : 'misses';
  return [
    '',
    r.label,
    r.n,
    tick(r.frames),
    `${ms(x.vote.p50)} / ${ms(x.vote.p99)}`,
    ms(x.voteProbes.p99),
    ms(x.question.p99),
    ms(x.chat.p99),
    `${x.lost.questions}/${x.lost.chats}/${x.lost.voteScreens}${sampled ? ` (${sampled})` : ''}`,
    refused || '0',
    frames,
    `${r.serverCpuPercent.toFixed(0)} %${waited(r.serverWaitedPercent)}`,
    `${(r.heapPerAttendeeBytes / 1024).toFixed(1)} KB`,
    k(x.messagesPerSecond),
    k(x.voteDeliveriesPerSecond),
    r.cpuMicrosPerMessage.toFixed(2),
    generator,
    verdict,
    '',
  ].join(' | ').trim();
}

/** Steal shown when some second reached this share of the machine (2 cores: 50 % is one core). */
const STEAL_SHOWN_PERCENT = 1;

/**
 * Why a row's votes were late, for a row over the target: when the late votes were sent (by
 * second of the window), and the stalls of the servers' and the generator's event loops and the
 * machine's CPU steal around then. Null for a row within it.
 */
export function lateLine(r: Row): string | null {
  const x = r.result;
  if (x.storm || !(x.vote.p99 > TARGET_P99_MS) || !x.lateBySecond.length) return null;
  const second = (at: number) => ((at - x.startedAt) / 1000).toFixed(1);
  const lateTotal = x.lateBySecond.reduce((a, b) => a + b, 0);
  const worst = x.lateBySecond
    .map((n, s) => ({ n, s }))
    .filter((e) => e.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, 5)
    .sort((a, b) => a.s - b.s)
    .map((e) => `${e.s} s: ${e.n.toFixed(0)}`);
  const stalls = (list: Stall[]) =>
    list.length ? list.map((st) => `${second(st.at)} s ${st.ms.toFixed(0)} ms`).join(', ') : 'none';
  const steal = r.stalls?.steal ?? [];
  const stolen = steal.filter((st) => st.percent >= STEAL_SHOWN_PERCENT);
  return [
    `  ${r.label}, ${r.n} attendees: ${((lateTotal / Math.max(1, x.vote.count)) * 100).toFixed(1)} % of votes shown over ${TARGET_P99_MS} ms, most sent at ${worst.join(', ')}`,
    `server stalls ≥ ${STALL_MS} ms: ${stalls(r.stalls?.server ?? [])}`,
    `generator stalls: ${stalls(x.generator.stalls)}`,
    `CPU steal ≥ ${STEAL_SHOWN_PERCENT} % of the machine: ${stolen.length ? stolen.map((st) => `${second(st.at - 1000)}–${second(st.at)} s ${st.percent.toFixed(0)} %`).join(', ') : 'none'}`,
  ].join(' · ');
}

/** The last row that held, and whether the system was still holding when the steps ran out. */
function capacity(rows: Row[], system: SystemName): { best: Row | null; ceilingReached: boolean } {
  const mine = rows.filter((r) => r.system === system);
  const best = mine.filter(held).at(-1) ?? null;
  const ceilingReached = mine.some((r) => !saturated(r) && !held(r));
  return { best, ceilingReached };
}

/** "≥"/"≤" when one side never reached its limit, so the ratio is only a bound. */
function ratio(a: { best: Row | null; ceilingReached: boolean }, b: { best: Row | null; ceilingReached: boolean }): string {
  if (!a.best || !b.best) return 'n/a (one side held at no step)';
  const value = a.best.result.voteDeliveriesPerSecond / b.best.result.voteDeliveriesPerSecond;
  const bound = !a.ceilingReached && b.ceilingReached ? '≥ ' : a.ceilingReached && !b.ceilingReached ? '≤ ' : !a.ceilingReached ? '~ ' : '';
  return `${bound}${value.toFixed(2)}× (${k(a.best.result.voteDeliveriesPerSecond)} vs ${k(b.best.result.voteDeliveriesPerSecond)} vote deliveries/s at ${a.best.n} vs ${b.best.n} attendees)`;
}

/**
 * Same-N efficiency: the baseline's server CPU per message received over Roundtable's, averaged
 * over the steps both ran. It needs no saturation on either side to mean something.
 */
function efficiency(rows: Row[], baseline: SystemName, reportSaturated: boolean, per: 'message' | 'vote delivery'): string {
  const cost = (r: Row) =>
    per === 'message' ? r.cpuMicrosPerMessage : (r.serverCpuPercent * 1e4) / Math.max(1, r.result.voteDeliveriesPerSecond);
  const usable = (r: Row) => reportSaturated || !saturated(r);
  const pairs = rows
    .filter((r) => r.system === 'roundtable' && usable(r))
    .flatMap((r) => {
      const other = rows.find((o) => o.system === baseline && o.n === r.n && usable(o));
      return other ? [cost(other) / cost(r)] : [];
    });
  if (!pairs.length) return 'n/a';
  const mean = pairs.reduce((a, b) => a + b, 0) / pairs.length;
  return `${mean.toFixed(2)}× (mean over ${pairs.length} step${pairs.length > 1 ? 's' : ''} at equal N)`;
}

export function summary(rows: Row[], reportSaturated = false): string[] {
  const lines: string[] = [];
  const rt = capacity(rows, 'roundtable');
  lines.push(
    rt.best
      ? `Largest N with vote p99 ≤ ${TARGET_P99_MS} ms and no loss: ${rt.best.n} attendees${rt.ceilingReached ? '' : ' (held at every step measured)'}`
      : `Largest N with vote p99 ≤ ${TARGET_P99_MS} ms and no loss: none of the steps measured`,
  );
  const largest = rows.filter((r) => r.system === 'roundtable' && (!saturated(r) || reportSaturated)).at(-1);
  if (largest) {
    const listeners = largest.listenersPerSocket ? `; ${largest.listenersPerSocket} event listeners on each connection` : '';
    lines.push(`Heap per attendee at ${largest.n}: ${(largest.heapPerAttendeeBytes / 1024).toFixed(1)} KB (target ≤ 12 KB)${listeners}`);
  }
  const names = new Set(rows.map((r) => r.system));
  if (names.has('raw-ws')) {
    lines.push(`Roundtable vs raw ws (target ≥ 0.70×): ${ratio(rt, capacity(rows, 'raw-ws'))}`);
    lines.push(`  server CPU per message received, raw ws ÷ Roundtable: ${efficiency(rows, 'raw-ws', reportSaturated, 'message')}`);
  }
  if (names.has('naive-socket.io')) {
    lines.push(`Roundtable vs naive per-vote Socket.IO (target ≥ 5×): ${ratio(rt, capacity(rows, 'naive-socket.io'))}`);
    lines.push(
      `  server CPU per vote shown on a screen, naive ÷ Roundtable: ${efficiency(rows, 'naive-socket.io', reportSaturated, 'vote delivery')}`,
    );
  }
  if (names.has('roundtable-2-nodes')) {
    lines.push(`Two nodes vs one (target ≥ 1.8×): ${ratio(capacity(rows, 'roundtable-2-nodes'), rt)}`);
  }
  return lines;
}

/** Target of the reconnect storm: every client re-joined within this of the kill. */
export const STORM_TARGET_MS = 30_000;

/** What the reconnect storm of one step showed: its figures, then a verdict against the target. */
export function stormLines(r: Row): string[] {
  const s = r.result.storm;
  if (!s) return [`Reconnect storm at ${r.n}: no kill happened (the schedule ended first)`];
  const x = r.result;
  const all = s.rejoined === s.dropped;
  const seconds = (v: number) => `${(v / 1000).toFixed(1)} s`;
  const lost = x.lost.questions + x.lost.chats + x.lost.voteScreens;
  const unknown = x.unknown.votes + x.unknown.questions + x.unknown.chats;
  const ok = all && s.rejoin.max <= STORM_TARGET_MS && lost === 0 && s.truthWithinBounds;
  return [
    `Reconnect storm at ${r.n} attendees: server killed and listening again after ${r.restartMs !== undefined ? seconds(r.restartMs) : '?'}`,
    `  re-joined: ${s.rejoined} of ${s.dropped}; from the kill: p50 ${seconds(s.rejoin.p50)}, p99 ${seconds(s.rejoin.p99)}, last ${seconds(s.rejoin.max)} (target: all within ${seconds(STORM_TARGET_MS)})`,
    `  on the way back: ${Object.entries(s.troubles).map(([what, n]) => `${n} × ${what}`).join(', ') || 'no failed attempt'}` +
      (r.listenOverflows !== undefined ? `; SYNs dropped by a full accept queue: ${r.listenOverflows}` : ''),
    `  commands in flight at the kill (outcome unknown): ${unknown} (${x.unknown.votes} votes, ${x.unknown.questions} questions, ${x.unknown.chats} chat); not sent while offline: ${x.offline}; refused: ${Object.entries(x.refused).map(([c, n]) => `${n} ${c}`).join(', ') || 0}`,
    `  final counts read by a fresh join: ${s.truthWithinBounds ? 'between the acknowledged votes and those plus the unknown ones' : 'OUTSIDE the acknowledged votes (+ unknown)'} (${s.unacknowledgedButCounted} votes in flight were stored)`,
    `  screens left wrong after the drain: ${x.lost.voteScreens} with other counts; unseen: ${x.lost.questions} questions, ${x.lost.chats} chat messages (screens × items)${x.sampledChats ? `; ${x.sampledChats} chat left out by design` : ''}`,
    `  verdict: ${ok ? 'meets the storm target' : 'misses the storm target'}`,
  ];
}
