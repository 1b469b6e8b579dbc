// One track recorded to one file: a PlainTransport on the town hall's main router sends the
// producer's RTP to an FFmpeg process on this machine, which copies it into Matroska without
// re-encoding. Matroska is written cluster by cluster, so a file cut short (FFmpeg or the whole
// node killed) still plays up to its last complete cluster. Nothing is sent until FFmpeg
// listens, so the first packet sent is the file's first, and where it belongs in time is
// known (first-packet.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import { untilUdpPortBound, watchMediaStart, type MediaStart } from './first-packet.js';
import type { MediaLogger } from './logger.js';

export interface TrackRecorderOptions {
  /** The router the producer lives on (the town hall's main router). */
  router: ms.Router;
  producer: ms.Producer;
  /** Where the track goes (a `.mkv` path); it must not exist yet. */
  file: string;
  /** The FFmpeg binary (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** `nice` increment for FFmpeg, so recording yields the CPU to the live service (default 10). */
  niceness?: number;
  logger: MediaLogger;
}

/** How often, and how many times, a keyframe is asked for until FFmpeg has written the track's header. */
const KEYFRAME_RETRY_MS = 500;
const KEYFRAME_TRIES = 20;
/** How long FFmpeg gets to finish its file after being asked to stop, before it is killed. */
const STOP_GRACE_MS = 5000;
/** Clusters of at most one second, so a kill loses at most about a second of the track. */
const CLUSTER_MS = 1000;
/** How long FFmpeg may take to listen before the RTP is sent anyway (its file then starts late, but it starts). */
const LISTEN_TIMEOUT_MS = 20_000;

export class TrackRecorder {
  readonly file: string;
  readonly producerId: string;
  readonly kind: ms.MediaKind;
  readonly #transport: ms.PlainTransport;
  readonly #consumer: ms.Consumer;
  readonly #ffmpeg: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #logger: MediaLogger;
  readonly #mediaStart: MediaStart;
  #keyframes: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;

