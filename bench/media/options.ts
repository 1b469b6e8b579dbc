import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Viewer counts to hold, ascending. Each viewer is one video consumer (plus one audio). */
  steps: number[];
  /** Seconds each step is measured for, after its warm-up. */
  seconds: number;
  /** Seconds to let a step settle once every consumer receives the top layer. */
  warmup: number;
  audio: boolean;
  /** Go on measuring after a step misses the target. */
  keepGoing: boolean;
  /** Receiver processes the viewers are spread over. */
  receivers: number;
}

export const USAGE = `npm run bench:media -- [options]

  --steps 50,100,200   viewer counts to measure, ascending   (env BENCH_MEDIA_STEPS; default 50,100,200,400,600,800)
  --max N              stop at N viewers (adds N as the last step)   (env BENCH_MEDIA_MAX)
  --seconds S          seconds measured per step   (env BENCH_MEDIA_SECONDS; default 5)
  --warmup S           seconds to settle before measuring   (env BENCH_MEDIA_WARMUP; default 3)
  --no-audio           video consumers only (default: one audio consumer per viewer too)
  --keep-going         measure every step even after one misses the target
  --receivers K        receiver processes to spread the viewers over (env BENCH_MEDIA_RECEIVERS; default 1):
                       more only helps on a machine with a core free for each
  --quick              a short check: steps 10,50, 2 s warm-up, 2 s each
  --help

A viewer is one receive-only PlainTransport with a consumer of the top simulcast layer
(1200 kbps) and one of the audio (40 kbps). Target: loss < 1 % and the worker under 100 % of
one core.`;

const DEFAULT_STEPS = [50, 100, 200, 400, 600, 800];

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  }
  return number;
}

/** Reads flags first, then BENCH_MEDIA_* variables, then defaults. Returns undefined for --help. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      steps: { type: 'string' },
      max: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      receivers: { type: 'string' },
      'no-audio': { type: 'boolean', default: false },
      'keep-going': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;

  const stepsText = values.steps ?? env.BENCH_MEDIA_STEPS;
  let steps = values.quick ? [10, 50] : DEFAULT_STEPS;
  if (stepsText !== undefined) {
    steps = stepsText.split(',').map((step) => positiveNumber('--steps', step.trim(), true)!);
  }
  if (steps.some((step, i) => i > 0 && step <= steps[i - 1]!)) throw new Error('--steps must be ascending');
  const max = positiveNumber('--max', values.max ?? env.BENCH_MEDIA_MAX, true);
  if (max !== undefined) steps = [...steps.filter((step) => step < max), max];

  return {
    steps,
    seconds: positiveNumber('--seconds', values.seconds ?? env.BENCH_MEDIA_SECONDS, false) ?? (values.quick ? 2 : 5),
    warmup: positiveNumber('--warmup', values.warmup ?? env.BENCH_MEDIA_WARMUP, false) ?? (values.quick ? 2 : 3),
    audio: !values['no-audio'],
    keepGoing: values['keep-going'],
    receivers: positiveNumber('--receivers', values.receivers ?? env.BENCH_MEDIA_RECEIVERS, true) ?? 1,
  };
}
