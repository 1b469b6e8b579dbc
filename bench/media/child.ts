import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * The load generator runs in child processes (a sender and a receiver) so that its CPU is
 * measured apart from the mediasoup worker and the benchmark's own control traffic, and so a
 * busy receiver cannot delay the sender's pacing. Parent and child talk in request/reply
 * messages over the IPC channel.
 */

interface Request<T = unknown> {
  id: number;
  type: string;
  body: T;
}
type Reply = { id: number; ok: true; body: unknown } | { id: number; ok: false; error: string };

/** How hard a generator process worked since its previous sample. */
export interface ProcessLoad {
  /** CPU time (user + system) over wall time, in % of one core. */
  cpuPercent: number;
  /** Event-loop utilisation, 0–1. */
  utilisation: number;
  /**
   * Event-loop delay in ms: the 99th percentile says whether the process keeps up; the
   * maximum is often one descheduling by a busy machine.
   */
  lagP99Ms: number;
  lagMaxMs: number;
}

export class ChildHandle {
  readonly #file: string;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  constructor(file: string) {
    this.#file = file;
    // tsx's loader must be in every process that loads TypeScript; fork inherits none of it.
    this.#child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: Reply) => {
      const waiter = this.#waiting.get(message.id);
      if (waiter === undefined) return;
      this.#waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.body);
      else waiter.reject(new Error(message.error));
    });
    this.#child.once('exit', (code, signal) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`${file} exited (${signal ?? code})`));
      this.#waiting.clear();
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Rejects after `timeoutMs`, so a stuck child ends the run with its name rather than hanging it. */
  request<T>(type: string, body: unknown = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`${this.#file} did not answer '${type}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle = (): void => clearTimeout(timer);
      this.#waiting.set(id, {
        resolve: (reply) => (settle(), resolve(reply as T)),
        reject: (error) => (settle(), reject(error)),
      });
      this.#child.send({ id, type, body } satisfies Request);
    });
  }

  close(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill();
  }
}

type Handler = (body: never) => unknown;

/** The child's side: answers requests with the named handlers, plus 'load' for every child. */
export function serveParent(handlers: Record<string, Handler>): void {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  const load = (): ProcessLoad => {
    const cpu = process.cpuUsage(lastCpu);
    const wall = performance.now();
    const elu = performance.eventLoopUtilization(lastElu);
    const sample: ProcessLoad = {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / (wall - lastWall)) * 100,
      utilisation: elu.utilization,
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
    };
    lastCpu = process.cpuUsage();
    lastWall = wall;
    lastElu = performance.eventLoopUtilization();
    lag.reset();
    return sample;
  };
  const all: Record<string, Handler> = { ...handlers, load };

  process.on('message', (request: Request) => {
    void (async () => {
      try {
        const handler = all[request.type];
        if (handler === undefined) throw new Error(`unknown request ${request.type}`);
        const body = await handler(request.body as never);
        process.send?.({ id: request.id, ok: true, body } satisfies Reply);
      } catch (error) {
        process.send?.({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
      }
    })();
  });
  // The parent going away (even killed) closes the IPC channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
}
