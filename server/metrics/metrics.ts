// What a node reports to Prometheus (docs/operations.md, "Metrics" names each one): its
// connections and rooms, every command by name and outcome with its latency, the rooms' frames,
// the event loop, the media workers and recordings. prom-client keeps the registry and the text
// format; every figure is read from the running server when scraped, or counted as it happens.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkerUsage } from '../../media/index.js';
import type { ArchiveStatus } from '../../shared/recording.js';
import type { CommandObserver } from '../core/command.js';
import type { LoadMonitor } from '../core/load.js';
import type { AppServer } from '../core/types.js';

export interface MetricsSources {
  io: AppServer;
  load: LoadMonitor;
  frames: () => { tickMs: number; skippedFrames: number; resyncs: number; sampledChat: number; pendingFacts: number };
  /** Null when video is off on this node. */
  media: { workerUsage(): Promise<WorkerUsage[]> } | null;
  /** Town halls recording on this node now. */
  recordingsNow: () => number;
  /** The archival videos of the recordings on this node's disk (null: this node records nothing). */
  archives: (() => Promise<{ status: ArchiveStatus; progress: number }[]>) | null;
}

export interface Metrics {
  registry: Registry;
  /** Counts each command answered (core/command.ts's observer). */
  command: CommandObserver;
  /** Times each frame (townhall/frames.ts's onFrame). */
  frame: (seconds: number) => void;
}

/** A town hall's room, not its staff room: `th:<id>` (core/types.ts). */
const TOWN_HALL_ROOM = /^th:([^:]+)$/;

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  // Node's own: CPU, memory, GC, handles, and the event loop's lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry, prefix: 'roundtable_' });
  const nsp = sources.io.of('/');

  new Gauge({
    name: 'roundtable_connections',
    help: 'Socket.IO connections open on this node.',
    registers: [registry],
    collect() {
      this.set(nsp.sockets.size);
    },
  });
  new Gauge({
    name: 'roundtable_town_hall_rooms',
    help: 'Town halls with someone in them on this node.',
    registers: [registry],
    collect() {
      let n = 0;
      for (const name of nsp.adapter.rooms.keys()) if (TOWN_HALL_ROOM.test(name)) n++;
      this.set(n);
    },
  });
  new Gauge({
    name: 'roundtable_attendees',
    help: 'Connections in each town hall on this node (one person with two tabs counts twice).',
    labelNames: ['town_hall'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, members] of nsp.adapter.rooms) {
        const id = TOWN_HALL_ROOM.exec(name)?.[1];
        if (id) this.set({ town_hall: id }, members.size);
      }
    },
  });

  const commands = new Counter({
    name: 'roundtable_commands_total',
    help: 'Commands answered, by name and outcome (ok, or the error code).',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'roundtable_command_duration_seconds',
    help: 'Time from a command arriving to its answer, by name.',
    labelNames: ['command'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const frameTime = new Histogram({
    name: 'roundtable_frame_duration_seconds',
    help: 'Time to build and write one town hall frame to its room (to one slice of a staggered room), tallies included.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const frameGauge = (name: string, help: string, read: (s: ReturnType<MetricsSources['frames']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(sources.frames()));
      },
    });
  frameGauge('roundtable_frame_tick_seconds', 'The tick of the largest room on this node now (it lengthens with the room and the load).', (s) => s.tickMs / 1000);
  frameGauge('roundtable_outbox_facts', 'Facts waiting for their room’s next frame.', (s) => s.pendingFacts);
  frameGauge('roundtable_frames_skipped', 'Frames not written to a slow connection, since start.', (s) => s.skippedFrames);
  frameGauge('roundtable_resyncs', 'Slow connections told to join again once drained, since start.', (s) => s.resyncs);
  frameGauge('roundtable_chat_sampled', 'Chat messages left out of crowd frames under overload, since start.', (s) => s.sampledChat);
  new Gauge({
    name: 'roundtable_event_loop_lag_p99_seconds',
    help: 'The event loop’s delay at the 99th percentile over the last half second (what load shedding reads).',
    registers: [registry],
    collect() {
      this.set(sources.load.lagMs() / 1000);
    },
  });
  new Gauge({
    name: 'roundtable_event_loop_utilization',
    help: 'The share of the last half second the event loop spent working (0–1).',
    registers: [registry],
    collect() {
      this.set(sources.load.utilization());
    },
  });

  if (sources.media) {
    const media = sources.media;
    const usage = perScrape(() => media.workerUsage());
    new Gauge({
      name: 'roundtable_media_worker_cpu_seconds',
      help: 'CPU each mediasoup worker has used since it started (user + system).',
      labelNames: ['pid'],
      registers: [registry],
      async collect() {
        const workers = await usage();
        this.reset();
        for (const w of workers) this.set({ pid: String(w.pid) }, w.cpuSeconds);
      },
    });
    new Gauge({
      name: 'roundtable_media_worker_consumers',
      help: 'Consumers (a viewer receiving a track) on each mediasoup worker now.',
      labelNames: ['pid'],
      registers: [registry],
      async collect() {
        const workers = await usage();
        this.reset();
        for (const w of workers) this.set({ pid: String(w.pid) }, w.consumers);
      },
    });
    new Gauge({
      name: 'roundtable_media_workers',
      help: 'Live mediasoup workers.',
      registers: [registry],
      async collect() {
        this.set((await usage()).length);
      },
    });
  }
  new Gauge({
    name: 'roundtable_recordings',
    help: 'Town halls recording on this node now.',
    registers: [registry],
    collect() {
      this.set(sources.recordingsNow());
    },
  });

  if (sources.archives) {
    const archives = perScrape(sources.archives);
    new Gauge({
      name: 'roundtable_recording_compose_progress',
      help: 'How far the archival video being composed now is (0–1); 0 when none is.',
      registers: [registry],
      async collect() {
        this.set((await archives()).find((a) => a.status === 'composing')?.progress ?? 0);
      },
    });
    new Gauge({
      name: 'roundtable_recording_jobs',
      help: 'Recordings on this node by their archival video’s status: waiting, composing, ready, failed.',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const all = await archives();
        for (const status of ['waiting', 'composing', 'ready', 'failed'] as const) this.set({ status }, all.filter((a) => a.status === status).length);
      },
    });
  }

  return {
    registry,
    command(name, outcome, seconds) {
      commands.inc({ command: name, outcome });
      latency.observe({ command: name }, seconds);
    },
    frame: (seconds) => frameTime.observe(seconds),
  };
}

/**
 * One read shared by the gauges that show parts of it. prom-client collects every metric of a
 * scrape at once, so a gauge set inside another's collect would show the previous scrape's
 * values; each collects for itself, and the reads in flight together are one.
 */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let reading: Promise<T> | null = null;
  return () => (reading ??= read().finally(() => (reading = null)));
}
