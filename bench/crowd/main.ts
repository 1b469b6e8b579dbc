/**
 * `npm run bench`: the crowd benchmark. One town hall, N attendees, an open-loop load of votes,
 * questions and chat; how fast every screen sees each vote, what is lost, and what the server
 * spends, for Roundtable and two baselines. A program that prints figures (STYLE.md 16).
 *
 * This process only coordinates: the servers run in child processes pinned to one core, the
 * load generator in another pinned to the other core, and they talk over IPC.
 */
import { rmSync, statSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { parseOptions, USAGE, type CrowdOptions } from './options.js';
import { pinningAvailable, spawnChild, waitForMessage, type Child } from './processes.js';
import type { GeneratorProgress, GeneratorReply, GeneratorRequest, ServerSample, StepResult } from './protocol.js';
import { formatRow, HEADER, held, meetsTarget, saturated, summary, type Row } from './report.js';
import { startSystem, systemsToRun, type SystemUnderTest } from './systems.js';

type Generator = Child<GeneratorRequest, GeneratorReply>;

let options: CrowdOptions | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (!options) {
  console.log(USAGE);
  process.exit(0);
}
const o = options;

const progressLine = (() => {
  let label = '';
  let last = '';
  let lastPhase = '';
  const tty = process.stderr.isTTY;
  return {
    setLabel: (l: string) => (label = l),
    show(p: GeneratorProgress) {
      const width = 30;
      const filled = p.total ? Math.min(width, Math.max(0, Math.round((p.done / p.total) * width))) : 0;
      const line = `${label} ${p.phase.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}`;
      if (tty) process.stderr.write(`\r${line.padEnd(last.length)}`);
      else if (p.phase !== lastPhase) process.stderr.write(`${line}\n`);
      last = line;
      lastPhase = p.phase;
    },
    clear() {
      if (tty && last) process.stderr.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
      lastPhase = '';
    },
  };
})();

function describeMachine(): string[] {
  const cpu = cpus();
  return [
    `machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
      `(${(freemem() / 2 ** 30).toFixed(1)} free), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`,
    pinningAvailable()
      ? `pinning: servers on core(s) ${o.serverCores.join(' / ')}, load generator on core(s) ${o.loadCores} (taskset)`
      : 'pinning: taskset not found — processes are NOT pinned; figures mix server and load',
    `load: ${o.votesPerSecond} votes/s, ${o.questionsPerSecond} questions/s, ${o.chatPerSecond} chat messages/s, open loop, ` +
      `${o.seconds} s per step; ${o.probes} socket.io-client probes + the rest lightweight; tallies every ${o.tallyIntervalMs} ms; ` +
      `attendees connect at ${o.connectPerSecond}/s`,
  ];
}

async function measureStep(system: SystemUnderTest, generator: Generator, n: number): Promise<Row> {
  const cookies = await system.sessions(n);
  const townHallId = await system.townHall();
  const empty = await system.sample(true);
  const connected = await generator.request<GeneratorReply & { kind: 'connected' }>({
    kind: 'connect',
    plan: {
      urls: system.urls,
      cookies,
      probes: o.probes,
      townHallId,
      seconds: o.seconds,
      connectPerSecond: o.connectPerSecond,
      votesPerSecond: o.votesPerSecond,
      questionsPerSecond: o.questionsPerSecond,
      chatPerSecond: o.chatPerSecond,
      tallyIntervalMs: o.tallyIntervalMs,
    },
  });
  const full = await system.sample(true);

  // The generator marks the start and end of its schedule; the servers' CPU is read at those marks.
  type CpuSample = Promise<Pick<ServerSample, 'at' | 'cpuMicros'>[]>;
  let startSample: CpuSample | null = null;
  let endSample: CpuSample | null = null;
  onMark = (name) => {
    if (name === 'start') startSample = system.cpu();
    else endSample = system.cpu();
  };
  const { result } = await generator.request<GeneratorReply & { kind: 'ran' }>({ kind: 'run' });
  onMark = null;
  const [s0, s1] = await Promise.all([startSample!, endSample!]);
  await generator.request({ kind: 'disconnect' });

  const cpuMicros = s0.reduce((sum, s, i) => sum + (s1[i]!.cpuMicros - s.cpuMicros), 0);
  const wallMs = s1[0]!.at - s0[0]!.at;
  const heap = full.reduce((sum, s, i) => sum + (s.heapUsed - empty[i]!.heapUsed), 0);
  const cpuPerSecond = cpuMicros / (wallMs / 1000);
  return {
    system: system.name,
    label: system.label,
    n: connected.joined + connected.failed,
    result: result as StepResult,
    serverCpuPercent: (cpuPerSecond / 1e6) * 100,
    heapPerAttendeeBytes: heap / Math.max(1, connected.joined),
    cpuMicrosPerMessage: result.messagesPerSecond > 0 ? cpuPerSecond / result.messagesPerSecond : NaN,
    ...(full[0]?.listenersPerSocket ? { listenersPerSocket: full[0].listenersPerSocket } : {}),
  };
}

let onMark: ((name: 'start' | 'end') => void) | null = null;
// Interrupted: exit so that 'exit' handlers stop redis-server; the Node children see IPC close and exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

// BENCH_GENERATOR_FLAGS: extra node flags for the generator (e.g. --cpu-prof), to see what limits it.
const generatorFlags = process.env.BENCH_GENERATOR_FLAGS?.split(' ').filter(Boolean) ?? [];
const generator: Generator = spawnChild({ script: 'bench/crowd/generator.ts', cores: o.loadCores, nodeFlags: generatorFlags });
generator.onMessage((m) => {
  const message = m as GeneratorProgress | { kind: 'mark'; name: 'start' | 'end' };
  if (message.kind === 'progress') progressLine.show(message);
  else if (message.kind === 'mark') onMark?.(message.name);
});
await waitForMessage(generator as unknown as Child<never, never>, 'progress');

for (const line of describeMachine()) console.log(line);
console.log(`command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd());
console.log('');
console.log(HEADER);

const rows: Row[] = [];
const logs: string[] = [];
try {
  for (const name of systemsToRun(o)) {
    const system = await startSystem(name, o);
    try {
      for (const n of o.steps) {
        progressLine.setLabel(`${system.label} ${n}`);
        const row = await measureStep(system, generator, n);
        progressLine.clear();
        rows.push(row);
        if (process.env.BENCH_DEBUG) console.error(JSON.stringify(row, null, 1));
        console.log(formatRow(row, o.reportSaturated));
        // Past a step the generator could not drive, or one the system missed, larger steps say nothing new.
        const goOn = held(row) || o.keepGoing || (o.reportSaturated && saturated(row) && meetsTarget(row));
        if ((saturated(row) && !o.reportSaturated) || !goOn) break;
      }
    } finally {
      progressLine.clear();
      await system.close();
      const logged = statSync(system.logFile).size;
      if (logged > 0) logs.push(`${system.label}: ${system.logFile} (${logged} bytes)`);
      else rmSync(system.logFile, { force: true });
    }
  }
} catch (error) {
  progressLine.clear();
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  generator.process.disconnect();
  await Promise.race([generator.exited, new Promise((r) => setTimeout(r, 10_000))]);
  generator.kill();
}

console.log('');
for (const line of summary(rows, o.reportSaturated)) console.log(line);
if (logs.length) console.log(`Servers logged warnings or errors:\n  ${logs.join('\n  ')}`);
if (o.cpuProf) console.log(`CPU profiles of the Roundtable servers: ${o.cpuProf} (open in Chrome DevTools → Performance)`);
