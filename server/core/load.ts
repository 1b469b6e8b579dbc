import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How busy this node's event loop is, read often and cheaply by whatever paces itself by it. */
export interface LoadMonitor {
  /** The event loop's delay at the 99th percentile over the last sampling period, in ms. */
  lagMs(): number;
  /**
   * How much to stretch paced work (1 = not at all): grows while the loop lags past `busyMs`,
   * and shrinks back once it is below `calmMs`, so the node slows its own output instead of
   * falling behind its input.
   */
  stretch(): number;
  close(): void;
}

export interface LoadOptions {
  /** Lag (p99, ms) above which the node counts as overloaded. */
  busyMs?: number;
  /** Lag (p99, ms) below which it is calm again. */
  calmMs?: number;
  /** The most paced work is stretched. */
  maxStretch?: number;
  sampleMs?: number;
}

/**
 * Samples the event loop's delay with Node's own histogram (perf_hooks), the figure that says
 * whether timers and sockets are served late. Each period the stretch grows by half while the
 * node is busy and shrinks by a fifth while it is calm: quick to back off, slow to speed up again.
 */
export function monitorLoad(options: LoadOptions = {}): LoadMonitor {
  const { busyMs = 40, calmMs = 15, maxStretch = 10, sampleMs = 500 } = options;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lag = 0;
  let stretch = 1;
  const timer = setInterval(() => {
    // The histogram counts the sampling resolution itself as delay: take it off.
    lag = Math.max(0, histogram.percentile(99) / 1e6 - 10);
    histogram.reset();
    if (lag > busyMs) stretch = Math.min(maxStretch, stretch * 1.5);
    else if (lag < calmMs) stretch = Math.max(1, stretch * 0.8);
  }, sampleMs);
  timer.unref();
  return {
    lagMs: () => lag,
    stretch: () => stretch,
    close() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
