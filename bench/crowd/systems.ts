// The systems under test, each started fresh in its own pinned processes: Roundtable on one
// node (embedded store or Redis), Roundtable on two nodes sharing a Redis, and the two baselines.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CrowdOptions } from './options.js';
import { procCpuMicros, spawnChild, startRedis, waitForMessage, type Child, type RedisServer } from './processes.js';
import type { ServerReady, ServerReply, ServerRequest, ServerSample } from './protocol.js';

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
  /** CPU time per node read from outside (/proc) at this instant, falling back to asking the node. */
  cpu(): Promise<{ at: number; cpuMicros: number }[]>;
  close(): Promise<void>;
}

type ServerChild = Child<ServerRequest, ServerReply>;

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
  return names;
}

export async function startSystem(name: SystemName, o: CrowdOptions): Promise<SystemUnderTest> {
  const nodes = name === 'roundtable-2-nodes' ? 2 : 1;
  const onRedis = name === 'roundtable-2-nodes' || (name === 'roundtable' && o.store === 'redis');
  const redis: RedisServer | null = onRedis ? await startRedis(o.serverCores[0]) : null;
  const roundtable = name.startsWith('roundtable');
  const nodeFlags = ['--expose-gc'];
  if (o.cpuProf && roundtable) {
    mkdirSync(o.cpuProf, { recursive: true });
    nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(o.cpuProf)}`);
  }
  const children: ServerChild[] = [];
  const ports: number[] = [];
  const logFile = path.join(tmpdir(), `rt-bench-crowd-${name}-${process.pid}.log`);
  const log = openSync(logFile, 'a');
  // An interrupted run leaves no empty log behind (a finished one is tidied by the coordinator).
  process.once('exit', () => {
    if (existsSync(logFile) && statSync(logFile).size === 0) rmSync(logFile, { force: true });
  });
  try {
    for (let i = 0; i < nodes; i++) {
      const child = spawnChild<ServerRequest, ServerReply>({
        script: SCRIPTS[name],
        cores: o.serverCores[i % o.serverCores.length],
        nodeFlags,
        stdout: log,
        env: {
          BENCH_STORE: redis ? 'redis' : 'sqlite',
          ...(redis ? { BENCH_REDIS_URL: redis.url } : {}),
          BENCH_TALLY_MS: String(o.tallyIntervalMs),
        },
      });
      children.push(child);
      ports.push((await waitForMessage<ServerReady>(child as unknown as Child<never, never>, 'ready')).port);
    }
  } catch (err) {
    closeSync(log);
    for (const c of children) c.kill();
    await redis?.stop();
    throw err;
  }
  const first = children[0]!;
  const sampleOf = async (c: ServerChild, gc: boolean) => (await c.request<ServerReply & { kind: 'sample' }>({ kind: 'sample', gc })).sample;
  const sample = (gc: boolean) => Promise.all(children.map((c) => sampleOf(c, gc)));
  return {
    name,
    label: name === 'roundtable' ? `roundtable (${redis ? 'redis' : 'sqlite'})` : name,
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    logFile,
    // Every node shares one store, so the first node makes the people and the town hall.
    sessions: async (count) => (await first.request<ServerReply & { kind: 'sessions' }>({ kind: 'sessions', count })).cookies,
    townHall: async () => (await first.request<ServerReply & { kind: 'townhall' }>({ kind: 'townhall' })).townHallId,
    sample,
    cpu: () =>
      Promise.all(
        children.map(async (c) => {
          const at = performance.timeOrigin + performance.now();
          const cpuMicros = c.process.pid === undefined ? null : procCpuMicros(c.process.pid);
          return cpuMicros === null ? (await sampleOf(c, false)) : { at, cpuMicros };
        }),
      ),
    async close() {
      await Promise.all(
        children.map(async (c) => {
          await c.request({ kind: 'close' }, 30_000).catch(() => c.kill());
          await Promise.race([c.exited, new Promise((r) => setTimeout(r, 5000))]);
          c.kill();
        }),
      );
      await redis?.stop();
      closeSync(log);
    },
  };
}
