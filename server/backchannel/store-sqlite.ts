import type { StaffRole } from '../../shared/roles.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { BackchannelRecord, BackchannelStore, NewBackchannelMessage } from './store.js';
import { newBackchannelRecord } from './store-records.js';

interface MessageRow {
  id: string;
  town_hall_id: string;
  author_id: string;
  author_name: string;
  author_role: StaffRole;
  text: string;
  at: number;
}

const fromRow = (r: MessageRow): BackchannelRecord => ({
  id: r.id,
  townHallId: r.town_hall_id,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  text: r.text,
  at: r.at,
});

const COLUMNS = 'id, town_hall_id, author_id, author_name, author_role, text, at';

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const backchannelSchema: SqliteSchema = {
  feature: 'backchannel',
  steps: [
    {
      // `seq` keeps the order messages were added in, which two in one millisecond would lose.
      why: "the staff's back channel",
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS backchannel_messages (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            town_hall_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_role TEXT NOT NULL,
            text TEXT NOT NULL,
            at INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS backchannel_by_town_hall ON backchannel_messages (town_hall_id, seq);
        `),
    },
  ],
};

export function createSqliteBackchannelStore(db: Database): BackchannelStore {
  migrateSqlite(db, [backchannelSchema]);

  const insert = db.prepare<[MessageRow], void>(
    `INSERT INTO backchannel_messages (${COLUMNS}) VALUES (@id, @town_hall_id, @author_id, @author_name, @author_role, @text, @at)`,
  );
  const recent = db.prepare<[string, number], MessageRow>(
    `SELECT ${COLUMNS} FROM backchannel_messages WHERE town_hall_id = ? ORDER BY seq DESC LIMIT ?`,
  );
  const all = db.prepare<[string], MessageRow>(`SELECT ${COLUMNS} FROM backchannel_messages WHERE town_hall_id = ? ORDER BY seq`);
  const remove = db.prepare<[string], void>('DELETE FROM backchannel_messages WHERE town_hall_id = ?');
  return {
    async add(input) {
      const record = newBackchannelRecord(input);
      insert.run({
        id: record.id,
        town_hall_id: record.townHallId,
        author_id: record.authorId,
        author_name: record.authorName,
        author_role: record.authorRole,
        text: record.text,
        at: record.at,
      });
      return record;
    },
    async recent(townHallId, limit) {
      if (limit <= 0) return [];
      return recent.all(townHallId, limit).map(fromRow).reverse();
    },
    async all(townHallId) {
      return all.all(townHallId).map(fromRow);
    },
    async deleteTownHall(townHallId) {
      return remove.run(townHallId).changes;
    },
  };
}
