import type { types as ms } from 'mediasoup';
import type { Id } from '../shared/ids.js';
import type { MediaKind, MediaSource, TransportDirection } from '../shared/media.js';
import { Audience } from './audience.js';
import { pipeListenIp, transportListenIp, type MediaConfig } from './config.js';
import { MediaRequestError, type MediaEvents, type RouterCloseReason } from './events.js';
import type { MediaLogger } from './logger.js';
import { NodePipe } from './node-pipe.js';
import { TrackRecorder, type TrackRecorderOptions } from './track-recorder.js';
import type { TownHallRouter } from './router-registry.js';
import type { WorkerPool } from './worker-pool.js';

/** Who published a producer; it travels in the producer's appData. */
export type Publisher = { userId: Id; displayName: string; staff: boolean; source: MediaSource };
export type PublisherData = Publisher & { peerId: string };

export type TownHallProducer = ms.Producer<PublisherData>;
export type TownHallConsumer = ms.Consumer<{ peerId: string }>;

interface TransportEntry {
  transport: ms.WebRtcTransport;
  peerId: string;
  direction: TransportDirection;
  router: TownHallRouter;
  connected: boolean;
  consumers: Set<string>;
}

export interface RouterLoad {
  routerId: string;
  workerPid: number;
  /** The router producers live on; the others receive them through pipeToRouter. */
  main: boolean;
  transports: number;
  consumers: number;
}

export interface TownHallMediaStats {
  routers: RouterLoad[];
  transports: number;
  producers: number;
  consumers: number;
}

export interface TownHallMediaOptions {
  townHallId: Id;
  router: TownHallRouter;
  pool: WorkerPool;
  config: MediaConfig;
  events: MediaEvents;
  logger: MediaLogger;
}

const notFound = (what: string) => new MediaRequestError('NOT_FOUND', `No such ${what}.`);

/**
 * One town hall's media: its main router (where every producer lives), the routers on other
 * workers its audience spills over to, and who (which peer: one connection) owns each
 * transport. Every look-up is by peer, so an id that belongs to someone else, or to another
 * town hall, is simply not found.
 */
export class TownHallMedia {
  readonly townHallId: Id;
  readonly #main: TownHallRouter;
  readonly #options: TownHallMediaOptions;
  readonly #audience: Audience;
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, TownHallProducer>();
  /** Producers published on another node and received through a NodePipe. */
  readonly #piped = new Set<string>();
  readonly #consumers = new Map<string, { consumer: TownHallConsumer; entry: TransportEntry }>();
  #speaker: string | null = null;
  #audioLevels: ms.AudioLevelObserver | undefined;
  #closeReason: RouterCloseReason | undefined;

