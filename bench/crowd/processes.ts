// Child processes of the crowd benchmark: each pinned to one core with `taskset`, spoken to over
// IPC with numbered requests, and a redis-server of our own on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * A process's user + system CPU time in µs, read from /proc by another process, so it is right
 * even when that process's own event loop is too backlogged to answer promptly. Null off Linux.
 */
export function procCpuMicros(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / clockTicks) * 1e6;
  } catch {
    return null;
  }
}

/**
 * How long a process's main thread has waited, runnable, for a CPU, in µs (Linux schedstat;
 * null elsewhere): the share of its core that other work on the machine took.
 */
export function procWaitedMicros(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1000;
  } catch {
    return null;
  }
}

/** A request before it is numbered (Omit that distributes over the union of requests). */
export type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface Child<Req extends { id: number }, Rep extends { id: number }> {
  process: ChildProcess;
  request<R extends Rep>(req: Unnumbered<Req>, timeoutMs?: number): Promise<R>;
  /** Messages that answer no request (progress, marks, ready). */
  onMessage(listener: (message: unknown) => void): void;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(): void;
}

export interface SpawnOptions {
  /** Script path relative to the repository root, run with tsx. */
  script: string;
  args?: string[];
  /** Core list for taskset (`0`, `1`, `0,1`); undefined leaves scheduling to the OS. */
  cores?: string;
  env?: NodeJS.ProcessEnv;
  nodeFlags?: string[];
  /** Where the child's stdout goes (a file descriptor), so server logs stay out of the report. */
  stdout?: number;
}

export const pinningAvailable = (): boolean => hasTaskset;

export function spawnChild<Req extends { id: number }, Rep extends { id: number; kind: string }>(
  options: SpawnOptions,
): Child<Req, Rep> {
  const node = [...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])];
  const [command, args] =
    hasTaskset && options.cores !== undefined
      ? ['taskset', ['-c', options.cores, process.execPath, ...node]]
      : [process.execPath, node];
  const child = spawn(command, args as string[], {
    stdio: ['ignore', options.stdout ?? 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(r: Rep): void; reject(e: Error): void }>();
  const listeners: ((m: unknown) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${options.script} exited (code ${code}, signal ${signal})`));
    pending.clear();
  });
  child.on('message', (message: unknown) => {
    const id = (message as { id?: unknown }).id;
    const waiting = typeof id === 'number' ? pending.get(id) : undefined;
    if (!waiting) {
      for (const l of listeners) l(message);
      return;
    }
    pending.delete(id as number);
    const reply = message as Rep & { message?: string };
    if (reply.kind === 'error') waiting.reject(new Error(`${options.script}: ${reply.message}`));
    else waiting.resolve(reply);
  });
  return {
    process: child,
    exited,
    request<R extends Rep>(req: Unnumbered<Req>, timeoutMs = 600_000) {
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.script} did not answer ${(req as { kind?: string }).kind} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r as R);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ ...req, id });
      });
    },
    onMessage: (listener) => listeners.push(listener),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resolves with the first unsolicited message of `kind`, or rejects if the child exits first. */
export function waitForMessage<T>(child: Child<never, never>, kind: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${kind}" within ${timeoutMs} ms`)), timeoutMs);
    child.onMessage((m) => {
      if ((m as { kind?: string }).kind === kind) {
        clearTimeout(timer);
        resolve(m as T);
      }
    });
    void child.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the child exited before "${kind}"`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** A throwaway redis-server (nothing persisted) on a free port, pinned like the servers it serves. */
export async function startRedis(cores: string | undefined): Promise<RedisServer> {
  const bin = process.env.REDIS_SERVER_BIN || 'redis-server';
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-bench-redis-'));
  const port = await freePort();
  const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const [command, args] = hasTaskset && cores !== undefined ? ['taskset', ['-c', cores, bin, ...redisArgs]] : [bin, redisArgs];
  const child = spawn(command, args as string[], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Unlike the Node children, redis-server has no IPC channel to notice the coordinator is gone.
  const orphanGuard = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphanGuard);
  for (let i = 0; i < 100; i++) {
    if (await ping(port)) {
      return {
        url: `redis://127.0.0.1:${port}`,
        async stop() {
          process.off('exit', orphanGuard);
          child.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null) break;
    await delay(50);
  }
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`${bin} did not start on port ${port} (install redis-server or set REDIS_SERVER_BIN)`);
}
