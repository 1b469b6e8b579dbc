import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { observer, version, type types as ms } from 'mediasoup';
import { createMediaService, transportListenIp } from '../../media/index.js';
import { ChildHandle, type ProcessLoad } from './child.js';
import { hostTimes, processCpuMs, runQueueWaitNs, udpDrops } from './procfs.js';
import type { BenchOptions } from './options.js';
import type { KindTotals, ReceiverStats } from './receiver.js';
import { ReceiverPool } from './receiver-pool.js';
import { printHeader, printRow, printSummary, type StepResult } from './report.js';
import type { SenderConfig, SenderStats } from './sender.js';
import {
  AUDIO,
  FPS,
  KEYFRAME_INTERVAL_MS,
  LAYERS,
  addViewer,
  consumerPayloadTypes,
  createPublisher,
  viewerCapabilities,
  type Publisher,
  type Viewer,
} from './stage.js';

/** Viewers created at once while ramping up: enough to be quick, few enough not to flood the worker's channel. */
const RAMP_BATCH = 25;
/** A generator process beyond these is measuring itself, not the worker. */
const SATURATED = { cpuPercent: 90, utilisation: 0.9, lagMs: 50, lateFramesPercent: 1, receiverDropPercent: 0.1 };
/**
 * A process that waited this share of the wall time for a CPU was held back by the rest of
 * the machine: its step says more about the machine than about mediasoup.
 */
const CONTENDED_WAIT_PERCENT = 10;
const TOP_WIDTH = LAYERS[LAYERS.length - 1]!.width;

interface Snapshot {
  at: number;
  workerCpuMs: { user: number; system: number };
  /** Run-queue waits in ns: the worker, the sender, then each receiver. */
  waits: number[];
  /** Datagrams dropped by full socket buffers: the worker's publisher socket, and the viewers'. */
  drops: { worker: number; receivers: number };
  mainCpu: NodeJS.CpuUsage;
  host: { busy: number; total: number };
  receiver: ReceiverStats;
  sender: SenderStats;
  senderLoad: ProcessLoad;
  receiverLoads: ProcessLoad[];
}

export async function runBenchmark(options: BenchOptions, workerBin: string): Promise<void> {
  let worker: ms.Worker | undefined;
  observer.once('newworker', (created) => (worker = created));
  const media = await createMediaService({ numWorkers: 1, logLevel: 'warn' });
  const sender = new ChildHandle('./sender.ts');
  const receivers = new ReceiverPool(options.receivers);
  try {
    if (worker === undefined) throw new Error('the media service started no worker');
    const router = await media.routerFor('bench-media');
    const listenIp = transportListenIp(media.config);
    const publisher = await createPublisher(router, listenIp);
    const capabilities = viewerCapabilities(router);
    const payloadTypes = consumerPayloadTypes(capabilities);

    await sender.request('start', senderConfig(publisher));
    await waitForPublisher(publisher);
    printHeader({ mediasoup: version, workerPid: worker.pid, workerBin, options });

    const viewers: Viewer[] = [];
    const viewerPorts = new Set<number>();
    const workerPorts = new Set([publisher.port]);
    const results: StepResult[] = [];
    for (const target of options.steps) {
      progress(`${target} viewers: adding ${target - viewers.length}`);
      // An overloaded worker answers its control channel late (we saw tens of seconds), so
      // viewers are added while the publisher is quiet; the ramp is not what is measured.
      await sender.request('pause');
      const ports = await receivers.open(target - viewers.length, payloadTypes);
      for (const port of ports) viewerPorts.add(port);
      for (let i = 0; i < ports.length; i += RAMP_BATCH) {
        const batch = ports.slice(i, i + RAMP_BATCH);
        const added = Promise.all(batch.map((port) => addViewer(router, publisher, listenIp, capabilities, port, options.audio)));
        viewers.push(...(await within(60_000, `creating viewers ${i + 1}–${i + batch.length} of ${ports.length}`, added)));
      }
      await sender.request('resume');
      progress(`${target} viewers: waiting for every consumer to deliver`);
      await waitForViewers(receivers, target, options);
      progress(`${target} viewers: warming up ${options.warmup} s, then measuring ${options.seconds} s`);
      await sleep(options.warmup * 1000);

      const pids = [worker.pid, sender.pid, ...receivers.pids];
      const probe = { worker, sender, receivers, pids, viewerPorts, workerPorts };
      const start = await within(30_000, 'taking the first sample', snapshot(probe));
      await sleep(options.seconds * 1000);
      const end = await within(30_000, 'taking the last sample', snapshot(probe));
      const result = stepResult(target, options, start, end);
      results.push(result);
      progress('');
      printRow(result);
      // A busy machine may quieten down by the next step; a generator at its limit will not.
      if (result.contended !== undefined) continue;
      if (result.saturated !== undefined) break;
      if (!result.meetsTarget && !options.keepGoing) break;
    }
    printSummary(results, options);
    await sender.request('stop').catch(() => undefined);
  } finally {
    sender.close();
    await receivers.close();
    await media.close();
  }
}

