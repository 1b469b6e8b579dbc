import type { Settings } from '../../shared/record.js';
import type { Database } from '../storage/sqlite.js';
import { settingsFrom, settingsJson, type SettingsStore } from './store.js';

const KEY = 'site';

export function createSqliteSettingsStore(db: Database): SettingsStore {
  db.exec(`CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT`);
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