  private constructor(options: TownHallMediaOptions) {
    this.#options = options;
    this.townHallId = options.townHallId;
    this.#main = options.router;
    this.#audience = new Audience({
      townHallId: options.townHallId,
      main: options.router,
      pool: options.pool,
      logger: options.logger,
      consumersPerRouter: options.config.consumersPerRouter,
      load: (router) => this.#receiving(router),
      producers: () => [...this.#producers.values()],
      added: (router) => this.#watchRouter(router),
      requireOpen: () => this.#requireOpen(),
    });
  }

  static async create(options: TownHallMediaOptions): Promise<TownHallMedia> {
    const media = new TownHallMedia(options);
    media.#watchRouter(options.router);
    const levels = await options.router.createAudioLevelObserver({ maxEntries: 1, threshold: -60, interval: 800 });
    media.#audioLevels = levels;
    levels.on('volumes', (volumes) => media.#setSpeaker(volumes[0]?.producer.id ?? null));
    levels.on('silence', () => media.#setSpeaker(null));
    return media;
  }

  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#main.rtpCapabilities;
  }

  /** Every router of this town hall, the main one first (for tests and diagnostics). */
  get routers(): TownHallRouter[] {
    return [this.#main, ...this.#audience.spill];
  }

  async createTransport(peerId: string, direction: TransportDirection): Promise<ms.WebRtcTransport> {
    this.#requireOpen();
    const seat = direction === 'send' ? { router: this.#main, release: () => undefined } : await this.#audience.reserve();
    const { router } = seat;
    let transport: ms.WebRtcTransport;
    try {
      transport = await router.createWebRtcTransport({
        listenIps: [transportListenIp(this.#options.config)],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: 1_000_000,
        appData: { peerId, direction },
      });
    } finally {
      seat.release();
    }
    if (this.closed) {
      transport.close();
      this.#requireOpen();
    }
    const entry: TransportEntry = { transport, peerId, direction, router, connected: false, consumers: new Set() };
    this.#transports.set(transport.id, entry);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    return transport;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const entry = this.#transportOf(peerId, transportId);
    if (entry.connected) throw new MediaRequestError('CONFLICT', 'This transport is already connected.');
    await this.#refusedAsInvalid(() => entry.transport.connect({ dtlsParameters }), 'DTLS parameters');
    entry.connected = true;
  }

  async produce(
    peerId: string,
    transportId: string,
    input: { kind: MediaKind; rtpParameters: ms.RtpParameters; publisher: Publisher },
  ): Promise<TownHallProducer> {
    const entry = this.#transportOf(peerId, transportId);
    if (entry.direction !== 'send') throw new MediaRequestError('INVALID_PAYLOAD', 'Publish on a send transport.');
    if (!entry.connected) throw new MediaRequestError('CONFLICT', 'Connect the transport before publishing.');
    const producer: TownHallProducer = await this.#refusedAsInvalid(
      () =>
        entry.transport.produce<PublisherData>({
          kind: input.kind,
          rtpParameters: input.rtpParameters,
          appData: { ...input.publisher, peerId },
        }),
      'RTP parameters',
    );
    if (entry.transport.closed) {
      producer.close();
      throw notFound('transport');
    }
    await this.#keep(producer);
    return producer;
  }

  /**
   * A pipe to the same town hall's router on another node, made on the main router (where
   * producers live). Closes with the media.
   */
  async openNodePipe(): Promise<NodePipe> {
    this.#requireOpen();
    const transport = await this.#main.createPipeTransport({
      listenIp: pipeListenIp(this.#options.config),
      enableRtx: true,
      enableSrtp: true,
    });
    if (this.closed) {
      transport.close();
      this.#requireOpen();
    }
    return new NodePipe(transport, {
      producer: (producerId) => this.#producers.get(producerId),
      adopt: (producer) => {
        this.#piped.add(producer.id);
        void this.#keep(producer);
      },
    });
  }

  /** Whether a producer came from another node (its close is announced there, not here). */
  isPiped(producerId: string): boolean {
    return this.#piped.has(producerId);
  }

  /** Tracks a producer of this town hall, published here or received from another node. */
  async #keep(producer: TownHallProducer): Promise<void> {
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      const piped = this.#piped.delete(producer.id);
      this.#audience.forget(producer.id);
      if (this.#speaker === producer.id) this.#setSpeaker(null);
      if (!this.closed && !piped) {
        this.#options.events.emit('producerclose', { townHallId: this.townHallId, producerId: producer.id, peerId: producer.appData.peerId });
      }
    });
    if (producer.kind === 'audio') {
      await this.#audioLevels?.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    await this.#audience.pipeEverywhere(producer);
    if (!producer.closed && !this.closed) {
      this.#options.events.emit('producernew', { townHallId: this.townHallId, producerId: producer.id, piped: this.#piped.has(producer.id) });
    }
  }

  /**
   * A producer fed with plain RTP from this machine or its private network (an encoder, a
   * gateway, the tests' FFmpeg) rather than a browser: a comedia PlainTransport on the main
   * router, RTCP on its own port. It closes with its producer.
   */
  async ingestRtp(
    peerId: string,
    input: { kind: MediaKind; rtpParameters: ms.RtpParameters; publisher: Publisher },
  ): Promise<{ producer: TownHallProducer; rtpPort: number; rtcpPort: number }> {
    this.#requireOpen();
    const transport = await this.#main.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    try {
      const producer: TownHallProducer = await transport.produce<PublisherData>({
        kind: input.kind,
        rtpParameters: input.rtpParameters,
        appData: { ...input.publisher, peerId },
      });
      producer.observer.once('close', () => transport.close());
      await this.#keep(producer);
      return { producer, rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /**
   * Records one producer to `file` (Matroska, no re-encoding) through a PlainTransport on the
   * main router, where every producer of the town hall lives. Stop it with `stop()`; it also
   * ends by itself when the producer or the media closes (the file stays playable).
   */
  async recordTrack(producerId: string, file: string, options: Pick<TrackRecorderOptions, 'ffmpegPath' | 'niceness'> = {}): Promise<TrackRecorder> {
    this.#requireOpen();
    const producer = this.#producers.get(producerId);
    if (producer === undefined) throw notFound('producer');
    return TrackRecorder.start({ ...options, router: this.#main, producer, file, logger: this.#options.logger });
  }

  async consume(
    peerId: string,
    transportId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
  ): Promise<TownHallConsumer> {
    const entry = this.#transportOf(peerId, transportId);
    if (entry.direction !== 'recv') throw new MediaRequestError('INVALID_PAYLOAD', 'Receive on a receive transport.');
    const producer = this.#producers.get(producerId);
    if (producer === undefined) throw notFound('producer');
    await this.#audience.pipe(producer, entry.router);
    if (!this.#canConsume(entry.router, producerId, rtpCapabilities)) {
      throw new MediaRequestError('INVALID_PAYLOAD', 'These RTP capabilities cannot receive this producer.');
    }
    const consumer: TownHallConsumer = await this.#refusedAsInvalid(
      () => entry.transport.consume<{ peerId: string }>({ producerId, rtpCapabilities, paused: true, appData: { peerId } }),
      'RTP capabilities',
    );
    // The transport closed while mediasoup was making this: keep nothing of it.
    if (entry.transport.closed) {
      consumer.close();
      throw notFound('transport');
    }
    this.#consumers.set(consumer.id, { consumer, entry });
    entry.consumers.add(consumer.id);
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id);
      entry.consumers.delete(consumer.id);
    });
    consumer.once('producerclose', () => {
      if (!this.closed) this.#options.events.emit('consumerclose', { townHallId: this.townHallId, consumerId: consumer.id, peerId });
    });
    return consumer;
  }

  /** Which way this peer's transport goes, or NOT_FOUND when it is not this peer's. */
  transportDirection(peerId: string, transportId: string): TransportDirection {
    return this.#transportOf(peerId, transportId).direction;
  }

  /** A producer of this town hall, whoever published it. */
  producer(producerId: string): TownHallProducer | undefined {
    return this.#producers.get(producerId);
  }

  /** A producer this peer published on this node, or NOT_FOUND. */
  ownProducer(peerId: string, producerId: string): TownHallProducer {
    const producer = this.#producers.get(producerId);
    if (producer === undefined || this.#piped.has(producerId) || producer.appData.peerId !== peerId) throw notFound('producer');
    return producer;
  }

  /** A consumer of this peer, or NOT_FOUND. */
  ownConsumer(peerId: string, consumerId: string): TownHallConsumer {
    const found = this.#consumers.get(consumerId);
    if (found === undefined || found.entry.peerId !== peerId) throw notFound('consumer');
    return found.consumer;
  }

  transportsOf(peerId: string, direction: TransportDirection): number {
    return [...this.#transports.values()].filter((entry) => entry.peerId === peerId && entry.direction === direction).length;
  }

  consumersOf(peerId: string): number {
    return [...this.#consumers.values()].filter(({ entry }) => entry.peerId === peerId).length;
  }

  producers(): TownHallProducer[] {
    return [...this.#producers.values()];
  }

  /** Closes every transport of this peer, and with them its producers and consumers. */
  closePeer(peerId: string): number {
    let closed = 0;
    for (const entry of [...this.#transports.values()]) {
      if (entry.peerId !== peerId) continue;
      entry.transport.close();
      closed += 1;
    }
    return closed;
  }

  stats(): TownHallMediaStats {
    const routers = this.routers.map((router): RouterLoad => {
      const entries = [...this.#transports.values()].filter((entry) => entry.router === router);
      return {
        routerId: router.id,
        workerPid: router.appData.workerPid,
        main: router === this.#main,
        transports: entries.length,
        consumers: entries.reduce((sum, entry) => sum + entry.consumers.size, 0),
      };
    });
    return { routers, transports: this.#transports.size, producers: this.#producers.size, consumers: this.#consumers.size };
  }

  /** Closes every router of the town hall (and so every transport, producer and consumer). */
  close(reason: RouterCloseReason = 'closed'): void {
    if (this.closed) return;
    this.#closeReason = reason;
    this.#audience.close();
    this.#main.close();
    this.#options.logger.info({ townHallId: this.townHallId, reason }, 'town hall media closed');
    this.#options.events.emit('mediaclose', { townHallId: this.townHallId, reason });
  }

  #requireOpen(): void {
    if (this.closed) throw new MediaRequestError('CONFLICT', 'The media of this town hall has closed; join again.');
  }

  #transportOf(peerId: string, transportId: string): TransportEntry {
    this.#requireOpen();
    const entry = this.#transports.get(transportId);
    if (entry === undefined || entry.peerId !== peerId) throw notFound('transport');
    return entry;
  }

  /**
   * mediasoup validates parameters in depth and throws plain errors: those become
   * INVALID_PAYLOAD, unless the town hall's media closed meanwhile.
   */
  async #refusedAsInvalid<T>(run: () => Promise<T>, what: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.#requireOpen();
      if (error instanceof MediaRequestError) throw error;
      this.#options.logger.warn({ townHallId: this.townHallId, err: (error as Error).message }, `refused ${what}`);
      throw new MediaRequestError('INVALID_PAYLOAD', `The ${what} were refused.`);
    }
  }

  #canConsume(router: TownHallRouter, producerId: string, rtpCapabilities: ms.RtpCapabilities): boolean {
    try {
      return router.canConsume({ producerId, rtpCapabilities });
    } catch {
      return false;
    }
  }

  /** Consumers a router carries: at least one per receive transport, since each will consume. */
  #receiving(router: TownHallRouter): number {
    let load = 0;
    for (const entry of this.#transports.values()) {
      if (entry.router === router && entry.direction === 'recv') load += Math.max(1, entry.consumers.size);
    }
    return load;
  }

  /** Losing any router of the town hall (with its worker) closes all of it: clients join again. */
  #watchRouter(router: TownHallRouter): void {
    let workerDied = false;
    router.once('workerclose', () => (workerDied = true));
    router.observer.once('close', () => {
      if (!this.closed) this.close(workerDied ? 'workerdied' : 'closed');
    });
  }

  #setSpeaker(producerId: string | null): void {
    if (producerId === this.#speaker || this.closed) return;
    this.#speaker = producerId;
    this.#options.events.emit('activespeaker', { townHallId: this.townHallId, producerId });
  }
}