function senderConfig(publisher: Publisher): SenderConfig {
  return {
    ip: publisher.ip,
    port: publisher.port,
    fps: FPS,
    keyframeIntervalMs: KEYFRAME_INTERVAL_MS,
    lateMs: SATURATED.lagMs,
    video: { payloadType: publisher.videoPayloadType, layers: LAYERS.map((layer) => ({ ...layer })) },
    audio: { payloadType: publisher.audioPayloadType, ssrc: AUDIO.ssrc, kbps: AUDIO.kbps },
  };
}

/** mediasoup scores a simulcast layer above 0 once it receives it; a layer scored 0 is never forwarded. */
async function waitForPublisher(publisher: Publisher): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const scored = publisher.video.score.filter((entry) => entry.score > 0).length;
    if (scored === LAYERS.length && publisher.audio.score.some((entry) => entry.score > 0)) return;
    await sleep(100);
  }
  throw new Error(
    `mediasoup did not receive all publisher streams within 10 s (video layers scored: ${JSON.stringify(publisher.video.score)})`,
  );
}

/** Waits until every consumer delivers, video at the top layer; reports and goes on after a timeout. */
async function waitForViewers(receivers: ReceiverPool, viewers: number, options: BenchOptions): Promise<void> {
  const deadline = performance.now() + 15_000 + viewers * 20;
  let stats: ReceiverStats | undefined;
  while (performance.now() < deadline) {
    await sleep(500);
    stats = await receivers.stats();
    const audioReady = !options.audio || stats.audio.flowing === viewers;
    if (stats.video.flowing === viewers && (stats.video.byWidth[TOP_WIDTH] ?? 0) === viewers && audioReady) return;
  }
  console.warn(
    `  (after waiting: ${stats?.video.flowing ?? 0}/${viewers} video consumers delivering, ` +
      `${stats?.video.byWidth[TOP_WIDTH] ?? 0} at ${TOP_WIDTH} px; measuring anyway)`,
  );
}

interface Probe {
  worker: ms.Worker;
  sender: ChildHandle;
  receivers: ReceiverPool;
  pids: number[];
  viewerPorts: ReadonlySet<number>;
  workerPorts: ReadonlySet<number>;
}

async function snapshot({ worker, sender, receivers, pids, viewerPorts, workerPorts }: Probe): Promise<Snapshot> {
  const at = performance.now();
  const [workerCpuMs, host, waits, workerDrops, receiverDrops, receiverStats, senderStats, senderLoad, receiverLoads] = await Promise.all([
    processCpuMs(worker.pid),
    hostTimes(),
    Promise.all(pids.map(runQueueWaitNs)),
    udpDrops(workerPorts),
    udpDrops(viewerPorts),
    receivers.stats(),
    sender.request<SenderStats>('stats'),
    sender.request<ProcessLoad>('load'),
    receivers.load(),
  ]);
  return {
    at,
    workerCpuMs,
    mainCpu: process.cpuUsage(),
    host,
    waits,
    drops: { worker: workerDrops, receivers: receiverDrops },
    receiver: receiverStats,
    sender: senderStats,
    senderLoad,
    receiverLoads,
  };
}

function kindDelta(start: KindTotals, end: KindTotals, seconds: number) {
  const received = end.received - start.received;
  const expected = end.expected - start.expected;
  return {
    packetsPerSecond: received / seconds,
    megabitsPerSecond: ((end.bytes - start.bytes) * 8) / 1e6 / seconds,
    lossPercent: expected > 0 ? Math.max(0, ((expected - received) / expected) * 100) : 0,
  };
}

