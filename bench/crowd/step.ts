// One measured step, as the coordinator drives it: fresh residents and a fresh town hall, the
// crowd connected by the generator, the schedule run while the servers' CPU is read at its
// marks and their frame figures are polled, and everything folded into one printed row.
import type { CrowdOptions } from './options.js';
import type { Child } from './processes.js';
import type { FrameStats, GeneratorProgress, GeneratorReply, GeneratorRequest, ServerSample, StepResult } from './protocol.js';
import type { FramesSeen, Row, Steal } from './report.js';
import type { Stall } from './stalls.js';
import type { SystemUnderTest } from './systems.js';
import { cpuTimes, listenOverflows } from './kernel.js';

export type Generator = Child<GeneratorRequest, GeneratorReply>;

/** A connected crowd: what the step's heap figure and frame counters are measured from. */
export interface Connected {
  n: number;
  joined: number;
  /** Samples of every node before the crowd connected and after (after a full GC). */
  empty: ServerSample[];
  full: ServerSample[];
}

/** What the polls saw: the servers' frame figures and stalls, and the machine's CPU steal second by second. */
interface Polled {
  frames: FrameStats[];
  stalls: Stall[];
  steal: Steal[];
}

/**
 * Polls the servers' frame figures and stalls once a second while a schedule runs, from its
 * first second on, and reads the machine's steal at each poll.
 */
function pollServers(system: SystemUnderTest): { stop(): Promise<Polled> } {
  const seen: Polled = { frames: [], stalls: [], steal: [] };
  let inFlight: Promise<void> | null = null;
  let times = cpuTimes();
  const poll = () => {
    const now = cpuTimes();
    if (times && now && now.total > times.total) seen.steal.push({ at: Date.now(), percent: ((now.steal - times.steal) / (now.total - times.total)) * 100 });
    times = now;
    inFlight ??= system
      .sample(false)
      .then((samples) => {
        for (const s of samples) {
          if (s.frames) seen.frames.push(s.frames);
          if (s.stalls) seen.stalls.push(...s.stalls);
        }
      })
      .catch(() => {}) // a node being restarted answers nothing; the next poll will do
      .finally(() => (inFlight = null));
  };
  // No poll at the start: the server's lag figure then still covers the half-second before the
  // schedule, where the bench's own forced full GC (the heap sample) stalled it for 300-600 ms at
  // 5,000 attendees, which the soak's table reported as the room's loop lag.
  const timer = setInterval(poll, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return seen;
    },
  };
}

/** The frame figures of a step: the ticks polled, and the counters' growth since `from`. */
function framesSeen(polled: FrameStats[], from: ServerSample[], to: ServerSample[], restarted: boolean): FramesSeen | undefined {
  const end = to.map((s) => s.frames).filter((f): f is FrameStats => f !== undefined);
  if (!end.length) return undefined;
  // 0: no room has sent a frame yet on that node (a restarted one, say).
  const ticks = [...polled, ...end].map((f) => f.tickMs).filter((t) => t > 0);
  if (!ticks.length) ticks.push(0);
  // After a restart the counters start again from zero in the new process.
  const grown = (key: 'skippedFrames' | 'resyncs' | 'sampledChat') =>
    to.reduce((n, s, i) => n + (s.frames?.[key] ?? 0) - (restarted ? 0 : (from[i]?.frames?.[key] ?? 0)), 0);
  return {
    tickMinMs: Math.min(...ticks),
    tickMaxMs: Math.max(...ticks),
    lagMaxMs: Math.max(...polled.map((f) => f.lagMs), 0),
    skippedFrames: grown('skippedFrames'),
    resyncs: grown('resyncs'),
    sampledChat: grown('sampledChat'),
  };
}

