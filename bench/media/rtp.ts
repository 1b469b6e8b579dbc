/**
 * Just enough RTP and RTCP (RFC 3550, 4585, 5104, 7741) for the media benchmark: VP8 packets
 * mediasoup can parse (keyframes, picture ids), opus-sized audio, sender reports, and reading
 * the keyframe requests mediasoup sends back.
 */

export const RTP_HEADER_BYTES = 12;
/** X=1 descriptor with a 15-bit picture id, TL0PICIDX and TID/Y: what browsers send. */
export const VP8_DESCRIPTOR_BYTES = 6;
/** Keyframe payload header: 3-byte frame tag, start code, 2-byte width, 2-byte height. */
const VP8_KEYFRAME_HEADER_BYTES = 10;

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

export function writeRtpHeader(packet: Buffer, header: RtpHeader): void {
  packet[0] = 0x80;
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
}

export interface Vp8Packet {
  /** First packet of the frame: sets S=1 and carries the VP8 payload header. */
  start: boolean;
  keyframe: boolean;
  pictureId: number;
  tl0PicIdx: number;
  width: number;
  height: number;
}

/** Writes the VP8 payload descriptor (and payload header on a frame's first packet) after the RTP header. */
export function writeVp8Payload(packet: Buffer, vp8: Vp8Packet): void {
  let at = RTP_HEADER_BYTES;
  packet[at++] = 0x80 | (vp8.start ? 0x10 : 0); // X, S, partition index 0
  packet[at++] = 0xe0; // I, L, T present
  packet[at++] = 0x80 | ((vp8.pictureId >> 8) & 0x7f); // M=1: two-byte picture id
  packet[at++] = vp8.pictureId & 0xff;
  packet[at++] = vp8.tl0PicIdx & 0xff;
  packet[at++] = 0x20; // TID 0, Y=1: one temporal layer
  if (!vp8.start) return;
  // Frame tag: bit 0 is P, the *inverse* keyframe flag; bit 4 is show_frame.
  packet[at++] = vp8.keyframe ? 0x10 : 0x11;
  packet[at++] = 0;
  packet[at++] = 0;
  if (!vp8.keyframe) return;
  packet[at++] = 0x9d;
  packet[at++] = 0x01;
  packet[at++] = 0x2a;
  packet.writeUInt16LE(vp8.width & 0x3fff, at);
  packet.writeUInt16LE(vp8.height & 0x3fff, at + 2);
}

/** Bytes of the first packet of a frame taken by the descriptor and payload header. */
export function vp8OverheadBytes(start: boolean, keyframe: boolean): number {
  if (!start) return VP8_DESCRIPTOR_BYTES;
  return VP8_DESCRIPTOR_BYTES + (keyframe ? VP8_KEYFRAME_HEADER_BYTES : 3);
}

/**
 * The width in a VP8 keyframe's payload header, or undefined when the RTP packet does not
 * start a keyframe. Handles any descriptor layout mediasoup may rewrite to.
 */
export function vp8KeyframeWidth(packet: Buffer): number | undefined {
  const csrcs = packet[0]! & 0x0f;
  let at = RTP_HEADER_BYTES + csrcs * 4;
  if ((packet[0]! & 0x10) !== 0) at += 4 + packet.readUInt16BE(at + 2) * 4; // header extension
  const first = packet[at];
  if (first === undefined || (first & 0x10) === 0 || (first & 0x07) !== 0) return undefined;
  if ((first & 0x80) !== 0) {
    const ext = packet[at + 1]!;
    at += 2;
    if (ext & 0x80) at += (packet[at]! & 0x80) !== 0 ? 2 : 1;
    if (ext & 0x40) at += 1;
    if (ext & 0x30) at += 1;
  } else {
    at += 1;
  }
  if (at + VP8_KEYFRAME_HEADER_BYTES > packet.length || (packet[at]! & 0x01) !== 0) return undefined;
  return packet.readUInt16LE(at + 6) & 0x3fff;
}

/** RFC 5761: with RTP and RTCP on one port, RTCP packet types land in 192–223. */
export function isRtcp(packet: Buffer): boolean {
  const type = packet[1];
  return type !== undefined && type >= 192 && type <= 223;
}

const NTP_EPOCH_OFFSET_S = 2_208_988_800;

/** An RTCP sender report with no report blocks; mediasoup needs one per simulcast stream to switch layers. */
export function senderReport(ssrc: number, wallMs: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const report = Buffer.alloc(28);
  report[0] = 0x80;
  report[1] = 200;
  report.writeUInt16BE(6, 2);
  report.writeUInt32BE(ssrc >>> 0, 4);
  const seconds = Math.floor(wallMs / 1000);
  report.writeUInt32BE((seconds + NTP_EPOCH_OFFSET_S) >>> 0, 8);
  report.writeUInt32BE(Math.floor(((wallMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  report.writeUInt32BE(rtpTimestamp >>> 0, 16);
  report.writeUInt32BE(packets >>> 0, 20);
  report.writeUInt32BE(octets >>> 0, 24);
  return report;
}

/** The media SSRCs for which a (compound) RTCP packet asks a keyframe, by PLI or FIR. */
export function keyframeRequests(packet: Buffer): number[] {
  const ssrcs: number[] = [];
  for (let at = 0; at + 12 <= packet.length; ) {
    const format = packet[at]! & 0x1f;
    const type = packet[at + 1]!;
    const bytes = (packet.readUInt16BE(at + 2) + 1) * 4;
    if (type === 206 && format === 1) ssrcs.push(packet.readUInt32BE(at + 8));
    if (type === 206 && format === 4) {
      for (let fci = at + 12; fci + 8 <= at + bytes; fci += 8) ssrcs.push(packet.readUInt32BE(fci));
    }
    at += bytes;
  }
  return ssrcs;
}
