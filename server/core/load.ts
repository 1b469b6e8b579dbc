import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How busy this node's event loop is, read often and cheaply by whatever paces itself by it. */
export interface LoadMonitor {
  /** The event loop's delay at the 99th percentile over the last sampling period, in ms. */
  lagMs(): number;
  /** The share of the last sampling period the event loop spent working (0–1). */
  utilization(): number;
  /**
   * How much to stretch paced work (1 = not at all): grows while the loop is saturated (busy
   * nearly all of the time), and shrinks back once it has room again, so the node slows its own
   * output instead of falling behind its input.
   */
  stretch(): number;
  close(): void;
}

export interface LoadOptions {
  /**
   * Utilisation above which the node counts as saturated: 0.95. With 0.9, a node at 84 % of its
   * core (the AMD EPYC machine at 10,000 attendees; raw ws with the same frames at 76 %) kept
   * crossing it, and its tick stretched to 301 ms while nothing fell behind.
   */
  busy?: number;
  /** Utilisation below which it has room again: 0.85. */
  calm?: number;
  /** The most paced work is stretched. */
  maxStretch?: number;
  sampleMs?: number;
}

/**
 * Reads the event loop's utilisation (perf_hooks' eventLoopUtilization: the share of time it
 * was not idle) and its delay. The stretch follows utilisation, not delay: a room's frame is
 * one synchronous burst of writes, so a large room delays the loop for tens of milliseconds each
 * tick however idle the node is between ticks, and pacing by delay lengthened the tick, which
 * enlarged the burst and lengthened it again (the first 5,000-attendee runs sat at 1 s ticks
 * with the server at 30 % of its core). See `nextStretch` for how it moves.
 */
export function monitorLoad(options: LoadOptions = {}): LoadMonitor {
  const { busy = 0.95, calm = 0.85, maxStretch = 10, sampleMs = 500 } = options;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lag = 0;
  let used = 0;
  let pace: Pace = { stretch: 1, busyPeriods: 0 };
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    // The histogram counts the sampling resolution itself as delay: take it off.
    lag = Math.max(0, histogram.percentile(99) / 1e6 - 10);
    histogram.reset();
    const now = performance.eventLoopUtilization();
    used = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    pace = nextStretch(pace, used, { busy, calm, maxStretch });
  }, sampleMs);
  timer.unref();
  return {
    lagMs: () => lag,
    utilization: () => used,
    stretch: () => pace.stretch,
    close() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

/** The stretch, and for how many periods in a row the loop has been saturated. */
export interface Pace {
  stretch: number;
  busyPeriods: number;
}

/** Periods in a row the loop must be saturated before the stretch grows. */
export const SUSTAINED_PERIODS = 2;

/**
 * One sampling period's move. The stretch grows by half once the loop has been saturated for
 * `SUSTAINED_PERIODS` periods in a row (and each saturated period after), shrinks by a fifth
 * while it has room, and holds in between: quick to back off from real overload, slow to speed
 * up again. A single busy period (a collection, a burst of joins) does not stretch it: at 80 %
 * of a core such spikes came every few seconds, and each held the tick half as long again for
 * as long as the load stayed above `calm`, though the node kept up.
 */
export function nextStretch(pace: Pace, used: number, { busy, calm, maxStretch }: Required<Omit<LoadOptions, 'sampleMs'>>): Pace {
  const busyPeriods = used > busy ? pace.busyPeriods + 1 : 0;
  if (busyPeriods >= SUSTAINED_PERIODS) return { stretch: Math.min(maxStretch, pace.stretch * 1.5), busyPeriods };
  if (used < calm) return { stretch: Math.max(1, pace.stretch * 0.8), busyPeriods };
  return { stretch: pace.stretch, busyPeriods };
}
