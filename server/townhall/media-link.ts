// One pipe between this node's router of a town hall and another node's, with the messages that
// go with it: which producers cross, and every pause and close on either side.
import type { NodePipe, PipedProducer, ProducerChange } from '../../media/index.js';
import type { Mailbox } from '../core/coordination.js';
import type { Logger } from '../core/log.js';

/** The topics nodes send each other about links (server/townhall/media-nodes.ts answers them). */
export const TOPIC = {
  /** An edge asks the home for a link: its pipe's end in, the home's end and producers out. */
  link: 'media:link',
  /** A producer crosses the link: the receiving side produces it (the home passes it on). */
  produced: 'media:produced',
  /** A producer that crossed paused, resumed or closed on the sending side. */
  change: 'media:change',
  /** An edge tells the home it is still there; the home answers whether it knows the link. */
  ping: 'media:ping',
  /** One side closed its media: the other closes the link (and maybe its media). */
  unlink: 'media:unlink',
} as const;

export interface ProducedBody {
  linkId: string;
  producer: PipedProducer;
}
export interface ChangeBody {
  linkId: string;
  producerId: string;
  change: ProducerChange;
}
export interface UnlinkBody {
  linkId: string;
  /** 'ended': the town hall ended, close everything; otherwise only this link's side is gone. */
  reason: 'ended' | 'gone';
}

/**
 * A link as each side keeps it. Messages about one link are sent one after another and handled
 * one after another, so a producer always arrives before its pause or close.
 */
export class MediaLink {
  readonly id: string;
  readonly townHallId: string;
  /** The node at the other end. */
  readonly peer: string;
  readonly pipe: NodePipe;
  /** When the other side was last heard from (a ping, an answer). */
  heardAt = Date.now();
  readonly #mailbox: Mailbox;
  readonly #log: Logger;
  #outbox: Promise<unknown> = Promise.resolve();
  #inbox: Promise<unknown> = Promise.resolve();

  constructor(options: { id: string; townHallId: string; peer: string; pipe: NodePipe; mailbox: Mailbox; log: Logger }) {
    this.id = options.id;
    this.townHallId = options.townHallId;
    this.peer = options.peer;
    this.pipe = options.pipe;
    this.#mailbox = options.mailbox;
    this.#log = options.log;
    // What changes here reaches the other end, after what was sent before it.
    this.pipe.events.on('changed', ({ producerId, change }) => {
      const body: ChangeBody = { linkId: this.id, producerId, change };
      this.#send(TOPIC.change, body).catch((err: unknown) => this.#warn(err, 'a producer change did not reach the other node'));
    });
  }

  get closed(): boolean {
    return this.pipe.closed;
  }

  /** Sends one of this node's producers through the pipe and waits until the other side has it. */
  sendProducer(producerId: string): Promise<void> {
    return this.#queue(async () => {
      const body: ProducedBody = { linkId: this.id, producer: await this.pipe.send(producerId) };
      await this.#mailbox.request(this.peer, TOPIC.produced, body);
      this.heardAt = Date.now();
    });
  }

  /** Runs what the other side asked, after what it asked before. */
  handle<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#inbox.then(run, run);
    this.#inbox = next.catch(() => undefined);
    return next;
  }

  /** Tells the other side this link is gone; it does not wait for an answer that may never come. */
  unlink(reason: UnlinkBody['reason']): void {
    const body: UnlinkBody = { linkId: this.id, reason };
    void this.#mailbox.request(this.peer, TOPIC.unlink, body, 2000).catch(() => undefined);
  }

  close(): void {
    this.pipe.close();
  }

  #send(topic: string, body: unknown): Promise<void> {
    return this.#queue(async () => {
      if (this.closed) return;
      await this.#mailbox.request(this.peer, topic, body);
      this.heardAt = Date.now();
    });
  }

  #queue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#outbox.then(run, run);
    this.#outbox = next.catch(() => undefined);
    return next;
  }

  #warn(err: unknown, message: string): void {
    this.#log.warn({ err: err instanceof Error ? err.message : String(err), townHall: this.townHallId, link: this.id }, message);
  }
}