  private constructor(parts: {
    file: string;
    producer: ms.Producer;
    transport: ms.PlainTransport;
    consumer: ms.Consumer;
    ffmpeg: ChildProcess;
    logger: MediaLogger;
    mediaStart: MediaStart;
  }) {
    this.file = parts.file;
    this.producerId = parts.producer.id;
    this.kind = parts.producer.kind;
    this.#transport = parts.transport;
    this.#consumer = parts.consumer;
    this.#ffmpeg = parts.ffmpeg;
    this.#logger = parts.logger;
    this.#mediaStart = parts.mediaStart;
    this.#exited = new Promise((resolve) => {
      if (parts.ffmpeg.exitCode !== null) resolve(parts.ffmpeg.exitCode);
      else parts.ffmpeg.once('exit', (code) => resolve(code));
    });
  }

  /** Starts FFmpeg and the RTP towards it, and asks the publisher for a keyframe. */
  static async start(options: TrackRecorderOptions): Promise<TrackRecorder> {
    const { router, producer, file, logger } = options;
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
    let ffmpeg: ChildProcess | undefined;
    try {
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
      const port = await freePortPair();
      const sdpFile = file.replace(/\.mkv$/, '') + '.sdp';
      await writeFile(sdpFile, sdpFor(consumer.rtpParameters, port), { flag: 'wx' });
      ffmpeg = spawn(
        'sh',
        ['-c', WATCHDOG, 'track-recorder', String(options.niceness ?? 10), options.ffmpegPath ?? 'ffmpeg', ...ffmpegArguments(sdpFile, file)],
        // Its own process group, so a stuck recorder can be killed with its FFmpeg.
        { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
      );
      const started = new Promise<void>((resolve, reject) => {
        ffmpeg!.once('spawn', resolve);
        ffmpeg!.once('error', reject);
      });
      await started;
      const mediaStart = await watchMediaStart(consumer);
      const recorder = new TrackRecorder({ file, producer, transport, consumer, ffmpeg, logger, mediaStart });
      recorder.#watch();
      // The track ends with its producer (a camera turned off) or with the router.
      consumer.once('producerclose', () => void recorder.stop());
      consumer.once('transportclose', () => void recorder.stop());
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      // Packets sent before FFmpeg listens are lost, and then its file would begin at some
      // later packet than the first one traced: wait for its socket.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, LISTEN_TIMEOUT_MS)));
      const listening = await untilUdpPortBound(port, Promise.race([recorder.#exited, timeout]));
      clearTimeout(timer);
      if (listening === false && ffmpeg.exitCode === null) logger.warn({ file: path.basename(file) }, 'track recorder: FFmpeg not seen listening; its file may start late');
      await consumer.resume();
      recorder.#askForKeyframes();
      return recorder;
    } catch (error) {
      try {
        if (ffmpeg?.pid !== undefined) process.kill(-ffmpeg.pid, 'SIGKILL');
      } catch {
        // It has exited already.
      }
      transport.close();
      throw error;
    }
  }

  /** The process id of the shell that runs FFmpeg (FFmpeg is its child). */
  get pid(): number | undefined {
    return this.#ffmpeg.pid;
  }

  /**
   * Where the file's first packet belongs on the wall clock (ms since the epoch), by the
   * publisher's clock (first-packet.ts): where the file goes on the recording's time line.
   * Known a few seconds into the track, or when it stops; null if it stopped before any packet.
   */
  get mediaStartedAt(): Promise<number | null> {
    return this.#mediaStart.at;
  }

  /** Resolves with FFmpeg's exit code once it has exited. */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /**
   * Stops the RTP and lets FFmpeg finish the file (its index and duration); kills it if it
   * does not within a few seconds. The file is playable either way.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#keyframes);
      this.#mediaStart.cancel();
      if (this.#ffmpeg.exitCode === null && this.#ffmpeg.signalCode === null) {
        // Closing the watchdog's stdin is what makes it stop FFmpeg (see WATCHDOG).
        this.#ffmpeg.stdin?.end();
        const timer = setTimeout(() => this.#killGroup(), STOP_GRACE_MS);
        await this.#exited;
        clearTimeout(timer);
      }
      this.#transport.close();
    })();
    return this.#stopping;
  }

  #killGroup(): void {
    try {
      if (this.#ffmpeg.pid !== undefined) process.kill(-this.#ffmpeg.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  #watch(): void {
    let errors = '';
    this.#ffmpeg.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      errors = (errors + chunk).slice(-2000);
    });
    this.#ffmpeg.once('exit', (code, signal) => {
      clearInterval(this.#keyframes);
      this.#mediaStart.cancel();
      if (this.#stopping === undefined) {
        // Only the codec side of FFmpeg's complaint: its text names files, never people.
        this.#logger.warn({ code, signal, detail: errors.trim().split('\n').at(-1) ?? '' }, 'track recorder exited early');
        this.#transport.close();
      }
    });
  }

  /**
   * FFmpeg writes nothing until it has seen a keyframe (it needs the picture size), and the
   * first request may reach the publisher before FFmpeg listens: ask again until the header is
   * on disk.
   */
  #askForKeyframes(): void {
    if (this.kind !== 'video') return;
    let tries = 0;
    const ask = async () => {
      tries += 1;
      const written = await stat(this.file).then((info) => info.size > 0, () => false);
      if (written || tries > KEYFRAME_TRIES || this.#consumer.closed) {
        clearInterval(this.#keyframes);
        return;
      }
      await this.#consumer.requestKeyFrame().catch(() => undefined);
    };
    void this.#consumer.requestKeyFrame().catch(() => undefined);
    this.#keyframes = setInterval(() => void ask(), KEYFRAME_RETRY_MS);
  }
}

/**
 * FFmpeg runs under a small shell that waits on its stdin, a pipe from this process. When the
 * pipe closes (a stop, or this process killed with SIGKILL) it sends FFmpeg SIGINT, which makes
 * FFmpeg write its index and duration; SIGINT is only seen between packets, so a second one a
 * second later interrupts a read waiting for RTP that no longer comes (the router is gone).
 * So no FFmpeg outlives the server, and every file is finished.
 */
const WATCHDOG = `
exec 3<&0
n=$1; bin=$2; shift 2
nice -n "$n" "$bin" "$@" </dev/null &
f=$!
{ while read -r _; do :; done; kill -INT $f 2>/dev/null; sleep 1; kill -INT $f 2>/dev/null; } <&3 &
w=$!
wait $f; code=$?
kill $w 2>/dev/null
exit $code
`;

function ffmpegArguments(sdpFile: string, file: string): string[] {
  return [
    '-hide_banner',
    '-loglevel', 'error',
    '-nostdin',
    '-protocol_whitelist', 'file,udp,rtp',
    '-fflags', '+genpts',
    '-f', 'sdp',
    '-i', sdpFile,
    '-map', '0',
    '-c', 'copy',
    '-f', 'matroska',
    '-cluster_time_limit', String(CLUSTER_MS),
    '-flush_packets', '1',
    '-n',
    file,
  ];
}

/** The SDP FFmpeg reads to receive one consumer's RTP on `port` (RTCP on `port + 1`). */
export function sdpFor(rtp: ms.RtpParameters, port: number): string {
  const codec = rtp.codecs[0];
  if (codec === undefined) throw new Error('the consumer has no codec');
  const [kind, name] = codec.mimeType.split('/') as [string, string];
  const rate = codec.channels && codec.channels > 1 ? `${codec.clockRate}/${codec.channels}` : `${codec.clockRate}`;
  const parameters = Object.entries(codec.parameters ?? {}).map(([key, value]) => `${key}=${String(value)}`);
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=Roundtable track',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${kind} ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${name}/${rate}`,
    ...(parameters.length > 0 ? [`a=fmtp:${codec.payloadType} ${parameters.join(';')}`] : []),
    'a=recvonly',
    '',
  ].join('\n');
}

/** An even UDP port whose next port is free too, for FFmpeg's RTP and RTCP. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const first = await bind(0);
    const port = first.address().port;
    const even = port % 2 === 0 ? port : port + 1;
    first.close();
    const pair = await Promise.all([bind(even), bind(even + 1)].map((p) => p.catch(() => null)));
    for (const socket of pair) socket?.close();
    if (pair.every((socket) => socket !== null)) return even;
  }
  throw new Error('no free UDP port pair for a track recorder');
}

function bind(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}
