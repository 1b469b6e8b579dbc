import type { types as ms } from 'mediasoup';
import type { Id } from '../shared/ids.js';
import { ROUTER_MEDIA_CODECS } from './config.js';
import { MediaServiceClosedError, type MediaEvents, type RouterCloseReason } from './events.js';
import type { MediaLogger } from './logger.js';
import type { WorkerPool } from './worker-pool.js';

export type TownHallRouterAppData = { townHallId: Id; workerPid: number };
export type TownHallRouter = ms.Router<TownHallRouterAppData>;

/**
 * One router per town hall. A router leaves the registry however it closes (closeRouter,
 * its worker dying, the service closing), so the next routerFor always makes a live one.
 */
export class RouterRegistry {
  readonly #pool: WorkerPool;
  readonly #events: MediaEvents;
  readonly #logger: MediaLogger;
  readonly #routers = new Map<Id, TownHallRouter>();
  /** One creation per town hall at a time: concurrent callers share its promise. */
  readonly #inFlight = new Map<Id, Promise<TownHallRouter>>();
  #closed = false;

  constructor(pool: WorkerPool, events: MediaEvents, logger: MediaLogger) {
    this.#pool = pool;
    this.#events = events;
    this.#logger = logger;
  }

  get size(): number {
    return this.#routers.size;
  }

  routerFor(townHallId: Id): Promise<TownHallRouter> {
    if (this.#closed) return Promise.reject(new MediaServiceClosedError());
    const live = this.#routers.get(townHallId);
    if (live !== undefined) return Promise.resolve(live);
    let pending = this.#inFlight.get(townHallId);
    if (pending === undefined) {
      pending = this.#create(townHallId).finally(() => this.#inFlight.delete(townHallId));
      this.#inFlight.set(townHallId, pending);
    }
    return pending;
  }

  /** Closes the town hall's router (waiting for one being created); false if it had none. */
  async closeRouter(townHallId: Id): Promise<boolean> {
    const router =
      this.#routers.get(townHallId) ?? (await this.#inFlight.get(townHallId)?.catch(() => undefined));
    if (router === undefined || router.closed) return false;
    router.close();
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Creations under way see the flag and close what they made.
    await Promise.allSettled(this.#inFlight.values());
    for (const router of [...this.#routers.values()]) router.close();
  }

  async #create(townHallId: Id): Promise<TownHallRouter> {
    const router: TownHallRouter = await this.#pool.createRouter(ROUTER_MEDIA_CODECS, { townHallId });
    if (this.#closed) {
      router.close();
      throw new MediaServiceClosedError();
    }
    if (router.closed) throw new Error(`the router for town hall ${townHallId} closed while it was being created`);

    let reason: RouterCloseReason = 'closed';
    // mediasoup emits 'workerclose' just before the observer's 'close' when the worker goes.
    router.once('workerclose', () => (reason = 'workerdied'));
    router.observer.once('close', () => this.#forget(townHallId, router, this.#closed ? 'serviceclosed' : reason));
    this.#routers.set(townHallId, router);
    this.#logger.info({ townHallId, routerId: router.id }, 'town hall router created');
    return router;
  }

  #forget(townHallId: Id, router: TownHallRouter, reason: RouterCloseReason): void {
    if (this.#routers.get(townHallId) === router) this.#routers.delete(townHallId);
    const fields = { townHallId, routerId: router.id, reason };
    if (reason === 'workerdied') this.#logger.warn(fields, 'town hall router lost with its worker');
    else this.#logger.info(fields, 'town hall router closed');
    this.#events.emit('routerclose', fields);
  }
}
