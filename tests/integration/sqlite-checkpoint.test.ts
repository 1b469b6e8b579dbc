// The embedded store's WAL is checkpointed by a worker thread, so the server's commits no longer
// wait for the checkpoint's fsyncs (only for the sync of a restarted WAL's header); the WAL still
// starts over once copied, and if the worker fails the server's own connection checkpoints again.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpoint } from '../../server/storage/checkpointer.js';
import { openSqlite, type Database } from '../../server/storage/sqlite.js';
import { openStores } from '../../server/stores.js';

const PAGE = 4096;
const dirs: string[] = [];
function scratchFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rt-checkpoint-'));
  dirs.push(dir);
  return path.join(dir, 'rt.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const autocheckpoint = (db: Database) => db.pragma('wal_autocheckpoint', { simple: true }) as number;
/** Commits `n` rows of about a page each, one transaction per row, as votes arrive. */
function commitPages(db: Database, n: number): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < n; i++) insert.run(Buffer.alloc(PAGE - 200, i % 251));
}

/**
 * Resolves once the WAL is wholly copied and no commit came since: two checkpoints in a row that
 * copied all of a WAL of the same length. (The worker runs beside the commits, so one whole
 * checkpoint may have copied only the first part of a batch.)
 */
function settled(listeners: Set<(c: Checkpoint) => void>): Promise<Checkpoint> {
  return new Promise((resolve) => {
    let previous: Checkpoint | null = null;
    const hear = (c: Checkpoint) => {
      const whole = c.walFrames > 0 && c.checkpointed === c.walFrames;
      if (whole && previous?.walFrames === c.walFrames) {
        listeners.delete(hear);
        resolve(c);
      }
      previous = whole ? c : null;
    };
    listeners.add(hear);
  });
}

describe('the SQLite checkpoint worker', () => {
  it('copies the WAL into the database while the server connection never checkpoints, and the WAL starts over', async () => {
    const file = scratchFile();
    const db = openSqlite(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)');
    const listeners = new Set<(c: Checkpoint) => void>();
    const checkpointer = startCheckpointer(db, file, { intervalMs: 20, onCheckpoint: (c) => [...listeners].forEach((l) => l(c)) });
    try {
      expect(autocheckpoint(db)).toBe(0);
      const before = statSync(file).size;
      // Twice SQLite's own threshold: left to itself, the server's connection would have checkpointed in a commit.
      const batch = 2 * AUTOCHECKPOINT_PAGES;
      const frames: number[] = [];
      for (let round = 0; round < 3; round++) {
        const copied = settled(listeners);
        commitPages(db, batch);
        frames.push((await copied).walFrames);
      }
      // Every row reached the database file itself, which only a checkpoint writes.
      expect(statSync(file).size - before).toBeGreaterThan(3 * batch * (PAGE - 200));
      // Once a WAL was wholly copied, the next commit started it over: a later batch's WAL holds
      // about one batch, where without the restart it would hold two and then three.
      expect(Math.min(frames[1]!, frames[2]!)).toBeLessThan(1.5 * frames[0]!);
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3 * batch);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('hands checkpointing back to the server connection when the worker fails', async () => {
    const file = scratchFile();
    const db = openSqlite(file);
    const failure = new Promise<Error>((resolve) => {
      const checkpointer = startCheckpointer(db, file, { driver: path.join(path.dirname(file), 'no-such-driver.js'), onError: resolve });
      expect(autocheckpoint(db)).toBe(0);
      void checkpointer;
    });
    const err = await failure;
    expect(err.message).toMatch(/no-such-driver|Cannot find module/);
    expect(autocheckpoint(db)).toBe(AUTOCHECKPOINT_PAGES);
    db.close();
  });

  it('is stopped by closing the stores, after which the database opens clean', async () => {
    const file = scratchFile();
    const stores = await openStores({ kind: 'sqlite', file });
    await stores.settings.get();
    expect(existsSync(`${file}-wal`)).toBe(true);
    await stores.close();
    // The worker's connection closed first, so the server's was the last: its close copied the WAL
    // and removed it, as SQLite does for the last connection to a database.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
