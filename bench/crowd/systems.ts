// The systems under test, each started fresh in its own pinned processes: Roundtable on one
// node (embedded store or Redis), Roundtable on two nodes sharing a Redis, and the two baselines.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CrowdOptions } from './options.js';
import { procCpuMicros, procWaitedMicros, spawnChild, startRedis, waitForMessage, type Child, type RedisServer } from './processes.js';
import type { ServerReady, ServerReply, ServerRequest, ServerSample } from './protocol.js';
import { packageStartSettings } from './start-settings.js';

export type SystemName = 'roundtable' | 'roundtable-2-nodes' | 'raw-ws' | 'naive-socket.io';

export interface SystemUnderTest {
  name: SystemName;
  label: string;
  urls: string[];
  /** The servers' own output (warnings and errors they log). */
  logFile: string;
  sessions(count: number): Promise<string[]>;
  townHall(): Promise<string>;
  /** One sample per node. */
  sample(gc: boolean): Promise<ServerSample[]>;
  /**
   * CPU time per node read from outside (/proc) at this instant, falling back to asking the
   * node; and how long it waited for a CPU (0 where that cannot be read).
   */
  cpu(): Promise<{ at: number; cpuMicros: number; waitedMicros: number }[]>;
  /**
   * Kills the first node (SIGKILL, as a crash would) and starts it again on the same port and
   * the same data; `onKilled` hears the instant it died. Resolves when it listens again.
   */
  restart(onKilled: (at: number) => void): Promise<{ killedAt: number; readyAt: number }>;
  close(): Promise<void>;
}

type ServerChild = Child<ServerRequest, ServerReply>;

/**
 * V8's flags and glibc's allocator as `npm start` sets them (package.json; docs/scaling.md says
 * why), for every system.
 */
const START = packageStartSettings();

const SCRIPTS: Record<SystemName, string> = {
  roundtable: 'bench/crowd/server.ts',
  'roundtable-2-nodes': 'bench/crowd/server.ts',
  'raw-ws': 'bench/crowd/baseline-ws.ts',
  'naive-socket.io': 'bench/crowd/baseline-naive.ts',
};

export function systemsToRun(o: CrowdOptions): SystemName[] {
  const names: SystemName[] = ['roundtable'];
  if (o.nodes === 2) names.push('roundtable-2-nodes');
  if (o.baselines) names.push('raw-ws', 'naive-socket.io');
  if (o.systems) return (['roundtable', 'roundtable-2-nodes', 'raw-ws', 'naive-socket.io'] as const).filter((n) => o.systems!.includes(n));
  return names;
}

export async function startSystem(name: SystemName, o: CrowdOptions): Promise<SystemUnderTest> {
  const nodes = name === 'roundtable-2-nodes' ? 2 : 1;
  const onRedis = name === 'roundtable-2-nodes' || (name === 'roundtable' && o.store === 'redis');
  const redis: RedisServer | null = onRedis ? await startRedis(o.serverCores[0]) : null;
  const roundtable = name.startsWith('roundtable');
  // Every system runs with the young generation and collector `npm start` gives the server
  // (package.json, docs/scaling.md). BENCH_SERVER_FLAGS adds flags for an experiment.
  const nodeFlags = ['--expose-gc', ...START.flags, ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])];
  if (o.cpuProf && roundtable) {
    mkdirSync(o.cpuProf, { recursive: true });
    nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(o.cpuProf)}`);
  }
  const children: ServerChild[] = [];
  const ports: number[] = [];
  const logFile = path.join(tmpdir(), `rt-bench-crowd-${name}-${process.pid}.log`);
  const log = openSync(logFile, 'a');
  // The SQLite file lives here rather than in the server's own folder, so a restart finds it.
  const dataDir = roundtable && !redis ? mkdtempSync(path.join(tmpdir(), 'rt-bench-crowd-')) : null;
  // An interrupted run leaves no empty log (a finished one is tidied by the coordinator) and no data behind.
  process.once('exit', () => {
    if (existsSync(logFile) && statSync(logFile).size === 0) rmSync(logFile, { force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const spawnNode = async (i: number, port = 0): Promise<number> => {
    const child = spawnChild<ServerRequest, ServerReply>({
      script: SCRIPTS[name],
      cores: o.serverCores[i % o.serverCores.length],
      nodeFlags,
      stdout: log,
      env: {
        ...START.env,
        BENCH_STORE: redis ? 'redis' : 'sqlite',
        ...(redis ? { BENCH_REDIS_URL: redis.url } : {}),
        ...(dataDir ? { BENCH_DATA_DIR: dataDir } : {}),
        BENCH_PORT: String(port),
        BENCH_TALLY_MS: String(o.tallyIntervalMs),
        BENCH_FRAME_BUDGET: String(o.frameBudget),
        BENCH_STRETCH: o.baselineStretch ? 'on' : 'off',
      },
    });
    children[i] = child;
    return (await waitForMessage<ServerReady>(child as unknown as Child<never, never>, 'ready')).port;
  };
  try {
    for (let i = 0; i < nodes; i++) ports.push(await spawnNode(i));
  } catch (err) {
    closeSync(log);
    for (const c of children) c.kill();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  /** CPU of nodes that were killed, carried into their successors' figures. */
  const cpuCarried = children.map(() => 0);
  const waitCarried = children.map(() => 0);
  const first = () => children[0]!;
  const sampleOf = async (c: ServerChild, gc: boolean) => (await c.request<ServerReply & { kind: 'sample' }>({ kind: 'sample', gc })).sample;
  const sample = (gc: boolean) => Promise.all(children.map((c) => sampleOf(c, gc)));
  return {
    name,
    label: name === 'roundtable' ? `roundtable (${redis ? 'redis' : 'sqlite'})` : name,
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    logFile,
    // Every node shares one store, so the first node makes the people and the town hall.
    sessions: async (count) => (await first().request<ServerReply & { kind: 'sessions' }>({ kind: 'sessions', count })).cookies,
    townHall: async () => (await first().request<ServerReply & { kind: 'townhall' }>({ kind: 'townhall' })).townHallId,
    sample,
    cpu: () =>
      Promise.all(
        children.map(async (c, i) => {
          const at = performance.timeOrigin + performance.now();
          const cpuMicros = c.process.pid === undefined ? null : procCpuMicros(c.process.pid);
          const own = cpuMicros === null ? await sampleOf(c, false) : { at, cpuMicros };
          const waitedMicros = (c.process.pid === undefined ? null : procWaitedMicros(c.process.pid)) ?? 0;
          return { at: own.at, cpuMicros: own.cpuMicros + cpuCarried[i]!, waitedMicros: waitedMicros + waitCarried[i]! };
        }),
      ),
    async restart(onKilled) {
      const victim = first();
      cpuCarried[0]! += (victim.process.pid === undefined ? null : procCpuMicros(victim.process.pid)) ?? 0;
      waitCarried[0]! += (victim.process.pid === undefined ? null : procWaitedMicros(victim.process.pid)) ?? 0;
      victim.kill();
      await victim.exited;
      const killedAt = performance.timeOrigin + performance.now();
      onKilled(killedAt);
      await spawnNode(0, ports[0]);
      return { killedAt, readyAt: performance.timeOrigin + performance.now() };
    },
    async close() {
      await Promise.all(
        children.map(async (c) => {
          await c.request({ kind: 'close' }, 30_000).catch(() => c.kill());
          await Promise.race([c.exited, new Promise((r) => setTimeout(r, 5000))]);
          c.kill();
        }),
      );
      await redis?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      closeSync(log);
    },
  };
}
