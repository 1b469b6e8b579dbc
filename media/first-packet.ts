// When a recorded track's file really begins. A track's file does not start when its recorder
// does: FFmpeg takes a moment to start (seconds on a loaded machine), and a video file starts
// at a keyframe. So the recorder sends nothing until FFmpeg listens, and then the first packet
// the consumer sends is the file's first packet (a video consumer starts at a keyframe:
// mediasoup drops what comes before one after a resume). mediasoup's own trace events say when
// each packet was sent and with which RTP time stamp.
//
// The first packet's own arrival is not the best anchor: it is a keyframe, the largest and so
// the latest frame a publisher sends, and on a busy publisher it came hundreds of milliseconds
// late while the voice did not, which an archive placed by it keeps as a lip-sync error for
// good. The file's frames are timed by their RTP time stamps, so what places the file is the
// publisher's clock: the earliest any of the first seconds' packets arrived, less its RTP time
// since the first packet. Packets that were held up only raise that estimate, so the least
// delayed of them sets it (the lower envelope of the delays, as a receiver synchronising
// audio and video without sender reports would take it).
import { readFile } from 'node:fs/promises';
import type { types as ms } from 'mediasoup';

/**
 * The wall clock (ms since the epoch) of a time stamped by the mediasoup worker. The worker
 * stamps trace events with libuv's `uv_hrtime()` in ms, the machine's monotonic clock, which
 * is also what `process.hrtime` reads here; so the event's age is measured on that clock, and
 * the time it took to reach this process (a busy event loop) is not counted.
 */
export function wallClockOfWorkerTime(workerMs: number, now: { wallMs: number; monotonicMs: number } = clocksNow()): number {
  const age = now.monotonicMs - workerMs;
  // Another clock after all (a worker on another machine, a platform without a shared monotonic clock): the arrival is the best there is.
  if (!Number.isFinite(age) || age < 0 || age > 60_000) return now.wallMs;
  return now.wallMs - age;
}

function clocksNow(): { wallMs: number; monotonicMs: number } {
  return { wallMs: Date.now(), monotonicMs: Number(process.hrtime.bigint() / 1_000_000n) };
}

/**
 * Where the first packet of a stream belongs on the wall clock, from packets sent: each one
 * (its RTP time stamp, when it was sent) says the first was sent no later than its own time less
 * the media time between them; the earliest of those is kept. Pure, for the recorder and tests.
 */
export class StreamStart {
  readonly #clockRate: number;
  #first: number | null = null;
  #at: number | null = null;
  #packets = 0;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  add(rtpTimestamp: number, sentAt: number): void {
    this.#first ??= rtpTimestamp;
    // RTP time is 32 bits and wraps; a packet just before the first (reordered) is a small negative step.
    const mediaMs = (((rtpTimestamp - this.#first) | 0) / this.#clockRate) * 1000;
    const at = sentAt - mediaMs;
    this.#at = this.#at === null ? at : Math.min(this.#at, at);
    this.#packets += 1;
  }

  /** The first packet's place on the wall clock (ms), or null before any packet. */
  get at(): number | null {
    return this.#at === null ? null : Math.round(this.#at);
  }

  get packets(): number {
    return this.#packets;
  }
}

export interface MediaStart {
  /**
   * Where the file's first packet belongs on the wall clock, once the first seconds of packets
   * are in (or the recorder stopped); null if it stopped before sending any.
   */
  readonly at: Promise<number | null>;
  /** Stops watching (the recorder stopped): `at` resolves with what the packets so far say. */
  cancel(): void;
}

/**
 * How long a consumer's packets are traced after its first: long enough that some of them were
 * not held up, even on a publisher (or a server) busy for seconds at a time. A trace line per
 * packet for ten seconds is a few thousand small messages per track, once.
 */
export const START_WINDOW_MS = 10_000;

/**
 * Traces a consumer's outgoing RTP from its first packet for `windowMs`, then turns the trace
 * off again (a trace line per packet would cost the worker for the whole meeting). Call before
 * resuming it.
 */
export async function watchMediaStart(consumer: ms.Consumer, windowMs = START_WINDOW_MS): Promise<MediaStart> {
  const clockRate = consumer.rtpParameters.codecs[0]?.clockRate ?? 90_000;
  const start = new StreamStart(clockRate);
  let settle!: (at: number | null) => void;
  const at = new Promise<number | null>((resolve) => (settle = resolve));
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    consumer.off('trace', onTrace);
    if (!consumer.closed) void consumer.enableTraceEvent([]).catch(() => undefined);
    settle(start.at);
  };
  const onTrace = (trace: ms.ConsumerTraceEventData) => {
    // A retransmission is no new media; with only 'rtp' traced, keyframes are told as 'rtp' too.
    const info = trace.info as { isRtx?: boolean; timestamp?: number } | undefined;
    if (trace.direction !== 'out' || (trace.type !== 'rtp' && trace.type !== 'keyframe') || info?.isRtx === true) return;
    if (typeof info?.timestamp !== 'number') return;
    start.add(info.timestamp, wallClockOfWorkerTime(trace.timestamp));
    if (start.packets === 1) timer = setTimeout(finish, windowMs);
  };
  consumer.on('trace', onTrace);
  await consumer.enableTraceEvent(['rtp']);
  return { at, cancel: finish };
}

/** How often FFmpeg's sockets are looked for while it starts. */
const LISTEN_POLL_MS = 20;

/** Ports waited for now, and their waiters: one read of the kernel's tables serves them all. */
const waiting = new Map<number, Set<(bound: boolean | null) => void>>();
let polling = false;

/**
 * Resolves true once something on this machine has bound UDP `port` (FFmpeg, which was told to
 * receive there), false if `gaveUp` settles first, null at once if the kernel's socket tables
 * cannot be read (not Linux). Only those tables are read: binding the port to test it could
 * take it from FFmpeg.
 */
export function untilUdpPortBound(port: number, gaveUp: Promise<unknown>): Promise<boolean | null> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (bound: boolean | null) => {
      if (settled) return;
      settled = true;
      const waiters = waiting.get(port);
      waiters?.delete(settle);
      if (waiters?.size === 0) waiting.delete(port);
      resolve(bound);
    };
    const waiters = waiting.get(port) ?? new Set();
    waiters.add(settle);
    waiting.set(port, waiters);
    void gaveUp.finally(() => settle(false));
    if (!polling) void poll();
  });
}

async function poll(): Promise<void> {
  polling = true;
  try {
    while (waiting.size > 0) {
      const bound = await boundUdpPorts();
      for (const [port, waiters] of [...waiting]) {
        // Unreadable tables (not Linux): nothing to wait for, the RTP goes at once.
        if (bound === null || bound.has(port)) for (const settle of [...waiters]) settle(bound === null ? null : true);
      }
      if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, LISTEN_POLL_MS));
    }
  } finally {
    polling = false;
  }
}

/** The local UDP ports bound on this machine (IPv4 and IPv6), or null if the kernel's tables cannot be read. */
async function boundUdpPorts(): Promise<Set<number> | null> {
  const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((file) => readFile(file, 'utf8').catch(() => null)));
  if (tables.every((table) => table === null)) return null;
  const ports = new Set<number>();
  for (const table of tables) {
    // Each line after the header: "sl local_address rem_address …", the address as HEXIP:HEXPORT.
    for (const line of table?.split('\n').slice(1) ?? []) {
      const local = line.trim().split(/\s+/)[1];
      const port = local === undefined ? NaN : Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}
