import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

/** Opens (creating if needed) the embedded database that the SQLite stores share. */
export function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
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