export function stepRunner(generator: Generator, o: CrowdOptions) {
  let onMark: ((name: 'start' | 'end') => void) | null = null;
  generator.onMessage((m) => {
    const message = m as GeneratorProgress | { kind: 'mark'; name: 'start' | 'end' };
    if (message.kind === 'mark') onMark?.(message.name);
  });

  return {
    /** Residents, a town hall and `n` attendees in it; the heap is sampled before and after. */
    async connect(system: SystemUnderTest, n: number): Promise<Connected> {
      const cookies = await system.sessions(n);
      const townHallId = await system.townHall();
      const empty = await system.sample(true);
      const connected = await generator.request<GeneratorReply & { kind: 'connected' }>({
        kind: 'connect',
        plan: {
          urls: system.urls,
          cookies,
          probes: o.probes,
          townHallId,
          seconds: o.seconds,
          connectPerSecond: o.connectPerSecond,
          votesPerSecond: o.votesPerSecond,
          questionsPerSecond: o.questionsPerSecond,
          chatPerSecond: o.chatPerSecond,
          tallyIntervalMs: o.tallyIntervalMs,
          reconnect: o.stormAtSeconds !== null,
        },
      });
      const full = await system.sample(true);
      return { n: connected.joined + connected.failed, joined: connected.joined, empty, full };
    },

    /**
     * Runs the schedule once. With `storm`, the first node is killed that many seconds into
     * it and started again; the row then carries the restart's duration.
     */
    async run(system: SystemUnderTest, crowd: Connected, from: ServerSample[], storm: number | null = null): Promise<Row> {
      // The servers' CPU is read at the generator's marks of the schedule's start and end.
      type CpuSample = ReturnType<SystemUnderTest['cpu']>;
      let startSample: CpuSample | null = null;
      let endSample: CpuSample | null = null;
      const overflowsBefore = listenOverflows();
      const storming: { restart?: Promise<{ killedAt: number; readyAt: number }>; timer?: NodeJS.Timeout } = {};
      onMark = (name) => {
        if (name === 'start') {
          startSample = system.cpu();
          if (storm !== null) {
            storming.timer = setTimeout(() => {
              // If the generator cannot take the note, the step still ends; its re-join times are then missing.
              storming.restart = system.restart((at) => void generator.request({ kind: 'killed', at }).catch(() => {}));
            }, storm * 1000);
          }
        } else endSample = system.cpu();
      };
      const polling = pollServers(system);
      let result: StepResult;
      try {
        result = (await generator.request<GeneratorReply & { kind: 'ran' }>({ kind: 'run' })).result;
      } finally {
        onMark = null;
        clearTimeout(storming.timer);
      }
      const restarted = storming.restart ? await storming.restart : null;
      const polled = await polling.stop();
      const [s0, s1] = await Promise.all([startSample!, endSample!]);
      const after = await system.sample(false);
      const overflowsAfter = listenOverflows();

      const cpuMicros = s0.reduce((sum, s, i) => sum + (s1[i]!.cpuMicros - s.cpuMicros), 0);
      const waitedMicros = Math.max(...s0.map((s, i) => s1[i]!.waitedMicros - s.waitedMicros));
      const wallMs = s1[0]!.at - s0[0]!.at;
      const heap = crowd.full.reduce((sum, s, i) => sum + (s.heapUsed - crowd.empty[i]!.heapUsed), 0);
      const cpuPerSecond = cpuMicros / (wallMs / 1000);
      const frames = framesSeen(polled.frames, from, after, restarted !== null);
      return {
        system: system.name,
        label: system.label,
        n: crowd.n,
        result,
        serverCpuPercent: (cpuPerSecond / 1e6) * 100,
        serverWaitedPercent: (waitedMicros / 1000 / wallMs) * 100,
        heapPerAttendeeBytes: heap / Math.max(1, crowd.joined),
        cpuMicrosPerMessage: result.messagesPerSecond > 0 ? cpuPerSecond / result.messagesPerSecond : NaN,
        ...(crowd.full[0]?.listenersPerSocket ? { listenersPerSocket: crowd.full[0].listenersPerSocket } : {}),
        ...(frames ? { frames } : {}),
        stalls: { server: [...polled.stalls, ...after.flatMap((s) => s.stalls ?? [])], steal: polled.steal },
        ...(restarted ? { restartMs: restarted.readyAt - restarted.killedAt } : {}),
        ...(overflowsBefore !== null && overflowsAfter !== null ? { listenOverflows: overflowsAfter - overflowsBefore } : {}),
      };
    },

    /** The soak's next window: fresh screens and questions for the same crowd. */
    rearm: () => generator.request({ kind: 'rearm' }),
    disconnect: () => generator.request({ kind: 'disconnect' }),
  };
}

export type StepRunner = ReturnType<typeof stepRunner>;
