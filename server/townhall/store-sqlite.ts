import type { ModerationMode } from '../../shared/moderation.js';
import type { TownHallStatus } from '../../shared/townhall.js';
import type { Database } from '../storage/sqlite.js';
import type { NewTownHall, TownHallRecord, TownHallStore } from './store.js';
import { newTownHallRecord } from './store-records.js';

interface TownHallRow {
  id: string;
  title: string;
  description: string;
  starts_at: number;
  status: TownHallStatus;
  moderation: ModerationMode;
  created_at: number;
}

const fromRow = (r: TownHallRow): TownHallRecord => ({
  id: r.id,
  title: r.title,
  description: r.description,
  startsAt: r.starts_at,
  status: r.status,
  moderation: r.moderation,
  createdAt: r.created_at,
});

export function createSqliteTownHallStore(db: Database): TownHallStore {
  // starts_at is REAL, not INTEGER: it comes from the client and need not be a whole number.
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
  `);
  const insert = db.prepare<[TownHallRow], void>(`
    INSERT INTO town_halls (id, title, description, starts_at, status, moderation, created_at)
    VALUES (@id, @title, @description, @starts_at, @status, @moderation, @created_at)`);
  const byId = db.prepare<[string], TownHallRow>('SELECT * FROM town_halls WHERE id = ?');
  const all = db.prepare<[], TownHallRow>('SELECT * FROM town_halls ORDER BY starts_at, created_at, id');
  const updateModeration = db.prepare<[ModerationMode, string], TownHallRow>(
    'UPDATE town_halls SET moderation = ? WHERE id = ? RETURNING *',
  );

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
        created_at: record.createdAt,
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
  };
}
