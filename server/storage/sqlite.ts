import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { keepPrivate, privateDir } from './files.js';

export type Database = BetterSqlite3.Database;

/** Opens (creating if needed) the embedded database that the SQLite stores share. */
export function openSqlite(file: string): Database {
  if (file !== ':memory:') {
    privateDir(dirname(file));
    // SQLite gives its -wal and -shm files the mode of the database file, so the file is made
    // 0600 before SQLite first opens it; files left by an older version are narrowed too.
    closeSync(openSync(file, 'a', 0o600));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) keepPrivate(f);
  }
  const db = new BetterSqlite3(file);
  // WAL lets readers run beside the one writer; NORMAL is durable across process crashes in
  // WAL mode and only risks the last transactions on power loss, which a town hall can afford.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Another process (the admin CLI) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  return db;
}
