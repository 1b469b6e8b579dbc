import type { Settings } from '../../shared/record.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import { settingsFrom, settingsJson, type SettingsStore } from './store.js';

const KEY = 'site';

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const settingsSchema: SqliteSchema = {
  feature: 'settings',
  steps: [
    {
      why: "the department's settings",
      run: (db) => db.exec(`CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`),
    },
  ],
};

export function createSqliteSettingsStore(db: Database): SettingsStore {
  migrateSqlite(db, [settingsSchema]);
  const read = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const write = db.prepare<[string, string], void>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    async get() {
      return settingsFrom(read.get(KEY));
    },
    async put(settings: Settings) {
      const json = settingsJson(settings);
      write.run(KEY, json);
      return settingsFrom(json);
    },
  };
}
