import type { Role } from '../../shared/roles.js';
import { STAFF_ROLES } from '../../shared/roles.js';
import type { Database } from '../storage/sqlite.js';
import type { IdentityStore, NewUser, UserRecord } from './store.js';
import { newUserRecord } from './store-records.js';

interface UserRow {
  id: string;
  kind: UserRecord['kind'];
  role: Role;
  display_name: string;
  username: string | null;
  password_hash: string | null;
  created_at: number;
}

const fromRow = (r: UserRow): UserRecord => ({
  id: r.id,
  kind: r.kind,
  role: r.role,
  displayName: r.display_name,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

const staffRoles = STAFF_ROLES.map((r) => `'${r}'`).join(', ');

export function createSqliteIdentityStore(db: Database): IdentityStore {
  // UNIQUE allows any number of NULLs, which is what guests (no username) need.
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      role TEXT NOT NULL,
      display_name TEXT NOT NULL,
      username TEXT UNIQUE,
      password_hash TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS users_by_role ON users (role);
  `);
  const insert = db.prepare<[UserRow], void>(`
    INSERT INTO users (id, kind, role, display_name, username, password_hash, created_at)
    VALUES (@id, @kind, @role, @display_name, @username, @password_hash, @created_at)
    ON CONFLICT (username) DO NOTHING`);
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const staff = db.prepare<[], UserRow>(
    `SELECT * FROM users WHERE kind = 'account' AND role IN (${staffRoles}) ORDER BY created_at, id`,
  );
  const countRole = db.prepare<[string], number>('SELECT count(*) FROM users WHERE role = ?').pluck();

  return {
    async createUser(user: NewUser) {
      const record = newUserRecord(user);
      const { changes } = insert.run({
        id: record.id,
        kind: record.kind,
        role: record.role,
        display_name: record.displayName,
        username: record.username,
        password_hash: record.passwordHash,
        created_at: record.createdAt,
      });
      return changes === 1 ? record : null;
    },
    async getUser(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    async findByUsername(username) {
      const row = byUsername.get(username);
      return row ? fromRow(row) : null;
    },
    async listStaff() {
      return staff.all().map(fromRow);
    },
    async countByRole(role) {
      return countRole.get(role) ?? 0;
    },
  };
}
