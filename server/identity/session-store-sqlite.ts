import { newId } from '../core/ids.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { SessionRecord, SessionStore } from './session-store.js';

interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

const fromRow = (r: SessionRow): SessionRecord => ({ id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at });

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const sessionSchema: SqliteSchema = {
  feature: 'sessions',
  steps: [
    {
      why: 'signed-in sessions',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
          CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
        `),
    },
  ],
};

export function createSqliteSessionStore(db: Database): SessionStore {
  migrateSqlite(db, [sessionSchema]);

  const insert = db.prepare<[SessionRow], void>(
    'INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (@id, @user_id, @created_at, @expires_at)',
  );
  const prune = db.prepare<[number], void>('DELETE FROM sessions WHERE expires_at <= ?');
  const byId = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE id = ? AND expires_at > ?');
  const remove = db.prepare<[string, number], void>('DELETE FROM sessions WHERE id = ? AND expires_at > ?');
  const removeUser = db.prepare<[string, number], void>('DELETE FROM sessions WHERE user_id = ? AND expires_at > ?');
  const removeUserExpired = db.prepare<[string, number], void>('DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?');

  // Expired rows are swept whenever a session starts, through the expiry index: sign-ins are
  // what makes the table grow, so they are also what keeps it small.
  const create = db.transaction((row: SessionRow) => {
    prune.run(row.created_at);
    insert.run(row);
  });

  return {
    async createSession(userId, ttlMs) {
      const now = Date.now();
      const record: SessionRecord = { id: newId(), userId, createdAt: now, expiresAt: now + ttlMs };
      create.immediate({ id: record.id, user_id: userId, created_at: now, expires_at: record.expiresAt });
      return record;
    },
    async getSession(id) {
      const row = byId.get(id, Date.now());
      return row ? fromRow(row) : null;
    },
    async revokeSession(id) {
      return remove.run(id, Date.now()).changes === 1;
    },
    async revokeUserSessions(userId) {
      const now = Date.now();
      const { changes } = removeUser.run(userId, now);
      removeUserExpired.run(userId, now);
      return changes;
    },
  };
}
