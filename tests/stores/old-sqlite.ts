// SQLite files as an older version of Roundtable left them, for the migration tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';

/**
 * Returns a maker of old files: each call creates a file in a fresh folder, lets `write` lay down
 * the old tables and rows, closes it, and resolves to its path. The folders go after each test.
 */
export function oldSqliteFiles(): (write: (old: Database.Database) => void) => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (write) => {
    const dir = await mkdtemp(join(tmpdir(), 'rt-migrate-'));
    dirs.push(dir);
    const file = join(dir, 'old.db');
    const old = new Database(file);
    write(old);
    old.close();
    return file;
  };
}
