import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import type { MediaKind } from '../shared/media.js';
import { MediaRequestError } from './events.js';
import type { PublisherData, TownHallProducer } from './town-hall-media.js';

/** One end of a pipe between two nodes' routers of a town hall: what the other end connects to. */
export interface PipeEnd {
  ip: string;
  port: number;
  srtpParameters: ms.SrtpParameters;
}

/** A producer as it crosses to another node: what the other end produces, under the same id. */
export interface PipedProducer {
  id: string;
  kind: MediaKind;
  rtpParameters: ms.RtpParameters;
  paused: boolean;
  publisher: PublisherData;
}

export type NodePipeEvents = {
  /**
   * A producer on either side of the pipe paused, resumed or closed here: the other end applies
   * the same change (`apply`). A producer sent is followed downstream (its publisher paused);
   * a producer received is followed back upstream (a host muted or sent back a speaker through
   * this node, so its origin must stop too).
   */
  changed: [{ producerId: string; change: ProducerChange }];
};

export type ProducerChange = 'paused' | 'resumed' | 'closed';

/** What a pipe needs of its town hall's media: its producers, and a way to add received ones. */
export interface PipeHost {
  producer(producerId: string): TownHallProducer | undefined;
  adopt(producer: TownHallProducer): void;
}

/**
 * A PipeTransport on the town hall's main router, connected to one on another node's router:
 * mediasoup's way to scale a router across machines (`pipeToRouter` does the same between two
 * routers of one process). The pipe moves RTP; which producer to send, and every pause and close,
 * travel between the nodes as messages, so both ends are told here what the other did.
 */
export class NodePipe {
  readonly events = new EventEmitter<NodePipeEvents>();
  readonly #transport: ms.PipeTransport;
  readonly #host: PipeHost;
  /** Producers sent through the pipe: the pipe consumer of each. */
  readonly #sent = new Map<string, ms.Consumer>();
  /** Producers received through the pipe (same ids as on the other node). */
  readonly #received = new Map<string, TownHallProducer>();
  readonly #sending = new Map<string, Promise<ms.Consumer>>();
  readonly #receiving = new Map<string, Promise<TownHallProducer>>();
  /** Changes being applied because the other end asked: not reported back to it. */
  readonly #applying = new Set<string>();

  constructor(transport: ms.PipeTransport, host: PipeHost) {
    this.#transport = transport;
    this.#host = host;
    transport.observer.once('close', () => this.events.removeAllListeners());
  }

  get id(): string {
    return this.#transport.id;
  }

  get closed(): boolean {
    return this.#transport.closed;
  }

  get local(): PipeEnd {
    const { localIp, localPort } = this.#transport.tuple;
    return { ip: localIp, port: localPort, srtpParameters: this.#transport.srtpParameters! };
  }

  /** Ids of the producers that came through this pipe and are still open. */
  get received(): string[] {
    return [...this.#received.keys()];
  }

  /** Whether a producer went out through this pipe (and is still sent). */
  sends(producerId: string): boolean {
    return this.#sent.has(producerId);
  }

  async connect(remote: PipeEnd): Promise<void> {
    await this.#transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtpParameters });
  }

  /** Starts sending one of the town hall's producers to the other end; what it must produce. Once per id. */
  async send(producerId: string): Promise<PipedProducer> {
    const producer = this.#host.producer(producerId);
    if (producer === undefined) throw new MediaRequestError('NOT_FOUND', 'No such producer.');
    let consumer = this.#sent.get(producerId);
    if (consumer === undefined) {
      let pending = this.#sending.get(producerId);
      if (pending === undefined) {
        pending = this.#consume(producerId).finally(() => this.#sending.delete(producerId));
        this.#sending.set(producerId, pending);
      }
      consumer = await pending;
    }
    return {
      id: producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
      publisher: producer.appData,
    };
  }

  async #consume(producerId: string): Promise<ms.Consumer> {
    const consumer = await this.#transport.consume({ producerId });
    this.#sent.set(producerId, consumer);
    consumer.observer.once('close', () => {
      this.#sent.delete(producerId);
      // The pipe closing takes its consumers with it: nothing to tell, the other end goes too.
      if (!this.#transport.closed) this.#report(producerId, 'closed');
    });
    consumer.observer.on('pause', () => this.#report(producerId, 'paused'));
    consumer.observer.on('resume', () => this.#report(producerId, 'resumed'));
    return consumer;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.#transport.observer.once('close', listener);
  }

  /** Produces what the other end sends, under the same id; the town hall adopts it. Once per id. */
  receive(piped: PipedProducer): Promise<TownHallProducer> {
    const known = this.#received.get(piped.id);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.#receiving.get(piped.id);
    if (pending === undefined) {
      pending = this.#produce(piped).finally(() => this.#receiving.delete(piped.id));
      this.#receiving.set(piped.id, pending);
    }
    return pending;
  }

  async #produce(piped: PipedProducer): Promise<TownHallProducer> {
    const producer: TownHallProducer = await this.#transport.produce<PublisherData>({
      id: piped.id,
      kind: piped.kind,
      rtpParameters: piped.rtpParameters,
      paused: piped.paused,
      appData: piped.publisher,
    });
    this.#received.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#received.delete(producer.id);
      if (!this.#transport.closed) this.#report(producer.id, 'closed');
    });
    producer.observer.on('pause', () => this.#report(producer.id, 'paused'));
    producer.observer.on('resume', () => this.#report(producer.id, 'resumed'));
    this.#host.adopt(producer);
    return producer;
  }

  /**
   * The other end reports a change to a producer this pipe carries: a received copy follows its
   * origin, and a sent producer follows what was done to its copy there.
   */
  async apply(producerId: string, change: ProducerChange): Promise<void> {
    const target = this.#received.get(producerId) ?? (this.#sent.has(producerId) ? this.#host.producer(producerId) : undefined);
    if (target === undefined || target.closed) return;
    this.#applying.add(producerId);
    try {
      if (change === 'closed') {
        // A sent producer's copy closed there: the producer here closes, and so does every copy.
        this.#sent.get(producerId)?.close();
        target.close();
      } else if (change === 'paused') await target.pause();
      else await target.resume();
    } finally {
      this.#applying.delete(producerId);
    }
  }

  close(): void {
    this.#transport.close();
  }

  #report(producerId: string, change: ProducerChange): void {
    if (this.#applying.has(producerId)) return;
    this.events.emit('changed', { producerId, change });
  }
}
