import os from 'node:os';
import type { ProcessLoad } from './child.js';
import type { BenchOptions } from './options.js';
import { AUDIO, FPS, KEYFRAME_INTERVAL_MS, LAYERS } from './stage.js';

interface KindFigures {
  packetsPerSecond: number;
  megabitsPerSecond: number;
  lossPercent: number;
}

export interface StepResult {
  viewers: number;
  audioConsumers: number;
  seconds: number;
  /** The mediasoup worker's CPU time over wall time, in % of one core. */
  workerCpu: number;
  /** The part of workerCpu spent in the kernel (on loopback that includes delivering to the receivers). */
  workerSystem: number;
  /** Share of the wall time the worker was runnable but had no CPU. */
  workerWaited: number;
  /** Publisher packets the kernel dropped before the worker read them (the worker too slow). */
  workerSocketDrops: number;
  /** Forwarded packets the kernel dropped before a receiver read them (the generator too slow). */
  receiverSocketDrops: number;
  video: KindFigures;
  audio: KindFigures;
  videoFlowing: number;
  videoAtTop: number;
  publisherKbps: number;
  sender: ProcessLoad;
  /** Keyframes the publisher sent in the window. */
  keyframes: number;
  /** PLI/FIR requests mediasoup sent the publisher since the start (new consumers ask for one). */
  keyframeRequestsSoFar: number;
  /** The busiest receiver process. */
  receiver: ProcessLoad;
  receivers: number;
  /** CPU the rest of the machine used meanwhile (other programs), in % of one core. */
  otherLoad: number;
  /** Why the load generator cannot be trusted at this step, if it cannot. */
  saturated: string | undefined;
  /** Which processes the rest of the machine kept from a CPU, if any did. */
  contended: string | undefined;
  meetsTarget: boolean;
}

const TOP = LAYERS[LAYERS.length - 1]!;
// The table is Markdown, so a run can be pasted into docs/performance.md as printed.
const COLUMNS = [
  'viewers',
  'consumers (video + audio)',
  'worker CPU (% of 1 core)',
  'of which kernel',
  'worker waited for a CPU',
  'video pkt/s out',
  'audio pkt/s out',
  'Mbit/s out',
  'video loss',
  'audio loss',
  `video at ${TOP.height}p`,
  'sender CPU',
  'receiver CPU / loop busy',
  'generator loop lag p99',
  'other load on the machine',
  'result',
];

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const whole = (value: number): string => Math.round(value).toLocaleString('en-US');
const percent = (value: number, digits = 1): string => `${value.toFixed(digits)} %`;

export function printHeader(info: { mediasoup: string; workerPid: number; workerBin: string; options: BenchOptions }): void {
  const cpus = os.cpus();
  const layers = LAYERS.map((layer) => layer.kbps).join('/');
  console.log(`# Media benchmark: one mediasoup ${info.mediasoup} worker (pid ${info.workerPid})`);
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  console.log(`publisher: VP8 simulcast ${layers} kbps at ${FPS} fps (PlainTransport) + opus-sized audio ${AUDIO.kbps} kbps`);
  console.log(
    `each viewer: a PlainTransport with a consumer of the ${TOP.width}x${TOP.height} layer` +
      (info.options.audio ? ' and one of the audio' : ' (no audio)'),
  );
  console.log(`steps: ${info.options.steps.join(', ')} viewers; ${info.options.warmup} s warm-up, ${info.options.seconds} s measured each`);
  if (info.options.receivers > 1) {
    console.log(`receivers: ${info.options.receivers} processes; the receiver column shows the busiest`);
  }
  console.log('target: loss < 1 % and the worker under 100 % of one core\n');
  console.log(`| ${COLUMNS.join(' | ')} |`);
  console.log(`|${COLUMNS.map(() => '---:').join('|')}|`);
}

