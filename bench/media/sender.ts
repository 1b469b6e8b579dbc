/**
 * Child process: one simulcast publisher without a browser. It sends VP8 on three SSRCs and
 * opus-sized audio on a fourth to a mediasoup PlainTransport, paced by the clock (open loop:
 * a late tick sends everything that fell due, it never slows down), with sender reports every
 * second and a keyframe on every PLI/FIR mediasoup sends upstream and every GOP.
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { serveParent } from './child.js';
import {
  RTP_HEADER_BYTES,
  keyframeRequests,
  senderReport,
  vp8OverheadBytes,
  writeRtpHeader,
  writeVp8Payload,
} from './rtp.js';

export interface SenderLayer {
  ssrc: number;
  kbps: number;
  width: number;
  height: number;
}

export interface SenderConfig {
  ip: string;
  port: number;
  fps: number;
  /** A keyframe at least this often on every layer, whether or not anyone asked. */
  keyframeIntervalMs: number;
  /** A frame sent this much after it fell due counts as late. */
  lateMs: number;
  video: { payloadType: number; layers: SenderLayer[] };
  audio: { payloadType: number; ssrc: number; kbps: number } | null;
}

export interface SenderStats {
  /** When the counts were read, in ms since the epoch. */
  at: number;
  packets: number;
  bytes: number;
  keyframes: number;
  keyframeRequests: number;
  frames: number;
  /** Frames that went out more than `lateMs` after they fell due. */
  lateFrames: number;
}

const MAX_PAYLOAD_BYTES = 1200;
const TICK_MS = 5;
/** A burst of PLIs (one per new consumer) is answered by one keyframe. */
const KEYFRAME_REQUEST_HOLD_MS = 200;
const AUDIO_FRAME_MS = 20;

interface Stream {
  ssrc: number;
  payloadType: number;
  clockRate: number;
  frameMs: number;
  frameBytes: number;
  nextAt: number;
  frames: number;
  sequence: number;
  tsBase: number;
  packets: number;
  octets: number;
  vp8?: { width: number; height: number; pictureId: number; keyframeDue: boolean; lastKeyframeAt: number };
}

const socket = createSocket('udp4');
const streams: Stream[] = [];
const stats: Omit<SenderStats, 'at'> = { packets: 0, bytes: 0, keyframes: 0, keyframeRequests: 0, frames: 0, lateFrames: 0 };
let config: SenderConfig;
let startedAt = 0;
let timers: NodeJS.Timeout[] = [];

const random32 = (): number => Math.floor(Math.random() * 2 ** 32);
const random16 = (): number => Math.floor(Math.random() * 2 ** 16);
const wallMs = (): number => performance.timeOrigin + performance.now();

function stream(ssrc: number, payloadType: number, clockRate: number, frameMs: number, kbps: number): Stream {
  return {
    ssrc,
    payloadType,
    clockRate,
    frameMs,
    frameBytes: Math.max(1, Math.round((kbps * 1000 * frameMs) / 1000 / 8)),
    nextAt: startedAt,
    frames: 0,
    sequence: random16(),
    tsBase: random32(),
    packets: 0,
    octets: 0,
  };
}

function send(s: Stream, packet: Buffer): void {
  socket.send(packet);
  s.packets += 1;
  s.octets += packet.length - RTP_HEADER_BYTES;
  stats.packets += 1;
  stats.bytes += packet.length;
}