function stepResult(
  viewers: number,
  options: BenchOptions,
  start: Snapshot,
  end: Snapshot,
): StepResult {
  const seconds = (end.at - start.at) / 1000;
  const percentOfCore = (cpuMs: number): number => (cpuMs / 1000 / seconds) * 100;
  const workerUser = percentOfCore(end.workerCpuMs.user - start.workerCpuMs.user);
  const workerSystem = percentOfCore(end.workerCpuMs.system - start.workerCpuMs.system);
  const workerCpu = workerUser + workerSystem;
  const waited = end.waits.map((wait, i) => ((wait - (start.waits[i] ?? 0)) / 1e6 / 1000 / seconds) * 100);
  const names = ['worker', 'sender', ...end.receiverLoads.map((_, i) => `receiver ${i + 1}`)];
  const contendedBy = names.filter((_, i) => (waited[i] ?? 0) > CONTENDED_WAIT_PERCENT);
  const contended =
    contendedBy.length > 0
      ? contendedBy.map((name) => `${name} waited for a CPU ${percent(waited[names.indexOf(name)] ?? 0)} of the time`).join(', ')
      : undefined;
  const main = process.cpuUsage(start.mainCpu);
  const mainCpu = percentOfCore((main.user + main.system) / 1000);
  const hostBusyCores = ((end.host.busy - start.host.busy) / (end.host.total - start.host.total)) * os.cpus().length;
  const generatorCpu = [end.senderLoad, ...end.receiverLoads].reduce((sum, load) => sum + load.cpuPercent, 0);
  // Counts are rated over the interval the receivers saw, which a lagging receiver shifts.
  const receiverSeconds = (end.receiver.at - start.receiver.at) / 1000;
  const video = kindDelta(start.receiver.video, end.receiver.video, receiverSeconds);
  const audio = kindDelta(start.receiver.audio, end.receiver.audio, receiverSeconds);

  const frames = end.sender.frames - start.sender.frames;
  const lateFramesPercent = frames > 0 ? ((end.sender.lateFrames - start.sender.lateFrames) / frames) * 100 : 0;
  const receiverDrops = end.drops.receivers - start.drops.receivers;
  const received = end.receiver.video.received + end.receiver.audio.received - start.receiver.video.received - start.receiver.audio.received;
  const saturated = saturation(
    [['sender', end.senderLoad], ...end.receiverLoads.map((load, i): [string, ProcessLoad] => [`receiver ${i + 1}`, load])],
    lateFramesPercent,
    received > 0 ? (receiverDrops / received) * 100 : 0,
  );
  const allFlowing =
    end.receiver.video.flowing === viewers &&
    (end.receiver.video.byWidth[TOP_WIDTH] ?? 0) === viewers &&
    (!options.audio || end.receiver.audio.flowing === viewers);
  return {
    viewers,
    audioConsumers: options.audio ? viewers : 0,
    seconds,
    workerCpu,
    workerSystem,
    workerWaited: waited[0] ?? 0,
    workerSocketDrops: end.drops.worker - start.drops.worker,
    receiverSocketDrops: receiverDrops,
    video,
    audio,
    videoFlowing: end.receiver.video.flowing,
    videoAtTop: end.receiver.video.byWidth[TOP_WIDTH] ?? 0,
    publisherKbps: ((end.sender.bytes - start.sender.bytes) * 8) / (end.sender.at - start.sender.at),
    sender: end.senderLoad,
    keyframes: end.sender.keyframes - start.sender.keyframes,
    keyframeRequestsSoFar: end.sender.keyframeRequests,
    receiver: busiest(end.receiverLoads),
    receivers: end.receiverLoads.length,
    otherLoad: Math.max(0, hostBusyCores * 100 - workerCpu - generatorCpu - mainCpu),
    saturated,
    contended,
    meetsTarget: saturated === undefined && contended === undefined && allFlowing && video.lossPercent < 1 && audio.lossPercent < 1 && workerCpu < 100,
  };
}

function saturation(
  processes: [string, ProcessLoad][],
  lateFramesPercent: number,
  receiverDropPercent: number,
): string | undefined {
  const reasons: string[] = [];
  for (const [name, load] of processes) {
    if (load.cpuPercent > SATURATED.cpuPercent) reasons.push(`${name} CPU ${load.cpuPercent.toFixed(0)} %`);
    if (load.utilisation > SATURATED.utilisation) reasons.push(`${name} event loop ${(load.utilisation * 100).toFixed(0)} % busy`);
    if (load.lagP99Ms > SATURATED.lagMs) reasons.push(`${name} event-loop lag p99 ${load.lagP99Ms.toFixed(0)} ms`);
  }
  if (lateFramesPercent > SATURATED.lateFramesPercent) {
    reasons.push(`${lateFramesPercent.toFixed(1)} % of the sender's frames left more than ${SATURATED.lagMs} ms late`);
  }
  // Loss in the receivers' own socket buffers says the receivers read too slowly.
  if (receiverDropPercent > SATURATED.receiverDropPercent) {
    reasons.push(`${receiverDropPercent.toFixed(2)} % of packets dropped in the receivers' full socket buffers`);
  }
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}

function busiest(loads: ProcessLoad[]): ProcessLoad {
  return loads.reduce((max, load) => (load.cpuPercent > max.cpuPercent ? load : max));
}

const percent = (value: number): string => `${value.toFixed(0)} %`;

/** Progress goes to stderr on one rewritten line, so stdout stays the table. */
function progress(text: string): void {
  if (!process.stderr.isTTY) {
    if (text !== '') process.stderr.write(`  … ${text}\n`);
    return;
  }
  process.stderr.write(`\r\x1b[2K${text === '' ? '' : `  … ${text}`}`);
}

/** mediasoup 3.12's channel has no request timeout: a step that stops moving says where it stopped. */
async function within<T>(limitMs: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${limitMs / 1000} s`)), limitMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
