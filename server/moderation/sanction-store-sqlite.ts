import type { ReasonCode, Sanction, SanctionKind } from '../../shared/moderation.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { SanctionStore } from './sanction-store.js';
import { newSanction, orNull } from './store-records.js';

interface SanctionRow {
  id: string;
  user_id: string;
  kind: SanctionKind;
  town_hall_id: string | null;
  until: number | null;
  reason: ReasonCode;
  note: string | null;
  by: string;
  at: number;
  lifted_at: number | null;
  lifted_by: string | null;
  alias: string | null;
}

const fromSanctionRow = (r: SanctionRow): Sanction => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  townHallId: r.town_hall_id,
  until: r.until,
  reason: r.reason,
  note: r.note,
  by: r.by,
  at: r.at,
  liftedAt: r.lifted_at,
  liftedBy: r.lifted_by,
  alias: r.alias,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const sanctionSchema: SqliteSchema = {
  feature: 'moderation.sanctions',
  steps: [
    {
      why: 'timeouts and bans',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS sanctions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            town_hall_id TEXT,
            until INTEGER,
            reason TEXT NOT NULL,
            note TEXT,
            by TEXT NOT NULL,
            at INTEGER NOT NULL,
            lifted_at INTEGER,
            lifted_by TEXT,
            alias TEXT
          ) STRICT;
          CREATE INDEX IF NOT EXISTS sanctions_by_user ON sanctions (user_id, at, id);
        `),
    },
    {
      // Sanctions given before pseudonyms were all given by name.
      why: 'a sanction given under a pseudonym',
      run: (db) => void addColumn(db, 'sanctions', 'alias', 'TEXT'),
    },
  ],
};

export function createSqliteSanctionStore(db: Database): SanctionStore {
  migrateSqlite(db, [sanctionSchema]);

  const sanctionInsert = db.prepare<[SanctionRow], void>(`
    INSERT INTO sanctions (id, user_id, kind, town_hall_id, until, reason, note, by, at, lifted_at, lifted_by, alias)
    VALUES (@id, @user_id, @kind, @town_hall_id, @until, @reason, @note, @by, @at, @lifted_at, @lifted_by, @alias)`);
  const sanctionLift = db.prepare<[number, string, string], SanctionRow>(`
    UPDATE sanctions SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL RETURNING *`);
  const sanctionsOf = db.prepare<[string], SanctionRow>(
    'SELECT * FROM sanctions WHERE user_id = ? ORDER BY at DESC, id DESC',
  );
  const sanctionsActive = db.prepare<[string, number], SanctionRow>(`
    SELECT * FROM sanctions WHERE user_id = ? AND lifted_at IS NULL AND (until IS NULL OR until > ?)
    ORDER BY at DESC, id DESC`);

  return {
    async addSanction(input) {
      const s = newSanction(input);
      sanctionInsert.run({
        id: s.id,
        user_id: s.userId,
        kind: s.kind,
        town_hall_id: s.townHallId,
        until: s.until,
        reason: s.reason,
        note: s.note,
        by: s.by,
        at: s.at,
        lifted_at: null,
        lifted_by: null,
        alias: s.alias,
      });
      return s;
    },
    async liftSanction(id, by, at) {
      return orNull(sanctionLift.get(at, by, id), fromSanctionRow);
    },
    async activeSanctions(userId, now) {
      return sanctionsActive.all(userId, now).map(fromSanctionRow);
    },
    async sanctionsOf(userId) {
      return sanctionsOf.all(userId).map(fromSanctionRow);
    },
  };
}