function sendFrame(s: Stream, now: number): void {
  const timestamp = s.tsBase + Math.round((s.frames * s.frameMs * s.clockRate) / 1000);
  if (s.vp8 === undefined) {
    const packet = Buffer.alloc(RTP_HEADER_BYTES + s.frameBytes);
    writeRtpHeader(packet, { payloadType: s.payloadType, marker: false, sequenceNumber: s.sequence++, timestamp, ssrc: s.ssrc });
    send(s, packet);
    return;
  }
  const vp8 = s.vp8;
  const keyframe = vp8.keyframeDue || now - vp8.lastKeyframeAt >= config.keyframeIntervalMs;
  if (keyframe) {
    vp8.keyframeDue = false;
    vp8.lastKeyframeAt = now;
    stats.keyframes += 1;
  }
  // Encoders spend more bits on keyframes; three times an average frame is typical.
  let remaining = keyframe ? s.frameBytes * 3 : s.frameBytes;
  vp8.pictureId = (vp8.pictureId + 1) & 0x7fff;
  for (let start = true; remaining > 0; start = false) {
    const overhead = vp8OverheadBytes(start, keyframe);
    const body = Math.min(remaining, MAX_PAYLOAD_BYTES - overhead);
    remaining -= body;
    const packet = Buffer.alloc(RTP_HEADER_BYTES + overhead + body);
    writeRtpHeader(packet, {
      payloadType: s.payloadType,
      marker: remaining === 0,
      sequenceNumber: s.sequence++,
      timestamp,
      ssrc: s.ssrc,
    });
    writeVp8Payload(packet, {
      start,
      keyframe,
      pictureId: vp8.pictureId,
      tl0PicIdx: vp8.pictureId,
      width: vp8.width,
      height: vp8.height,
    });
    send(s, packet);
  }
}

function tick(): void {
  const now = performance.now();
  for (const s of streams) {
    while (s.nextAt <= now) {
      stats.frames += 1;
      if (now - s.nextAt > config.lateMs) stats.lateFrames += 1;
      sendFrame(s, now);
      s.frames += 1;
      s.nextAt = startedAt + s.frames * s.frameMs;
    }
  }
}

function sendReports(): void {
  const now = performance.now();
  const wall = wallMs();
  for (const s of streams) {
    const rtpNow = s.tsBase + Math.round(((now - startedAt) * s.clockRate) / 1000);
    socket.send(senderReport(s.ssrc, wall, rtpNow, s.packets, s.octets));
  }
}

socket.on('message', (packet) => {
  for (const ssrc of keyframeRequests(packet)) {
    const vp8 = streams.find((s) => s.ssrc === ssrc)?.vp8;
    if (vp8 === undefined) continue;
    stats.keyframeRequests += 1;
    if (!vp8.keyframeDue && performance.now() - vp8.lastKeyframeAt >= KEYFRAME_REQUEST_HOLD_MS) vp8.keyframeDue = true;
  }
});

function stopTimers(): void {
  for (const timer of timers) clearInterval(timer);
  timers = [];
}

/**
 * (Re)starts sending. Frames that fell due while paused are skipped, not sent late, so RTP
 * timestamps follow the clock and sequence numbers show no gap; every layer starts again
 * on a keyframe, as an encoder does after a pause.
 */
function resume(): void {
  if (timers.length > 0) return;
  const now = performance.now();
  for (const s of streams) {
    s.frames = Math.ceil((now - startedAt) / s.frameMs);
    s.nextAt = startedAt + s.frames * s.frameMs;
    if (s.vp8 !== undefined) s.vp8.keyframeDue = true;
  }
  sendReports();
  timers = [setInterval(tick, TICK_MS), setInterval(sendReports, 1000)];
}

serveParent({
  async start(body: SenderConfig) {
    config = body;
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.setSendBufferSize(4 * 1024 * 1024);
    await new Promise<void>((resolve) => socket.connect(body.port, body.ip, resolve));
    startedAt = performance.now();
    for (const layer of body.video.layers) {
      const s = stream(layer.ssrc, body.video.payloadType, 90000, 1000 / body.fps, layer.kbps);
      s.vp8 = { width: layer.width, height: layer.height, pictureId: random16() & 0x7fff, keyframeDue: true, lastKeyframeAt: 0 };
      streams.push(s);
    }
    if (body.audio !== null) streams.push(stream(body.audio.ssrc, body.audio.payloadType, 48000, AUDIO_FRAME_MS, body.audio.kbps));
    resume();
    return {};
  },
  pause() {
    stopTimers();
    return {};
  },
  resume() {
    resume();
    return {};
  },
  stats(): SenderStats {
    return { ...stats, at: wallMs() } satisfies SenderStats;
  },
  stop() {
    stopTimers();
    socket.close();
    return {};
  },
});
