import type { Role } from '../../shared/roles.js';
import { STAFF_ROLES } from '../../shared/roles.js';
import { addColumn, migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { IdentityStore, NewUser, SetDisabledOutcome, UserRecord } from './store.js';
import { newUserRecord } from './store-records.js';

interface UserRow {
  id: string;
  kind: UserRecord['kind'];
  role: Role;
  display_name: string;
  username: string | null;
  password_hash: string | null;
  created_at: number;
  disabled: number;
  unit_id: string | null;
}

const fromRow = (r: UserRow): UserRecord => ({
  id: r.id,
  kind: r.kind,
  role: r.role,
  displayName: r.display_name,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabled: r.disabled === 1,
  unitId: r.unit_id ?? null,
});

const staffRoles = STAFF_ROLES.map((r) => `'${r}'`).join(', ');

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const identitySchema: SqliteSchema = {
  feature: 'identity',
  steps: [
    {
      // UNIQUE allows any number of NULLs, which is what guests (no username) need.
      why: 'users and staff accounts',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            role TEXT NOT NULL,
            display_name TEXT NOT NULL,
            username TEXT UNIQUE,
            password_hash TEXT,
            created_at INTEGER NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
          ) STRICT;
          CREATE INDEX IF NOT EXISTS users_by_role ON users (role);
        `),
    },
    {
      // Databases made before accounts could be disabled gain the column, every account enabled.
      why: 'disabled accounts',
      run: (db) => void addColumn(db, 'users', 'disabled', 'INTEGER NOT NULL DEFAULT 0'),
    },
    {
      // Every account made before units is in none.
      why: "a staff member's unit",
      run: (db) => void addColumn(db, 'users', 'unit_id', 'TEXT'),
    },
  ],
};

export function createSqliteIdentityStore(db: Database): IdentityStore {
  migrateSqlite(db, [identitySchema]);

  const insert = db.prepare<[Omit<UserRow, 'disabled' | 'unit_id'>], void>(`
    INSERT INTO users (id, kind, role, display_name, username, password_hash, created_at, disabled)
    VALUES (@id, @kind, @role, @display_name, @username, @password_hash, @created_at, 0)
    ON CONFLICT (username) DO NOTHING`);
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const staff = db.prepare<[], UserRow>(
    `SELECT * FROM users WHERE kind = 'account' AND role IN (${staffRoles}) ORDER BY created_at, id`,
  );
  const countRole = db.prepare<[string], number>('SELECT count(*) FROM users WHERE role = ?').pluck();
  const countActiveAdmins = db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck();
  const writeDisabled = db.prepare<[number, string], void>('UPDATE users SET disabled = ? WHERE id = ?');
  const writeUnit = db.prepare<[string | null, string], void>("UPDATE users SET unit_id = ? WHERE id = ? AND kind = 'account'");
  const writePassword = db.prepare<[string, string], void>("UPDATE users SET password_hash = ? WHERE id = ? AND kind = 'account'");

  // IMMEDIATE, so two admins disabling each other cannot both read "two admins left".
  const setDisabled = db.transaction((id: string, disabled: boolean): SetDisabledOutcome => {
    const row = byId.get(id);
    if (!row) return 'not-found';
    if (disabled && row.role === 'admin' && row.disabled === 0 && (countActiveAdmins.get() ?? 0) <= 1) return 'last-admin';
    writeDisabled.run(disabled ? 1 : 0, id);
    return 'ok';
  });

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
    async setDisabled(id, disabled) {
      return setDisabled.immediate(id, disabled);
    },
    async setPasswordHash(id, passwordHash) {
      return writePassword.run(passwordHash, id).changes === 1;
    },
    async setUnit(id, unitId) {
      return writeUnit.run(unitId, id).changes === 1;
    },
  };
}
