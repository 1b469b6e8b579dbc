import { newId } from '../core/ids.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { NamedItem, NamedList, NamedListStore } from './named-list-store.js';

interface ItemRow {
  id: string;
  name_en: string;
  name_es: string;
  retired: 0 | 1;
}

const fromRow = (r: ItemRow): NamedItem => ({ id: r.id, name: { en: r.name_en, es: r.name_es }, retired: r.retired === 1 });

/** The table of one list, step by step (each list is a feature of its own); see server/storage/migrations.ts. */
export const namedListSchema = (list: NamedList): SqliteSchema => ({
  feature: list,
  steps: [
    {
      why: `the department's ${list}`,
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS ${list} (
            id TEXT PRIMARY KEY,
            name_en TEXT NOT NULL,
            name_es TEXT NOT NULL,
            retired INTEGER NOT NULL,
            created_at INTEGER NOT NULL
          ) STRICT
        `),
    },
  ],
});

/** `list` names the table; it is one of the fixed names of `NamedList`, never input. */
export function createSqliteNamedListStore(db: Database, list: NamedList): NamedListStore {
  migrateSqlite(db, [namedListSchema(list)]);
  const all = db.prepare<[], ItemRow>(`SELECT * FROM ${list} ORDER BY created_at, rowid`);
  const byId = db.prepare<[string], ItemRow>(`SELECT * FROM ${list} WHERE id = ?`);
  const insert = db.prepare<[string, string, string, number], void>(
    `INSERT INTO ${list} (id, name_en, name_es, retired, created_at) VALUES (?, ?, ?, 0, ?)`,
  );
  // A field left null keeps its value, so one statement changes any subset of them.
  const update = db.prepare<{ id: string; en: string | null; es: string | null; retired: number | null }, ItemRow>(`
    UPDATE ${list} SET name_en = coalesce(@en, name_en), name_es = coalesce(@es, name_es), retired = coalesce(@retired, retired)
    WHERE id = @id RETURNING *`);
  return {
    async list() {
      return all.all().map(fromRow);
    },
    async get(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    async add(name) {
      const id = newId();
      insert.run(id, name.en, name.es, Date.now());
      return { id, name: { ...name }, retired: false };
    },
    async update(id, change) {
      const retired = change.retired === undefined ? null : change.retired ? 1 : 0;
      const row = update.get({ id, en: change.en ?? null, es: change.es ?? null, retired });
      return row ? fromRow(row) : null;
    },
  };
}
