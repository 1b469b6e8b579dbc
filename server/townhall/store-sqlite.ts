import type { ModerationMode } from '../../shared/moderation.js';
import type { Host, TownHallStatus } from '../../shared/townhall.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { NewTownHall, TownHallEdit, TownHallRecord, TownHallStore } from './store.js';
import { newTownHallRecord, stampFor } from './store-records.js';

interface TownHallRow {
  id: string;
  title: string;
  description: string;
  starts_at: number;
  status: TownHallStatus;
  moderation: ModerationMode;
  hosts: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

const fromRow = (r: TownHallRow): TownHallRecord => ({
  id: r.id,
  title: r.title,
  description: r.description,
  startsAt: r.starts_at,
  status: r.status,
  moderation: r.moderation,
  hosts: JSON.parse(r.hosts) as Host[],
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const townHallSchema: SqliteSchema = {
  feature: 'townhall',
  steps: [
    {
      // starts_at is REAL, not INTEGER: it comes from the client and need not be a whole number.
      why: 'town halls and who was admitted to them',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS town_halls (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            starts_at REAL NOT NULL,
            status TEXT NOT NULL,
            moderation TEXT NOT NULL,
            created_at INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS town_halls_order ON town_halls (starts_at, created_at, id);
          CREATE TABLE IF NOT EXISTS hall_admissions (
            town_hall_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (town_hall_id, user_id)
          ) STRICT, WITHOUT ROWID;
        `),
    },
    {
      // Town halls stored before hosts and the lifecycle read as halls with no hosts, never started.
      why: "a town hall's hosts, and when it started and ended",
      run(db) {
        addColumn(db, 'town_halls', 'hosts', `TEXT NOT NULL DEFAULT '[]'`);
        addColumn(db, 'town_halls', 'started_at', 'REAL');
        addColumn(db, 'town_halls', 'ended_at', 'REAL');
      },
    },
  ],
};

export function createSqliteTownHallStore(db: Database): TownHallStore {
  migrateSqlite(db, [townHallSchema]);
  const insert = db.prepare<[Omit<TownHallRow, never>], void>(`
    INSERT INTO town_halls (id, title, description, starts_at, status, moderation, hosts, created_at, started_at, ended_at)
    VALUES (@id, @title, @description, @starts_at, @status, @moderation, @hosts, @created_at, @started_at, @ended_at)`);
  const byId = db.prepare<[string], TownHallRow>('SELECT * FROM town_halls WHERE id = ?');
  const all = db.prepare<[], TownHallRow>('SELECT * FROM town_halls ORDER BY starts_at, created_at, id');
  const updateModeration = db.prepare<[ModerationMode, string], TownHallRow>(
    'UPDATE town_halls SET moderation = ? WHERE id = ? RETURNING *',
  );
  const updateFields = db.prepare<[Record<string, unknown>], TownHallRow>(`
    UPDATE town_halls SET
      title = coalesce(@title, title),
      description = coalesce(@description, description),
      starts_at = coalesce(@starts_at, starts_at),
      moderation = coalesce(@moderation, moderation),
      hosts = coalesce(@hosts, hosts)
    WHERE id = @id RETURNING *`);
  const insertAdmission = db.prepare<[string, string], void>(
    'INSERT INTO hall_admissions (town_hall_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const admission = db.prepare<[string, string], number>(
    'SELECT 1 FROM hall_admissions WHERE town_hall_id = ? AND user_id = ?',
  ).pluck();
  const moveStatus = {
    startedAt: db.prepare<[TownHallStatus, number, string, TownHallStatus], TownHallRow>(
      'UPDATE town_halls SET status = ?, started_at = ? WHERE id = ? AND status = ? RETURNING *',
    ),
    endedAt: db.prepare<[TownHallStatus, number, string, TownHallStatus], TownHallRow>(
      'UPDATE town_halls SET status = ?, ended_at = ? WHERE id = ? AND status = ? RETURNING *',
    ),
  };

  return {
    async create(input: NewTownHall) {
      const record = newTownHallRecord(input);
      insert.run({
        id: record.id,
        title: record.title,
        description: record.description,
        starts_at: record.startsAt,
        status: record.status,
        moderation: record.moderation,
        hosts: JSON.stringify(record.hosts),
        created_at: record.createdAt,
        started_at: record.startedAt,
        ended_at: record.endedAt,
      });
      return record;
    },
    async get(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    async list() {
      return all.all().map(fromRow);
    },
    async setModeration(id, moderation) {
      const row = updateModeration.get(moderation, id);
      return row ? fromRow(row) : null;
    },
    async edit(id, edit: TownHallEdit) {
      const row = updateFields.get({
        id,
        title: edit.title ?? null,
        description: edit.description ?? null,
        starts_at: edit.startsAt ?? null,
        moderation: edit.moderation ?? null,
        hosts: edit.hosts ? JSON.stringify(edit.hosts.map((h) => ({ id: h.id, displayName: h.displayName }))) : null,
      });
      return row ? fromRow(row) : null;
    },
    async transition(id, from, to, at) {
      const stamp = stampFor(to);
      if (!stamp) return null;
      const row = moveStatus[stamp].get(to, at, id, from);
      return row ? fromRow(row) : null;
    },
    async admit(id, userId) {
      insertAdmission.run(id, userId);
    },
    async isAdmitted(id, userId) {
      return admission.get(id, userId) === 1;
    },
  };
}
