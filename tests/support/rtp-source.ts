// A publisher without a browser: FFmpeg encodes a test pattern (VP8) and a tone (opus) and
// sends them as RTP to PlainTransport producers on a mediasoup router, the way a camera and a
// microphone would reach it through WebRTC. RTCP goes to its own port: FFmpeg sends it from
// another local port than RTP, and a muxed comedia transport would lock onto whichever came first.
import { spawn, type ChildProcess } from 'node:child_process';
import type { types as ms } from 'mediasoup';

export interface RtpSource {
  video: ms.Producer | null;
  audio: ms.Producer | null;
  ffmpeg: ChildProcess;
  /** Stops FFmpeg and closes the producers' transports (the producers close with them). */
  close(): Promise<void>;
}

let nextSsrc = 22_220_000;

/** Publishes a test pattern and/or a tone; `appData` travels on each producer. */
export async function startRtpSource(
  router: ms.Router,
  options: { video?: boolean; audio?: boolean; appData?: (kind: ms.MediaKind) => Record<string, unknown> } = {},
): Promise<RtpSource> {
  const wantVideo = options.video ?? true;
  const wantAudio = options.audio ?? true;
  const transports: ms.PlainTransport[] = [];
  const outputs: string[] = [];
  const inputs: string[] = [];
  let video: ms.Producer | null = null;
  let audio: ms.Producer | null = null;

  if (wantVideo) {
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    transports.push(transport);
    const ssrc = (nextSsrc += 10);
    video = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
        encodings: [{ ssrc }],
      },
      appData: options.appData?.('video') ?? {},
    });
    inputs.push('-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=20');
    outputs.push(
      '-map', `${inputs.filter((a) => a === '-i').length - 1}:v`,
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '20',
      '-ssrc', String(ssrc), '-payload_type', '101',
      '-f', 'rtp', `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`,
    );
  }
  if (wantAudio) {
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    transports.push(transport);
    const ssrc = (nextSsrc += 10);
    audio = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc }],
      },
      appData: options.appData?.('audio') ?? {},
    });
    inputs.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
    outputs.push(
      '-map', `${inputs.filter((a) => a === '-i').length - 1}:a`,
      '-c:a', 'libopus', '-ac', '2', '-b:a', '48k',
      '-ssrc', String(ssrc), '-payload_type', '100',
      '-f', 'rtp', `rtp://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}`,
    );
  }

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
      for (const transport of transports) transport.close();
    },
  };
}
