import { parseArgs } from 'node:util';
import { DEFAULT_WRITES_PER_SECOND } from '../../server/townhall/frame-tick.js';

export interface CrowdOptions {
  /** Attendee counts, ascending: probes plus crowd. */
  steps: number[];
  /** Seconds of open-loop load per step. */
  seconds: number;
  probes: number;
  connectPerSecond: number;
  votesPerSecond: number;
  questionsPerSecond: number;
  chatPerSecond: number;
  /** The coalescing interval Roundtable (and the raw ws baseline) broadcast tallies at. */
  tallyIntervalMs: number;
  baselines: boolean;
  /** 1: Roundtable on one node; 2: also two nodes on one Redis, clients split between them. */
  nodes: 1 | 2;
  /** Store of the one-node run. */
  store: 'sqlite' | 'redis';
  /** taskset core lists: one per server node in turn, and the load generator's. */
  serverCores: string[];
  loadCores: string;
  /** Writes a V8 CPU profile of every Roundtable server process into this folder. */
  cpuProf: string | null;
  /** Measure every step even after Roundtable misses the target. */
  keepGoing: boolean;
  /** Print a step even when the generator was saturated (marked as such): for shared machines. */
  reportSaturated: boolean;
  /** WebSocket writes a second a room's frames are paced to (server/townhall/frame-tick.ts), in every system that sends frames. */
  frameBudget: number;
  /** Whether the raw ws baseline stretches its tick while its event loop is saturated, as Roundtable does. */
  baselineStretch: boolean;
  /** Only these systems, when given (`--systems raw-ws`): to look at one of them alone. */
  systems: string[] | null;
  /** Minutes to hold the one step at full load, sampling the server's heap and RSS each minute; null: no soak. */
  soakMinutes: number | null;
  /** Restart the server under the crowd at this many seconds into each step's schedule; null: no storm. */
  stormAtSeconds: number | null;
}

export const USAGE = `npm run bench -- [options]

  --steps 1000,2500     attendee counts, ascending (default 1000,2500,5000,7500,10000,12500)
  --seconds S           seconds of load per step (default 20)
  --quick               a one-minute check that the program works: steps 200,500, 5 s each
  --probes N            real socket.io-client probes among the attendees (default 200)
  --connect-rate R      attendees connecting per second (default 500)
  --votes R --questions R --chat R
                        the load: votes, questions and chat messages per second (default 200, 5, 20;
                        --chat 0 leaves chat out)
  --tally-ms MS         Roundtable's tally interval (default 100; its counts now ride in the
                        frame, whose tick starts at 100 ms)
  --baselines on|off    also measure a raw ws server and a naive Socket.IO server (default on)
  --nodes 1|2           2: also Roundtable on two nodes sharing one Redis (default 1)
  --systems a,b         only these of roundtable, roundtable-2-nodes, raw-ws, naive-socket.io
  --store sqlite|redis  store of the one-node run (default sqlite)
  --server-cores 0      taskset core list of the server; per node, separated by /, for two: 0/1
  --load-cores 1        taskset core list of the load generator
  --cpu-prof DIR        write V8 CPU profiles of the Roundtable servers into DIR
  --keep-going          go on after a step misses the target
  --report-saturated    print saturated steps anyway, marked (figures then bound the server
                        from above only; for machines shared with other work)
  --frame-budget W      WebSocket writes a second a room's frames are paced to, in Roundtable
                        and the raw ws baseline alike: the tick is max(100 ms, attendees × 1000
                        / W), stretched while the event loop is saturated (default 60000, the
                        server's)
  --baseline-stretch on|off
                        off: the raw ws baseline paces its tick by the room's size only, not
                        also stretched while its event loop is saturated, as Roundtable's is
                        (default on)
  --soak MINUTES        hold the one step given (--steps 5000) at full load for MINUTES, in
                        one-minute windows, printing the server's heap and RSS after each, and
                        whether they stay within 10 % of their value after a 2-minute warm-up
  --storm               reconnect storm: at --storm-at seconds into each step, kill the
                        Roundtable server and start it again on the same port and data; the
                        clients reconnect with back-off and jitter and re-join; prints the time
                        until all re-joined (target 30 s) and whether every screen ends right
  --storm-at S          when the storm's kill comes (default 5; --seconds should leave room
                        after it, default 40 with --storm)
  --help

Target per step: vote → every-screen p99 ≤ 250 ms, nothing lost. A step during which the
load generator itself was saturated (event-loop lag p99 > 50 ms or CPU > 90 % of its core) is
not reported. Each row shows the frame tick the server used during the step (min–max) and the
frames it skipped for slow connections / the resyncs it sent. --soak and --storm measure
Roundtable only.`;

const DEFAULT_STEPS = [1000, 2500, 5000, 7500, 10000, 12500];
const SYSTEM_NAMES = ['roundtable', 'roundtable-2-nodes', 'raw-ws', 'naive-socket.io'];

