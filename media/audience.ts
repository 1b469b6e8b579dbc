import type { types as ms } from 'mediasoup';
import type { Id } from '../shared/ids.js';
import { ROUTER_MEDIA_CODECS } from './config.js';
import { MediaRequestError } from './events.js';
import type { MediaLogger } from './logger.js';
import type { TownHallRouter } from './router-registry.js';
import type { WorkerPool } from './worker-pool.js';

export interface AudienceOptions {
  townHallId: Id;
  /** The router every producer lives on. */
  main: TownHallRouter;
  pool: WorkerPool;
  logger: MediaLogger;
  consumersPerRouter: number;
  /** Consumers a router carries now: at least one per receive transport, since each will consume. */
  load(router: TownHallRouter): number;
  /** The town hall's producers, piped into every router added. */
  producers(): ms.Producer[];
  /** Called for every router added, so the town hall can watch it. */
  added(router: TownHallRouter): void;
  /** Throws when the town hall's media has closed. */
  requireOpen(): void;
}

/**
 * Where a town hall's viewers are received. Viewers fill the main router up to
 * `consumersPerRouter`; then a router on a worker this town hall does not use yet takes the
 * next ones, and every producer is piped into it (producers made later too). With no such
 * worker left, the least loaded router takes them.
 */
export class Audience {
  readonly #options: AudienceOptions;
  readonly #spill: TownHallRouter[] = [];
  /** Receive transports being made, counted against their router so a burst spreads out. */
  readonly #pending = new Map<TownHallRouter, number>();
  /** Per spill-over router, the producers piped (or being piped) into it. */
  readonly #piped = new Map<TownHallRouter, Map<string, Promise<void>>>();
  #growing: Promise<TownHallRouter> | undefined;

  constructor(options: AudienceOptions) {
    this.#options = options;
  }

  /** The routers other than the main one. */
  get spill(): readonly TownHallRouter[] {
    return this.#spill;
  }

  /**
   * A router for a new receive transport, counted as taken until `release`. Choosing and
   * counting happen in one synchronous step, so a burst of viewers spreads out.
   */
  async reserve(): Promise<{ router: TownHallRouter; release(): void }> {
    for (;;) {
      const routers = [this.#options.main, ...this.#spill];
      const open = routers.find((router) => this.#loadOf(router) < this.#options.consumersPerRouter);
      if (open !== undefined) return this.#take(open);
      const used = new Set(routers.map((router) => router.appData.workerPid));
      if (!this.#options.pool.hasWorkerOutside(used)) {
        return this.#take(routers.reduce((a, b) => (this.#loadOf(b) < this.#loadOf(a) ? b : a)));
      }
      this.#growing ??= this.#grow(used).finally(() => (this.#growing = undefined));
      await this.#growing;
    }
  }

  /** Makes the producer consumable on this router: piped once; concurrent callers share the promise. */
  pipe(producer: ms.Producer, router: TownHallRouter): Promise<void> {
    const { main } = this.#options;
    if (router === main) return Promise.resolve();
    let piped = this.#piped.get(router);
    if (piped === undefined) this.#piped.set(router, (piped = new Map()));
    let pending = piped.get(producer.id);
    if (pending === undefined) {
      const map = piped;
      pending = main.pipeToRouter({ producerId: producer.id, router }).then(
        () => undefined,
        (error: unknown) => {
          map.delete(producer.id);
          this.#options.requireOpen();
          if (producer.closed) throw new MediaRequestError('NOT_FOUND', 'No such producer.');
          throw error;
        },
      );
      piped.set(producer.id, pending);
    }
    return pending;
  }

  /** Pipes a new producer into every spill-over router, so their viewers see it as soon as the main router's do. */
  async pipeEverywhere(producer: ms.Producer): Promise<void> {
    await Promise.allSettled(this.#spill.map((router) => this.pipe(producer, router)));
  }

  /** A producer closed: mediasoup closes its piped copies; forget them. */
  forget(producerId: string): void {
    for (const piped of this.#piped.values()) piped.delete(producerId);
  }

  close(): void {
    for (const router of this.#spill) router.close();
  }

  #loadOf(router: TownHallRouter): number {
    return this.#options.load(router) + (this.#pending.get(router) ?? 0);
  }

  #take(router: TownHallRouter): { router: TownHallRouter; release(): void } {
    this.#pending.set(router, (this.#pending.get(router) ?? 0) + 1);
    let released = false;
    return {
      router,
      release: () => {
        if (released) return;
        released = true;
        this.#pending.set(router, (this.#pending.get(router) ?? 1) - 1);
      },
    };
  }

  async #grow(avoidPids: ReadonlySet<number>): Promise<TownHallRouter> {
    const { townHallId, pool, logger } = this.#options;
    const router: TownHallRouter = await pool.createRouter(ROUTER_MEDIA_CODECS, { townHallId }, avoidPids);
    try {
      this.#options.requireOpen();
    } catch (error) {
      router.close();
      throw error;
    }
    this.#options.added(router);
    this.#spill.push(router);
    logger.info({ townHallId, routerId: router.id, workerPid: router.appData.workerPid }, 'town hall audience spilled over to another worker');
    await Promise.all(this.#options.producers().map((producer) => this.pipe(producer, router)));
    return router;
  }
}
