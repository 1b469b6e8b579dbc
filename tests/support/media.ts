// Media for tests: the cached mediasoup worker, a media service, and the parameters a browser
// would send, written by hand so tests can publish and receive without one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { MediaConfigInput, MediaService } from '../../media/index.js';
import type { Result } from '../../shared/errors.js';
import type { ConsumerOptions, MediaJoined, MediaSource, TransportDirection } from '../../shared/media.js';
import type { ClientSocket } from './server.js';

/**
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when it is first imported, so the variable is set
 * (from the cache that scripts/build-mediasoup-worker.sh fills) before any dynamic import of it.
 */
export function useCachedWorker(): void {
  const require = createRequire(import.meta.url);
  const { version } = require('mediasoup/package.json') as { version: string };
  const cacheRoot =
    process.env.ROUNDTABLE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'roundtable');
  process.env.MEDIASOUP_WORKER_BIN ??= path.join(cacheRoot, `mediasoup-worker-${version}`, 'mediasoup-worker');
  if (!existsSync(process.env.MEDIASOUP_WORKER_BIN)) {
    throw new Error(
      `mediasoup worker binary not found at ${process.env.MEDIASOUP_WORKER_BIN}: run \`bash scripts/build-mediasoup-worker.sh\``,
    );
  }
}

export async function startMediaService(input: MediaConfigInput = {}): Promise<MediaService> {
  useCachedWorker();
  const { createMediaService } = await import('../../media/index.js');
  return createMediaService({ numWorkers: 1, logLevel: 'none', rtcMinPort: 40000, rtcMaxPort: 49999, ...input });
}

let ssrc = 11_110_000;

/** What a browser's microphone producer sends: opus with a fixed SSRC. */
export function opusParameters(): Record<string, unknown> {
  ssrc += 10;
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1 },
        rtcpFeedback: [{ type: 'transport-cc' }],
      },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 10 },
    ],
    encodings: [{ ssrc }],
    rtcp: { cname: 'test-cname', reducedSize: true },
  };
}

/** What a browser's camera producer sends: VP8 in three simulcast encodings. */
export function vp8SimulcastParameters(): Record<string, unknown> {
  ssrc += 10;
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
      },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
    ],
    encodings: [
      { ssrc: ssrc + 1, rtx: { ssrc: ssrc + 2 }, scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { ssrc: ssrc + 3, rtx: { ssrc: ssrc + 4 }, scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { ssrc: ssrc + 5, rtx: { ssrc: ssrc + 6 }, scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
    ],
    rtcp: { cname: 'test-cname', reducedSize: true },
  };
}

/** What a browser offers to receive (mediasoup-client's Device.rtpCapabilities, trimmed). */
export const RECEIVER_CAPABILITIES = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, rtcpFeedback: [{ type: 'transport-cc' }] },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 101,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
    },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 2 },
  ],
};

/** A client's DTLS parameters (the fingerprint need not match anything until media flows). */
export const CLIENT_DTLS = {
  role: 'client',
  fingerprints: [
    {
      algorithm: 'sha-256',
      value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:C2:E4:4B:C8:9A:0A:A0:4A:DC:0F:6B:C8:9C:2C:40:D5',
    },
  ],
};

/** The data of a successful result, or a thrown error naming the failure. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

/** The signalling steps a browser takes, over a real socket; each throws with the error code if refused. */
export function mediaClient(socket: ClientSocket, townHallId: string) {
  const ask = (event: string, payload: unknown): Promise<Result<unknown>> =>
    (socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<unknown>> }).emitWithAck(event, payload);
  return {
    join: async () => unwrap(await ask('media:join', { townHallId })) as MediaJoined,
    transport: async (direction: TransportDirection, connect = true) => {
      const options = unwrap(await ask('media:create-transport', { townHallId, direction })) as { id: string };
      if (connect) unwrap(await ask('media:connect-transport', { townHallId, transportId: options.id, dtlsParameters: CLIENT_DTLS }));
      return options.id;
    },
    produce: async (transportId: string, source: MediaSource) =>
      (
        unwrap(
          await ask('media:produce', {
            townHallId,
            transportId,
            source,
            kind: source === 'microphone' ? 'audio' : 'video',
            rtpParameters: source === 'microphone' ? opusParameters() : vp8SimulcastParameters(),
          }),
        ) as { producerId: string }
      ).producerId,
    consume: async (transportId: string, producerId: string) =>
      unwrap(await ask('media:consume', { townHallId, transportId, producerId, rtpCapabilities: RECEIVER_CAPABILITIES })) as ConsumerOptions,
  };
}