function number(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, not "${value}"`);
  return n;
}

/** Flags only (a benchmark's settings belong on its command line, where the report repeats them). */
export function parseOptions(argv: string[]): CrowdOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      steps: { type: 'string' },
      seconds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      probes: { type: 'string' },
      'connect-rate': { type: 'string' },
      votes: { type: 'string' },
      questions: { type: 'string' },
      chat: { type: 'string' },
      'tally-ms': { type: 'string' },
      baselines: { type: 'string' },
      nodes: { type: 'string' },
      store: { type: 'string' },
      'server-cores': { type: 'string' },
      'load-cores': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'keep-going': { type: 'boolean', default: false },
      'report-saturated': { type: 'boolean', default: false },
      'frame-budget': { type: 'string' },
      systems: { type: 'string' },
      'baseline-stretch': { type: 'string' },
      soak: { type: 'string' },
      storm: { type: 'boolean', default: false },
      'storm-at': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick;
  let steps = quick ? [200, 500] : DEFAULT_STEPS;
  if (values.steps !== undefined) steps = values.steps.split(',').map((s) => number('--steps', s.trim(), 20)!);
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1]!)) throw new Error('--steps must be ascending');
  if (values.baselines !== undefined && !['on', 'off'].includes(values.baselines)) throw new Error('--baselines is on or off');
  if (values['baseline-stretch'] !== undefined && !['on', 'off'].includes(values['baseline-stretch'])) throw new Error('--baseline-stretch is on or off');
  if (values.nodes !== undefined && !['1', '2'].includes(values.nodes)) throw new Error('--nodes is 1 or 2');
  if (values.store !== undefined && !['sqlite', 'redis'].includes(values.store)) throw new Error('--store is sqlite or redis');
  const probes = number('--probes', values.probes, 0) ?? (quick ? 50 : 200);
  if (probes >= steps[0]!) throw new Error(`--probes (${probes}) must be fewer than the smallest step (${steps[0]})`);
  const soakMinutes = number('--soak', values.soak, 1) ?? null;
  if (soakMinutes !== null && (values.steps === undefined || steps.length !== 1)) throw new Error('--soak holds one size: give it with --steps N');
  const storm = values.storm || values['storm-at'] !== undefined;
  if (storm && soakMinutes !== null) throw new Error('--soak and --storm are separate runs');
  if ((soakMinutes !== null || storm) && values.baselines === 'on') throw new Error('--soak and --storm measure Roundtable only (the baselines keep no data to restart on)');
  const stormAtSeconds = storm ? (number('--storm-at', values['storm-at'], 1) ?? 5) : null;
  if (soakMinutes !== null && values.seconds !== undefined) throw new Error('--soak runs one-minute windows; leave --seconds out');
  const seconds = soakMinutes !== null ? 60 : (number('--seconds', values.seconds, 1) ?? (quick ? 5 : storm ? 40 : 20));
  if (stormAtSeconds !== null && stormAtSeconds >= seconds) throw new Error(`--storm-at (${stormAtSeconds}) must come before the end of --seconds (${seconds})`);
  return {
    steps,
    seconds,
    probes,
    connectPerSecond: number('--connect-rate', values['connect-rate'], 1) ?? 500,
    votesPerSecond: number('--votes', values.votes, 0) ?? 200,
    questionsPerSecond: number('--questions', values.questions, 0) ?? 5,
    chatPerSecond: number('--chat', values.chat, 0) ?? 20,
    tallyIntervalMs: number('--tally-ms', values['tally-ms'], 10) ?? 100,
    // The soak and the storm are about Roundtable's own behaviour over time; the baselines add nothing there.
    baselines: (values.baselines ?? (soakMinutes !== null || storm ? 'off' : 'on')) === 'on',
    nodes: values.nodes === '2' ? 2 : 1,
    store: values.store === 'redis' ? 'redis' : 'sqlite',
    serverCores: (values['server-cores'] ?? '0').split('/').map((c) => c.trim()),
    loadCores: values['load-cores'] ?? '1',
    cpuProf: values['cpu-prof'] ?? null,
    keepGoing: values['keep-going'],
    reportSaturated: values['report-saturated'],
    systems: values.systems?.split(',').map((name) => {
      if (!SYSTEM_NAMES.includes(name.trim())) throw new Error(`--systems: no system "${name}" (${SYSTEM_NAMES.join(', ')})`);
      return name.trim();
    }) ?? null,
    baselineStretch: (values['baseline-stretch'] ?? 'on') !== 'off',
    frameBudget: number('--frame-budget', values['frame-budget'], 1000) ?? DEFAULT_WRITES_PER_SECOND,
    soakMinutes,
    stormAtSeconds,
  };
}
