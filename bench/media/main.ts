/**
 * `npm run bench:media`: how many receive-only viewers of one simulcast publisher a single
 * mediasoup worker carries. A program that prints figures (STYLE.md 16), not a test.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { USAGE, parseOptions } from './options.js';

const MEDIASOUP_VERSION = '3.12.16';

let options;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`bench:media: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (options === undefined) {
  console.log(USAGE);
  process.exit(0);
}

// mediasoup reads this when it is first imported, so it is settled before run.ts loads it.
const cacheRoot = process.env.ROUNDTABLE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'roundtable');
process.env.MEDIASOUP_WORKER_BIN ??= path.join(cacheRoot, `mediasoup-worker-${MEDIASOUP_VERSION}`, 'mediasoup-worker');
const workerBin = process.env.MEDIASOUP_WORKER_BIN;
try {
  await access(workerBin, constants.X_OK);
} catch {
  console.error(
    `bench:media: no mediasoup ${MEDIASOUP_VERSION} worker at ${workerBin}.\n` +
      'Build it once with `bash scripts/setup.sh` (or `bash scripts/build-mediasoup-worker.sh`), ' +
      'or point MEDIASOUP_WORKER_BIN at a worker you built.',
  );
  process.exit(1);
}

const { runBenchmark } = await import('./run.js');
try {
  await runBenchmark(options, workerBin);
} catch (error) {
  console.error(`bench:media failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
