import { createWorker, type types as ms } from 'mediasoup';
import { MediaServiceClosedError, type MediaEvents } from './events.js';
import type { MediaLogger } from './logger.js';

export interface WorkerLoad {
  pid: number;
  routers: number;
  transports: number;
}

interface Load {
  routers: number;
  /** Routers asked of this worker but not created yet, so concurrent requests spread out. */
  pending: number;
  transports: number;
}

export interface WorkerPoolOptions {
  size: number;
  settings: ms.WorkerSettings;
  events: MediaEvents;
  logger: MediaLogger;
}

/**
 * A fixed number of mediasoup workers. A worker that dies is replaced; routers are placed on
 * the worker hosting the fewest routers (then the fewest transports), since a town hall is
 * given its router before anyone joins it.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  /** Live workers, in start order, with what each one hosts. */
  readonly #workers = new Map<ms.Worker, Load>();
  readonly #replacements = new Set<Promise<void>>();
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await Promise.all(Array.from({ length: options.size }, () => pool.#start()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.#workers.size;
  }

  /** CPU each live worker has used since it started (user + system, seconds); a worker dying meanwhile is left out. */
  async cpu(): Promise<{ pid: number; cpuSeconds: number }[]> {
    const usage = await Promise.all(
      [...this.#workers.keys()].map(async (worker) => {
        const u = await worker.getResourceUsage().catch(() => null);
        return u ? [{ pid: worker.pid, cpuSeconds: (u.ru_utime + u.ru_stime) / 1000 }] : [];
      }),
    );
    return usage.flat();
  }

  load(): WorkerLoad[] {
    return [...this.#workers].map(([worker, load]) => ({
      pid: worker.pid,
      routers: load.routers,
      transports: load.transports,
    }));
  }

  /**
   * Creates a router on the least-loaded worker; its appData records that worker's pid. A
   * worker that dies mid-request is no answer, so the request moves to another worker.
   */
  async createRouter<AppData extends ms.AppData>(
    mediaCodecs: ms.RtpCodecCapability[],
    appData: AppData,
    /** Workers to pass over while another one runs (a town hall spreading its audience). */
    avoidPids: ReadonlySet<number> = new Set(),
  ): Promise<ms.Router<AppData & { workerPid: number }>> {
    for (let attempt = 1; ; attempt += 1) {
      const [worker, load] = await this.#reserveLeastLoaded(avoidPids);
      try {
        const router = await worker.createRouter({ mediaCodecs, appData: { ...appData, workerPid: worker.pid } });
        if (!worker.died) return router;
      } catch (error) {
        if (!worker.died) throw error;
      } finally {
        load.pending -= 1;
      }
      if (attempt > this.#options.size) throw new Error(`media workers died during ${attempt} attempts to create a router`);
      this.#options.logger.warn({ pid: worker.pid }, 'media worker died while creating a router; trying another');
    }
  }

  /** Whether a live worker other than these exists. */
  hasWorkerOutside(pids: ReadonlySet<number>): boolean {
    return [...this.#workers.keys()].some((worker) => !pids.has(worker.pid));
  }

  /** Closes every worker (and so every router on it); waits for replacements under way. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const worker of this.#workers.keys()) worker.close();
    this.#workers.clear();
    await Promise.allSettled(this.#replacements);
  }

  /** Starts a worker and adds it to the pool; undefined when the pool closed meanwhile. */
  async #start(): Promise<ms.Worker | undefined> {
    const worker = await createWorker(this.#options.settings);
    if (this.#closed) {
      worker.close();
      return undefined;
    }
    const load: Load = { routers: 0, pending: 0, transports: 0 };
    worker.observer.on('newrouter', (router) => {
      load.routers += 1;
      router.observer.once('close', () => (load.routers -= 1));
      router.observer.on('newtransport', (transport) => {
        load.transports += 1;
        transport.observer.once('close', () => (load.transports -= 1));
      });
    });
    // mediasoup closes the worker's routers before it emits 'died', so by now the registry
    // has already dropped them.
    worker.once('died', (error) => this.#onDied(worker, error));
    this.#workers.set(worker, load);
    this.#options.logger.info({ pid: worker.pid }, 'media worker started');
    return worker;
  }

  #onDied(worker: ms.Worker, error: Error): void {
    const { events, logger } = this.#options;
    const deadPid = worker.pid;
    this.#workers.delete(worker);
    logger.error({ pid: deadPid, err: error.message }, 'media worker died');
    events.emit('workerdied', { pid: deadPid, error });
    if (this.#closed) return;

    const replacement = this.#start().then(
      (next) => {
        if (next === undefined) return;
        logger.info({ deadPid, pid: next.pid }, 'media worker replaced');
        events.emit('workerreplaced', { deadPid, pid: next.pid });
      },
      (startError: unknown) => {
        logger.error(
          { deadPid, err: startError instanceof Error ? startError.message : String(startError) },
          'media worker could not be replaced; the pool runs one worker short',
        );
      },
    );
    this.#replacements.add(replacement);
    void replacement.finally(() => this.#replacements.delete(replacement));
  }

  /**
   * Picks the least-loaded worker and counts the coming router against it in the same
   * synchronous step, so concurrent requests see each other's choices.
   */
  async #reserveLeastLoaded(avoidPids: ReadonlySet<number>): Promise<[ms.Worker, Load]> {
    if (this.#closed) throw new MediaServiceClosedError();
    // Only when every worker is dead at once (a pool of one) is it worth waiting for one.
    if (this.#workers.size === 0 && this.#replacements.size > 0) {
      await Promise.allSettled(this.#replacements);
      if (this.#closed) throw new MediaServiceClosedError();
    }
    // Avoiding is a preference: with no other worker running, any worker will do.
    const candidates = [...this.#workers].filter(([worker]) => !avoidPids.has(worker.pid));
    let best: [ms.Worker, Load] | undefined;
    for (const entry of candidates.length > 0 ? candidates : this.#workers) {
      if (best === undefined || lighter(entry[1], best[1])) best = entry;
    }
    if (best === undefined) throw new Error('no media worker is running');
    best[1].pending += 1;
    return best;
  }
}

function lighter(a: Load, b: Load): boolean {
  const routersA = a.routers + a.pending;
  const routersB = b.routers + b.pending;
  return routersA !== routersB ? routersA < routersB : a.transports < b.transports;
}
