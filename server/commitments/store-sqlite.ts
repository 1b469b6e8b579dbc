import { newId } from '../core/ids.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import { applyUpdate } from './rules.js';
import { newCommitmentRecord, plainUpdate, type CommitmentRecord, type CommitmentStore } from './store.js';

interface CommitmentRow {
  id: string;
  json: string;
}

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const commitmentSchema: SqliteSchema = {
  feature: 'commitments',
  steps: [
    {
      why: "the department's commitments",
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS commitments (
            id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            json TEXT NOT NULL
          ) STRICT
        `),
    },
  ],
};

/**
 * One row per commitment holding it as JSON, with its status beside it for the compare-and-set.
 * A department records hundreds of commitments, not millions: they are listed whole and
 * filtered by the service.
 */
export function createSqliteCommitmentStore(db: Database): CommitmentStore {
  migrateSqlite(db, [commitmentSchema]);
  const all = db.prepare<[], CommitmentRow>('SELECT id, json FROM commitments ORDER BY created_at, id');
  const byId = db.prepare<[string], CommitmentRow>('SELECT id, json FROM commitments WHERE id = ?');
  const insert = db.prepare<[string, number, string, string], void>('INSERT INTO commitments (id, created_at, status, json) VALUES (?, ?, ?, ?)');
  const write = db.prepare<[string, string, string], void>('UPDATE commitments SET status = ?, json = ? WHERE id = ?');
  const read = (row: CommitmentRow | undefined): CommitmentRecord | null => (row ? (JSON.parse(row.json) as CommitmentRecord) : null);
  // Read, check and write in one IMMEDIATE transaction: another process cannot slip in between.
  const addUpdate = db.transaction((id: string, expected: string, update: CommitmentRecord['updates'][number]) => {
    const current = read(byId.get(id));
    if (!current || current.status !== expected) return null;
    const next = applyUpdate(current, plainUpdate(update));
    write.run(next.status, JSON.stringify(next), id);
    return next;
  });
  return {
    async add(input) {
      const record = newCommitmentRecord(newId(), input);
      insert.run(record.id, record.createdAt, record.status, JSON.stringify(record));
      return record;
    },
    async get(id) {
      return read(byId.get(id));
    },
    async list() {
      return all.all().map((row) => JSON.parse(row.json) as CommitmentRecord);
    },
    async addUpdate(id, expected, update) {
      return addUpdate.immediate(id, expected, update);
    },
  };
}
