// One real redis-server for the whole test run, on a free port, with nothing written to disk.
// Suites get its URL with inject('redisUrl') and an isolated database from freshRedisUrl().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Enough databases that every suite in a run can have its own (see tests/support/redis.ts). */
export const REDIS_DATABASES = 4096;
const PING_TRIES = 100;
const PING_INTERVAL_MS = 50;
const START_ATTEMPTS = 3;

export function freePort(): Promise<number> {
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
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export interface Started {
  child: ChildProcess;
  exited: Promise<void>;
}

/** A redis-server on `port`, answering PING; `persist` keeps an append-only file in `dir` (fsync every write). */
export async function startRedisServer(bin: string, port: number, dir: string, persist = false): Promise<Started> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  args.push(...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  args.push('--daemonize', 'no', '--dir', dir, '--databases', String(REDIS_DATABASES));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  // A binary that cannot be spawned reports 'error' and may never report 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? ' Install redis-server or set REDIS_SERVER_BIN to its path.' : '';
      reject(new Error(`Cannot start ${bin}: ${err.message}.${hint} The Redis suites must run; they are never skipped.`));
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`${bin} exited (code ${code}, signal ${signal}) before answering PING:\n${output}`));
    });
  });
  failed.catch(() => {});

  const answered = (async () => {
    for (let i = 0; i < PING_TRIES; i++) {
      if (await ping(port)) return;
      await delay(PING_INTERVAL_MS);
    }
    throw new Error(`${bin} did not answer PING on port ${port} after ${PING_TRIES} tries:\n${output}`);
  })();
  try {
    await Promise.race([answered, failed]);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return { child, exited };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bin = process.env.REDIS_SERVER_BIN || 'redis-server';
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-redis-'));
  let lastError: unknown;
  // The free port is only free when checked; if another process takes it first, try a new one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      const { child, exited } = await startRedisServer(bin, port, dir);
      project.provide('redisUrl', `redis://127.0.0.1:${port}`);
      return async () => {
        child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      };
    } catch (err) {
      lastError = err;
      if (err instanceof Error && err.message.startsWith('Cannot start')) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
