// A publisher without a browser: FFmpeg encodes a test pattern (VP8, a keyframe every second
// unless told otherwise) and a tone (opus), or a lavfi graph of the test's own, and sends them
// as RTP to producers fed by plain RTP, the way a camera and a microphone would reach the
// router through WebRTC. RTCP goes to its own port: FFmpeg sends it
// from another local port than RTP, and a muxed comedia transport would lock onto whichever
// came first.
import { spawn, type ChildProcess } from 'node:child_process';
import type { types as ms } from 'mediasoup';

/** Makes a producer fed by plain RTP and says where to send it (RTP and RTCP ports on 127.0.0.1). */
export type PlainProducerMaker = (
  kind: ms.MediaKind,
  rtpParameters: ms.RtpParameters,
) => Promise<{ producer: ms.Producer; rtpPort: number; rtcpPort: number }>;

/** Producers straight on a router (without a town hall's bookkeeping). */
export function onRouter(router: ms.Router): PlainProducerMaker {
  return async (kind, rtpParameters) => {
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    const producer = await transport.produce({ kind, rtpParameters });
    producer.observer.once('close', () => transport.close());
    return { producer, rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple!.localPort };
  };
}

export interface RtpSource {
  video: ms.Producer | null;
  audio: ms.Producer | null;
  ffmpeg: ChildProcess;
  /** Stops FFmpeg and closes the producers. */
  close(): Promise<void>;
}

let nextSsrc = 22_220_000;

export interface RtpSourceOptions {
  video?: boolean;
  audio?: boolean;
  /**
   * Seconds between the video's keyframes, exactly (1 by default). FFmpeg does not answer a
   * request for one, so a recording of it waits for the next.
   */
  keyframeSeconds?: number;
  /**
   * One lavfi graph with a 20 fps video output `[out0]` and an audio output `[out1]`, read as a
   * single input so both are paced by one clock (the test pattern and the tone otherwise).
   */
  lavfi?: string;
  /** Told the producers before FFmpeg starts, so nothing they receive is missed. */
  beforeStart?: (producers: { video: ms.Producer | null; audio: ms.Producer | null }) => Promise<void>;
}

export async function startRtpSource(make: PlainProducerMaker, options: RtpSourceOptions = {}): Promise<RtpSource> {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let video: ms.Producer | null = null;
  let audio: ms.Producer | null = null;
  let index = 0;

  if (options.video ?? true) {
    const ssrc = (nextSsrc += 10);
    const made = await make('video', {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
      encodings: [{ ssrc }],
    });
    video = made.producer;
    const gop = String(Math.round(20 * (options.keyframeSeconds ?? 1)));
    if (options.lavfi === undefined) inputs.push('-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=20');
    outputs.push(
      '-map', options.lavfi === undefined ? `${index++}:v` : '0:v',
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', gop, '-keyint_min', gop,
      '-ssrc', String(ssrc), '-payload_type', '101',
      '-f', 'rtp', `rtp://127.0.0.1:${made.rtpPort}?rtcpport=${made.rtcpPort}&pkt_size=1200`,
    );
  }
  if (options.audio ?? true) {
    const ssrc = (nextSsrc += 10);
    const made = await make('audio', {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc }],
    });
    audio = made.producer;
    if (options.lavfi === undefined) inputs.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
    outputs.push(
      '-map', options.lavfi === undefined ? `${index++}:a` : '0:a',
      '-c:a', 'libopus', '-ac', '2', '-b:a', '48k',
      '-ssrc', String(ssrc), '-payload_type', '100',
      '-f', 'rtp', `rtp://127.0.0.1:${made.rtpPort}?rtcpport=${made.rtcpPort}`,
    );
  }

  if (options.lavfi !== undefined) inputs.push('-re', '-f', 'lavfi', '-i', options.lavfi);
  await options.beforeStart?.({ video, audio });
  const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...inputs, ...outputs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    ffmpeg.once('spawn', resolve);
    ffmpeg.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()));
  return {
    video,
    audio,
    ffmpeg,
    async close() {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
        ffmpeg.kill('SIGKILL');
        await exited;
      }
      video?.close();
      audio?.close();
    },
  };
}

/** Producers of a town hall, as a publisher's would be (its bookkeeping, the recording's events). */
export function inTownHall(
  media: { ingestRtp(peerId: string, input: { kind: ms.MediaKind; rtpParameters: ms.RtpParameters; publisher: never }): Promise<{ producer: ms.Producer; rtpPort: number; rtcpPort: number }> },
  peerId: string,
  publisher: { userId: string; displayName: string; staff: boolean },
): PlainProducerMaker {
  return (kind, rtpParameters) =>
    media.ingestRtp(peerId, { kind, rtpParameters, publisher: { ...publisher, source: kind === 'video' ? 'camera' : 'microphone' } as never });
}