export function printRow(result: StepResult): void {
  const verdict =
    result.contended !== undefined
      ? 'not counted: machine busy'
      : result.saturated !== undefined
        ? 'not counted: generator saturated'
        : result.meetsTarget
          ? 'meets target'
          : 'misses target';
  const cells = [
    String(result.viewers),
    `${result.viewers} + ${result.audioConsumers}`,
    percent(result.workerCpu),
    percent(result.workerSystem),
    percent(result.workerWaited),
    whole(result.video.packetsPerSecond),
    whole(result.audio.packetsPerSecond),
    fixed(result.video.megabitsPerSecond + result.audio.megabitsPerSecond, 0),
    percent(result.video.lossPercent, 2),
    percent(result.audio.lossPercent, 2),
    `${result.videoAtTop}/${result.viewers}`,
    percent(result.sender.cpuPercent),
    `${percent(result.receiver.cpuPercent)} / ${percent(result.receiver.utilisation * 100, 0)}`,
    `${fixed(Math.max(result.sender.lagP99Ms, result.receiver.lagP99Ms), 0)} ms`,
    percent(result.otherLoad, 0),
    verdict,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

/** What a row's figures alone do not say, printed under the table so the table stays whole. */
function notes(result: StepResult): string[] {
  const at = `${result.viewers} viewers`;
  const lines: string[] = [];
  if (result.contended !== undefined) lines.push(`${at}: machine busy: ${result.contended}`);
  if (result.saturated !== undefined) lines.push(`${at}: generator saturated: ${result.saturated}`);
  if (result.workerSocketDrops > 0 || result.receiverSocketDrops > 0) {
    lines.push(
      `${at}: full socket buffers: ${result.workerSocketDrops} publisher packets dropped before the worker read them, ` +
        `${result.receiverSocketDrops} forwarded packets before the receivers read them`,
    );
  }
  if (result.videoFlowing < result.viewers) {
    lines.push(`${at}: only ${result.videoFlowing} of ${result.viewers} video consumers delivered packets during the step`);
  }
  return lines;
}

export function printSummary(results: StepResult[], options: BenchOptions): void {
  const counted = results.filter((result) => result.saturated === undefined && result.contended === undefined);
  const passing = counted.filter((result) => result.meetsTarget);
  const best = passing.at(-1);
  console.log('');
  for (const line of results.flatMap(notes)) console.log(`- ${line}`);
  const last = results.at(-1);
  if (last !== undefined) {
    console.log(
      `publisher sent ${fixed(last.publisherKbps, 0)} kbit/s of RTP in all, ${last.keyframes} keyframes in the last window ` +
        `(one at least every ${KEYFRAME_INTERVAL_MS / 1000} s per layer, and on request: mediasoup asked ${last.keyframeRequestsSoFar} times in the run)`,
    );
  }
  const busiest = results.reduce((max, result) => Math.max(max, result.otherLoad), 0);
  if (busiest > 25) {
    console.log(`other programs used up to ${percent(busiest, 0)} of a core meanwhile: figures are noisier than on an idle machine`);
  }
  printCostEstimate(results);
  if (best === undefined) {
    console.log('largest N meeting the target: none measured');
  } else {
    const cut = results[results.indexOf(best) + 1];
    const limit = cut === undefined ? ` (the largest step run; try --max ${best.viewers * 2})` : '';
    console.log(`largest N meeting the target: ${best.viewers} video consumers${options.audio ? ` (+ ${best.viewers} audio)` : ''}${limit}`);
  }
  const goal = 400;
  const verdict =
    best !== undefined && best.viewers >= goal
      ? 'met'
      : counted.some((result) => !result.meetsTarget || result.viewers >= goal)
        ? 'not met'
        : 'not measured (no counted step reached 400)';
  console.log(`issue target (≥ ${goal} video consumers on one worker core): ${verdict}`);
}

/**
 * The worker's CPU time per forwarded packet hardly depends on how busy the machine is, so
 * the largest step without loss gives an estimate of where one core runs out, even when the
 * machine was too busy to count that step. It includes the worker's fixed costs spread over
 * that step's packets, so it errs low. Printed as an estimate, never as a measured step.
 */
function printCostEstimate(results: StepResult[]): void {
  const clean = results.filter((result) => result.video.lossPercent < 1 && result.audio.lossPercent < 1).at(-1);
  if (clean === undefined) return;
  const packetsPerSecond = clean.video.packetsPerSecond + clean.audio.packetsPerSecond;
  if (packetsPerSecond === 0 || clean.workerCpu === 0) return;
  const microseconds = ((clean.workerCpu / 100) * 1e6) / packetsPerSecond;
  const perCore = 1e6 / microseconds;
  const viewers = Math.floor(perCore / (packetsPerSecond / clean.viewers) / 10) * 10;
  console.log(
    `worker CPU per forwarded packet at ${clean.viewers} viewers (the largest step under 1 % loss): ${fixed(microseconds, 1)} µs; ` +
      `at that cost one core forwards about ${whole(perCore)} packets/s, about ${viewers} viewers (an estimate, not a measured step)`,
  );
}
