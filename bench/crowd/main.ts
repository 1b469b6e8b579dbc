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
import type { GeneratorProgress } from './protocol.js';
import { formatRow, HEADER, held, lateLine, meetsTarget, saturated, stormLines, summary, type Row } from './report.js';
import { soak } from './soak.js';
import { stepRunner, type Generator } from './step.js';
import { startSystem, systemsToRun } from './systems.js';

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
      `${o.seconds} s per step; ${o.probes} socket.io-client probes + the rest lightweight; one frame per tick, ` +
      `ticks from 100 ms paced to ${o.frameBudget} writes/s; attendees connect at ${o.connectPerSecond}/s`,
    ...(o.soakMinutes !== null ? [`soak: ${o.steps[0]} attendees for ${o.soakMinutes} one-minute windows`] : []),
    ...(o.stormAtSeconds !== null ? [`reconnect storm: the server killed ${o.stormAtSeconds} s into each step and started again on the same port and data`] : []),
  ];
}

// Interrupted: exit so that 'exit' handlers stop redis-server; the Node children see IPC close and exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

// BENCH_GENERATOR_FLAGS: extra node flags for the generator (e.g. --cpu-prof), to see what limits it.
const generatorFlags = process.env.BENCH_GENERATOR_FLAGS?.split(' ').filter(Boolean) ?? [];
const generator: Generator = spawnChild({ script: 'bench/crowd/generator.ts', cores: o.loadCores, nodeFlags: generatorFlags });
generator.onMessage((m) => {
  const message = m as GeneratorProgress;
  if (message.kind === 'progress') progressLine.show(message);
});
await waitForMessage(generator as unknown as Child<never, never>, 'progress');
const runner = stepRunner(generator, o);

for (const line of describeMachine()) console.log(line);
console.log(`command: npm run bench -- ${process.argv.slice(2).join(' ')}`.trimEnd());
console.log('');
console.log(HEADER);

const rows: Row[] = [];
const logs: string[] = [];
const closing: string[] = [];
const print = (line: string) => {
  progressLine.clear();
  console.log(line);
};
try {
  for (const name of systemsToRun(o)) {
    const system = await startSystem(name, o);
    try {
      if (o.soakMinutes !== null) {
        progressLine.setLabel(`${system.label} ${o.steps[0]} soak`);
        const soaked = await soak(system, runner, o, print);
        rows.push(...soaked.rows);
        closing.push(...soaked.summary);
        continue;
      }
      for (const n of o.steps) {
        progressLine.setLabel(`${system.label} ${n}`);
        let row: Row;
        try {
          const crowd = await runner.connect(system, n);
          row = await runner.run(system, crowd, crowd.empty, o.stormAtSeconds);
          await runner.disconnect();
        } catch (error) {
          // A server that stops answering (the naive baseline collapsing) ends its own steps, not the run.
          const line = `${system.label} at ${n} attendees did not finish (${error instanceof Error ? error.message : String(error)}): counted as missed; its larger steps skipped`;
          print(line);
          closing.push(line);
          await runner.disconnect().catch(() => undefined);
          break;
        }
        rows.push(row);
        if (process.env.BENCH_DEBUG) console.error(JSON.stringify(row, null, 1));
        print(formatRow(row, o.reportSaturated));
        if (o.stormAtSeconds !== null) {
          closing.push(...stormLines(row));
          continue;
        }
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
if (o.soakMinutes === null && o.stormAtSeconds === null) for (const line of summary(rows, o.reportSaturated)) console.log(line);
for (const line of closing) console.log(line);
const late = rows.map(lateLine).filter((line): line is string => line !== null);
if (late.length) console.log(['Rows over the target: when their late votes were sent (second of the window), and what stood still then:', ...late].join('\n'));
if (logs.length) console.log(`Servers logged warnings or errors:\n  ${logs.join('\n  ')}`);
if (o.cpuProf) console.log(`CPU profiles of the Roundtable servers: ${o.cpuProf} (open in Chrome DevTools → Performance)`);
