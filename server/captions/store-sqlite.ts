import type { StaffRole } from '../../shared/roles.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { CaptionRecord, CaptionStore, NewCaption } from './store.js';
import { newCaptionRecord } from './store-records.js';

interface CaptionRow {
  id: string;
  town_hall_id: string;
  author_id: string;
  author_role: StaffRole | null;
  text: string;
  at: number;
  lang: string | null;
}

const fromRow = (r: CaptionRow): CaptionRecord => ({
  id: r.id,
  townHallId: r.town_hall_id,
  authorId: r.author_id,
  authorRole: r.author_role,
  text: r.text,
  at: r.at,
  lang: r.lang,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const captionSchema: SqliteSchema = {
  feature: 'captions',
  steps: [
    {
      // `seq` keeps the order lines were added in, which two lines in one millisecond would lose.
      why: 'caption lines',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS caption_lines (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            town_hall_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS caption_lines_by_town_hall ON caption_lines (town_hall_id, seq);
        `),
    },
    {
      // Lines written before the staff badge have none.
      why: "the captioner's staff badge",
      run: (db) => void addColumn(db, 'caption_lines', 'author_role', 'TEXT'),
    },
    {
      // Lines typed before the caption language have none.
      why: "the caption line's language",
      run: (db) => void addColumn(db, 'caption_lines', 'lang', 'TEXT'),
    },
  ],
};

export function createSqliteCaptionStore(db: Database): CaptionStore {
  migrateSqlite(db, [captionSchema]);

  const insert = db.prepare<[CaptionRow], void>(
    'INSERT INTO caption_lines (id, town_hall_id, author_id, author_role, text, at, lang) VALUES (@id, @town_hall_id, @author_id, @author_role, @text, @at, @lang)',
  );
  const recent = db.prepare<[string, number], CaptionRow>(
    'SELECT id, town_hall_id, author_id, author_role, text, at, lang FROM caption_lines WHERE town_hall_id = ? ORDER BY seq DESC LIMIT ?',
  );
  const all = db.prepare<[string], CaptionRow>(
    'SELECT id, town_hall_id, author_id, author_role, text, at, lang FROM caption_lines WHERE town_hall_id = ? ORDER BY seq',
  );
  return {
    async add(input: NewCaption) {
      const record = newCaptionRecord(input);
      insert.run({
        id: record.id,
        town_hall_id: record.townHallId,
        author_id: record.authorId,
        author_role: record.authorRole,
        text: record.text,
        at: record.at,
        lang: record.lang,
      });
      return record;
    },
    async recent(townHallId, limit) {
      return recent.all(townHallId, limit).map(fromRow).reverse();
    },
    async all(townHallId) {
      return all.all(townHallId).map(fromRow);
    },
  };
}
