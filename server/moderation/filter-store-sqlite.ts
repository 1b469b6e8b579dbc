import type { FilterAction, FilterEntry } from '../../shared/moderation.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { FilterStore } from './filter-store.js';
import { newFilterEntry, orNull } from './store-records.js';

interface FilterRow {
  id: string;
  term: string;
  action: FilterAction;
  created_by: string;
  created_at: number;
}

const fromFilterRow = (r: FilterRow): FilterEntry => ({
  id: r.id,
  term: r.term,
  action: r.action,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const filterSchema: SqliteSchema = {
  feature: 'moderation.filter',
  steps: [
    {
      why: "the department's word list and the moderation counters",
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS filter_entries (
            id TEXT PRIMARY KEY,
            term TEXT NOT NULL UNIQUE,
            action TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL
          ) STRICT;
          CREATE TABLE IF NOT EXISTS moderation_counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
          ) STRICT, WITHOUT ROWID;
        `),
    },
  ],
};

export function createSqliteFilterStore(db: Database): FilterStore {
  migrateSqlite(db, [filterSchema]);

  const filterAll = db.prepare<[], FilterRow>('SELECT * FROM filter_entries ORDER BY term');
  const filterInsert = db.prepare<[FilterRow], void>(`
    INSERT INTO filter_entries (id, term, action, created_by, created_at)
    VALUES (@id, @term, @action, @created_by, @created_at) ON CONFLICT (term) DO NOTHING`);
  const filterDelete = db.prepare<[string], FilterRow>('DELETE FROM filter_entries WHERE id = ? RETURNING *');
  const bumpFilterVersion = db.prepare<[], void>(`
    INSERT INTO moderation_counters (name, value) VALUES ('filter-version', 1)
    ON CONFLICT (name) DO UPDATE SET value = value + 1`);
  const filterVersion = db
    .prepare<[], number>("SELECT value FROM moderation_counters WHERE name = 'filter-version'")
    .pluck();

  // One IMMEDIATE transaction each, so a second process cannot slip a change in between the
  // entry and the version that announces it.
  const addFilterEntry = db.transaction((row: FilterRow): boolean => {
    if (filterInsert.run(row).changes === 0) return false;
    bumpFilterVersion.run();
    return true;
  });
  const removeFilterEntry = db.transaction((id: string): FilterRow | undefined => {
    const row = filterDelete.get(id);
    if (row) bumpFilterVersion.run();
    return row;
  });

  return {
    async listFilterEntries() {
      return filterAll.all().map(fromFilterRow);
    },
    async addFilterEntry(input) {
      const entry = newFilterEntry(input);
      const row = { id: entry.id, term: entry.term, action: entry.action, created_by: entry.createdBy, created_at: entry.createdAt };
      return addFilterEntry.immediate(row) ? entry : null;
    },
    async removeFilterEntry(id) {
      return orNull(removeFilterEntry.immediate(id), fromFilterRow);
    },
    async filterVersion() {
      return filterVersion.get() ?? 0;
    },
  };
}
