// The system under test: the real app from createApp, on the embedded store in a temporary
// folder or on the Redis the coordinator started. It makes residents straight through the
// identity and session stores and signs their cookies with the server's own secret (the HTTP guest join is
// rate-limited per address, which one load generator would trip), and reports its CPU time,
// memory and frame figures when asked. Environment: BENCH_STORE, BENCH_REDIS_URL, BENCH_TALLY_MS,
// BENCH_FRAME_BUDGET, BENCH_SECRET; for a restart on the same data and port (the reconnect storm), BENCH_DATA_DIR
// (the coordinator's folder for the SQLite file, kept) and BENCH_PORT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/core/log.js';
import { sessionTtlMs } from '../../server/identity/service.js';
import { SESSION_COOKIE, signSession } from '../../server/identity/tokens.js';
import { openStores } from '../../server/stores.js';
import { DEFAULT_WRITES_PER_SECOND } from '../../server/townhall/frame-tick.js';
import { residentBreakdown } from './kernel.js';
import type { FrameStats, ServerReady, ServerReply, ServerRequest, ServerSample } from './protocol.js';
import { watchStalls } from './stalls.js';

const store = process.env.BENCH_STORE === 'redis' ? 'redis' : 'sqlite';
const redisUrl = process.env.BENCH_REDIS_URL;
const tallyIntervalMs = Number(process.env.BENCH_TALLY_MS ?? 100);
const secret = process.env.BENCH_SECRET ?? 'crowd-bench-secret-crowd-bench-secret-0123';
/** Diagnostics: a heap snapshot at every heap sample (before and after each step's connect) into this folder. */
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
let snapshots = 0;
if (store === 'redis' && !redisUrl) throw new Error('BENCH_REDIS_URL is required with BENCH_STORE=redis');

/** Ours to delete when we made it; the coordinator's when it named it (it outlives a restart). */
const ownDir = store === 'sqlite' && !process.env.BENCH_DATA_DIR;
const dir = store === 'sqlite' ? (process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'rt-bench-crowd-'))) : null;
const stores = await openStores(dir ? { kind: 'sqlite', file: path.join(dir, 'rt.db') } : { kind: 'redis', url: redisUrl! });
const app = createApp(
  {
    allowedOrigins: [],
    secureCookies: false,
    tallyIntervalMs,
    frameWritesPerSecond: Number(process.env.BENCH_FRAME_BUDGET ?? DEFAULT_WRITES_PER_SECOND),
    clientDir: path.resolve('dist/client'),
    filterWords: [],
    flagThreshold: 3,
    flagAccountAgeHours: 72,
    secret,
    // The whole crowd comes from one load generator on 127.0.0.1.
    socketCaps: { perSession: Number.MAX_SAFE_INTEGER, perNetwork: Number.MAX_SAFE_INTEGER },
    // Every simulated attendee comes from 127.0.0.1: the per-network limits would make them one
    // person, so they are lifted, as the hall's code lifts them for a hall sharing one address.
    integrity: { votesPerNetwork: 1e9, identities: { freePerNetwork: 1e9, baseWork: 1 } },
  },
  { stores, log: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn') },
);
const port = await app.listen(Number(process.env.BENCH_PORT ?? 0));

const stalls = watchStalls();

/** Residents made so far; later steps reuse them, so each step only adds what it lacks. */
const residents: string[] = [];

async function sessions(count: number): Promise<string[]> {
  while (residents.length < count) {
    const user = await stores.identity.createUser({
      kind: 'guest',
      role: 'resident',
      displayName: `Resident ${residents.length + 1}`,
      username: null,
      passwordHash: null,
    });
    if (!user) throw new Error('could not create a resident');
    residents.push(user.id);
  }
  const ttlMs = sessionTtlMs('resident');
  const opened = await Promise.all(residents.slice(0, count).map((id) => stores.sessions.createSession(id, ttlMs)));
  return opened.map((session) => `${SESSION_COOKIE}=${signSession(secret, session.id, ttlMs)}`);
}

function sample(gc: boolean): ServerSample {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
    if (snapshotDir) writeHeapSnapshot(path.join(snapshotDir, `roundtable-${process.pid}-${++snapshots}.heapsnapshot`));
    stalls.skip();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const socket = app.io.of('/').sockets.values().next().value;
  const listenersPerSocket = socket ? socket.eventNames().reduce((n, e) => n + socket.listenerCount(e), 0) : 0;
  const at = performance.now() + performance.timeOrigin;
  return { at, cpuMicros: cpu.user + cpu.system, heapUsed: memory.heapUsed, rss: memory.rss, external: memory.external, ...residentBreakdown(), listenersPerSocket, frames: frameStats(), stalls: stalls.take() };
}

const frameStats = (): FrameStats => app.frames.stats();

async function answer(req: ServerRequest): Promise<ServerReply> {
  switch (req.kind) {
    case 'sessions':
      return { id: req.id, kind: 'sessions', cookies: await sessions(req.count) };
    case 'townhall': {
      const townHall = await app.townHalls.create({
        title: 'Crowd benchmark',
        description: '',
        startsAt: Date.now(),
        status: 'live',
        moderation: 'post',
      });
      return { id: req.id, kind: 'townhall', townHallId: townHall.id };
    }
    case 'sample':
      return { id: req.id, kind: 'sample', sample: sample(req.gc) };
    case 'close':
      await app.close();
      // On Redis the process simply exits: closing the stores under the streams adapter's
      // blocking read makes that read reject unhandled, and nothing here needs flushing.
      if (dir) {
        await stores.close();
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      }
      return { id: req.id, kind: 'close' };
  }
}

process.on('message', (req: ServerRequest) => {
  answer(req).then(
    (reply) => {
      // Exiting normally (not killed) lets --cpu-prof write its profile.
      process.send?.(reply, undefined, {}, () => {
        if (reply.kind === 'close') process.exit(0);
      });
    },
    (err: unknown) => process.send?.({ id: req.id, kind: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
// Never outlive the coordinator, however it ended.
process.on('disconnect', () => {
  if (dir && ownDir) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
process.send?.({ kind: 'ready', port } satisfies ServerReady);
