// SQLite's WAL checkpoints, moved off the event loop.
//
// In WAL mode with synchronous = NORMAL a commit only appends to the -wal file; the fsyncs come
// when a checkpoint copies the WAL back into the database. SQLite runs that checkpoint itself,
// inside whichever commit pushes the WAL past 1,000 pages — and better-sqlite3 is synchronous, so
// that commit, and with it the server's event loop, waits for two fsyncs. Under a town hall's
// votes the WAL fills about once a second. On the bench machine's disk those fsyncs took at most
// 16 ms, and they were not the cause of the soak's rare half-second stalls (docs/performance.md,
// "The checkpoint off the loop"); on a slower disk (a network volume, a busy array) they take
// longer, and every screen waits that long for its next frame.
//
// So the server's connection never checkpoints (wal_autocheckpoint = 0), and a worker thread
// with its own connection runs a PASSIVE checkpoint every second: it copies what the WAL holds
// without blocking the writer, and waits for the disk on its own thread. When it has copied the
// whole WAL, the server's next commit starts the WAL over from its beginning, so the file stays
// as small as before; that commit still syncs the new WAL's 32-byte header, SQLite's one sync
// left on the writer. Measured with `perf trace -s` over 20 s of 5,000 attendees: the main
// thread's fsyncs went from 33 (65 ms in all, the longest 16 ms) to 8 (6 ms, the longest 2.7 ms).
// If the worker fails, the server's connection checkpoints for itself again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from './sqlite.js';

/** SQLite's own default: the WAL is checkpointed once it holds this many pages. */
export const AUTOCHECKPOINT_PAGES = 1000;
const INTERVAL_MS = 1000;

/** What one checkpoint did: the WAL's frames, and how many of them are now in the database. */
export interface Checkpoint {
  walFrames: number;
  checkpointed: number;
}

export interface Checkpointer {
  /** Stops the worker and closes its connection; the server's connection checkpoints what is left when it closes. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** The worker failed; the server's connection has gone back to checkpointing for itself. */
  onError?: (err: Error) => void;
  onCheckpoint?: (c: Checkpoint) => void;
  /** The module the worker opens the database with; better-sqlite3 unless a test says otherwise. */
  driver?: string;
}

// A source string rather than a file of its own: the server runs from TypeScript under tsx in
// development and from one esbuild bundle in production, and a string is the same in both.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ walFrames: row.log, checkpointed: row.checkpointed });
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts checkpointing `file`'s WAL on a worker thread, and stops `db` from checkpointing in its commits. */
export function startCheckpointer(db: Database, file: string, opts: CheckpointerOptions = {}): Checkpointer {
  const driver = opts.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: opts.intervalMs ?? INTERVAL_MS },
    // The server's loader and options are not the worker's business, and its heap stays small.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
  });
  // A CLI that forgets to close its stores still exits; SQLite finishes the WAL on the next open.
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let failed = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (err: Error): void => {
    if (stopping || failed || !db.open) return;
    failed = true;
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    opts.onError?.(err);
  };
  worker.on('message', (c: Checkpoint) => opts.onCheckpoint?.(c));
  worker.on('error', fallBack);
  worker.on('exit', (code) => fallBack(new Error(`the checkpoint worker exited (code ${code})`)));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      // Held until it has closed its connection: an unreferenced worker would let a CLI's last
      // await end the process first (exit code 13, an unsettled top-level await).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
