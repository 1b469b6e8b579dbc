/**
 * Child process: the receiving end of every viewer. One UDP socket per viewer, as a browser
 * would have one bundled transport; its video and audio consumers are told apart by payload
 * type. Loss is counted per stream the RFC 3550 way (packets expected from the sequence
 * numbers seen, minus packets received), so reordering is not mistaken for loss.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { serveParent } from './child.js';
import { isRtcp, vp8KeyframeWidth } from './rtp.js';

export type Kind = 'video' | 'audio';

export interface KindTotals {
  received: number;
  expected: number;
  bytes: number;
  /** Streams (consumers) that have delivered anything. */
  streams: number;
  /** Streams that delivered packets since the previous stats call. */
  flowing: number;
  /** Video streams by the width of the last keyframe they delivered. */
  byWidth: Record<number, number>;
}

export interface ReceiverStats {
  /** When the counts were read, in ms since the epoch. */
  at: number;
  video: KindTotals;
  audio: KindTotals;
  rtcpPackets: number;
}

interface Stream {
  ssrc: number;
  kind: Kind;
  base: number;
  highest: number;
  received: number;
  receivedAtLastStats: number;
  bytes: number;
  width: number;
}

const sockets: Socket[] = [];
const streams: Stream[] = [];
let payloadTypes: { video: number; audio: number } = { video: -1, audio: -1 };
let rtcpPackets = 0;

function receive(viewerStreams: Stream[], packet: Buffer): void {
  if (packet.length < 12) return;
  if (isRtcp(packet)) {
    rtcpPackets += 1;
    return;
  }
  const payloadType = packet[1]! & 0x7f;
  const kind: Kind | undefined =
    payloadType === payloadTypes.video ? 'video' : payloadType === payloadTypes.audio ? 'audio' : undefined;
  if (kind === undefined) return;
  const ssrc = packet.readUInt32BE(8);
  const sequence = packet.readUInt16BE(2);
  let s = viewerStreams.find((candidate) => candidate.ssrc === ssrc);
  if (s === undefined) {
    s = { ssrc, kind, base: sequence, highest: sequence, received: 0, receivedAtLastStats: 0, bytes: 0, width: 0 };
    viewerStreams.push(s);
    streams.push(s);
  } else {
    // `highest` is extended past 16 bits; a packet behind it is late, not new.
    const ahead = (sequence - (s.highest & 0xffff)) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) s.highest += ahead;
  }
  s.received += 1;
  s.bytes += packet.length;
  if (kind === 'video') {
    const width = vp8KeyframeWidth(packet);
    if (width !== undefined) s.width = width;
  }
}

function totals(kind: Kind): KindTotals {
  const result: KindTotals = { received: 0, expected: 0, bytes: 0, streams: 0, flowing: 0, byWidth: {} };
  for (const s of streams) {
    if (s.kind !== kind) continue;
    result.streams += 1;
    result.received += s.received;
    result.bytes += s.bytes;
    result.expected += s.highest - s.base + 1;
    if (s.received > s.receivedAtLastStats) result.flowing += 1;
    s.receivedAtLastStats = s.received;
    if (kind === 'video') result.byWidth[s.width] = (result.byWidth[s.width] ?? 0) + 1;
  }
  return result;
}

serveParent({
  async open(body: { count: number; videoPayloadType: number; audioPayloadType: number }) {
    payloadTypes = { video: body.videoPayloadType, audio: body.audioPayloadType };
    const ports: number[] = [];
    for (let i = 0; i < body.count; i += 1) {
      const socket = createSocket('udp4');
      const viewerStreams: Stream[] = [];
      socket.on('message', (packet) => receive(viewerStreams, packet));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      // A short stall of this process must not turn into kernel drops counted as loss.
      socket.setRecvBufferSize(1024 * 1024);
      sockets.push(socket);
      ports.push(socket.address().port);
    }
    return { ports };
  },
  stats(): ReceiverStats {
    return { at: performance.timeOrigin + performance.now(), video: totals('video'), audio: totals('audio'), rtcpPackets };
  },
  stop() {
    for (const socket of sockets) socket.close();
    return {};
  },
});
