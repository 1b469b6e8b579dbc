import type { types as ms } from 'mediasoup';

/** The publisher's streams: three simulcast layers (low → high) and audio. */
export const LAYERS = [
  { ssrc: 0x11110001, kbps: 150, width: 320, height: 180 },
  { ssrc: 0x11110002, kbps: 500, width: 640, height: 360 },
  { ssrc: 0x11110003, kbps: 1200, width: 1280, height: 720 },
] as const;
export const AUDIO = { ssrc: 0x22220001, kbps: 40 } as const;
export const FPS = 30;
/** Encoders send a keyframe on request; this one also sends one at least this often. */
export const KEYFRAME_INTERVAL_MS = 3000;
const VIDEO_PAYLOAD_TYPE = 96;
const AUDIO_PAYLOAD_TYPE = 111;
const KEYFRAME_FEEDBACK: ms.RtcpFeedback[] = [
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
];

export interface Publisher {
  transport: ms.PlainTransport;
  video: ms.Producer;
  audio: ms.Producer;
  /** Where the sender must send: the transport learns the sender's address from its first packet (comedia). */
  ip: string;
  port: number;
  videoPayloadType: number;
  audioPayloadType: number;
}

export async function createPublisher(router: ms.Router, listenIp: ms.TransportListenIp): Promise<Publisher> {
  const transport = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: true });
  const video = await transport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: KEYFRAME_FEEDBACK }],
      encodings: LAYERS.map((layer) => ({ ssrc: layer.ssrc, maxBitrate: layer.kbps * 1000 })),
      rtcp: { cname: 'bench-publisher', reducedSize: true },
    },
  });
  const audio = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PAYLOAD_TYPE, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: AUDIO.ssrc }],
      rtcp: { cname: 'bench-publisher', reducedSize: true },
    },
  });
  return {
    transport,
    video,
    audio,
    ip: transport.tuple.localIp,
    port: transport.tuple.localPort,
    videoPayloadType: VIDEO_PAYLOAD_TYPE,
    audioPayloadType: AUDIO_PAYLOAD_TYPE,
  };
}

/**
 * The router's capabilities without transport-wide congestion control and REMB. The bench's
 * receivers send no bandwidth feedback; with it negotiated, mediasoup would hold every
 * consumer at its initial 600 kbps estimate, below the top layer. A viewer on a good
 * connection gets the top layer either way, so this measures the same forwarding work.
 */
export function viewerCapabilities(router: ms.Router): ms.RtpCapabilities {
  const feedbackless = new Set(['transport-cc', 'goog-remb']);
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter((feedback) => !feedbackless.has(feedback.type)),
    })),
    headerExtensions: (router.rtpCapabilities.headerExtensions ?? []).filter(
      (extension) => !extension.uri.includes('transport-wide-cc') && !extension.uri.includes('abs-send-time'),
    ),
  };
}

export interface Viewer {
  transport: ms.PlainTransport;
  video: ms.Consumer;
  audio: ms.Consumer | undefined;
}

/**
 * One receive-only viewer: a PlainTransport sending to the receiver's socket, a consumer of
 * the top simulcast layer and, unless left out, one of the audio.
 */
export async function addViewer(
  router: ms.Router,
  publisher: Publisher,
  listenIp: ms.TransportListenIp,
  capabilities: ms.RtpCapabilities,
  port: number,
  withAudio: boolean,
): Promise<Viewer> {
  const transport = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port });
  const video = await transport.consume({ producerId: publisher.video.id, rtpCapabilities: capabilities });
  await video.setPreferredLayers({ spatialLayer: LAYERS.length - 1, temporalLayer: 0 });
  const audio = withAudio
    ? await transport.consume({ producerId: publisher.audio.id, rtpCapabilities: capabilities })
    : undefined;
  return { transport, video, audio };
}

/** Payload types consumers send with: the router's choice, not the publisher's. */
export function consumerPayloadTypes(capabilities: ms.RtpCapabilities): { video: number; audio: number } {
  const find = (mimeType: string): number =>
    capabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === mimeType)?.preferredPayloadType ?? -1;
  return { video: find('video/vp8'), audio: find('audio/opus') };
}
