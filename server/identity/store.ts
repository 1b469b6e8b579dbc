import type { Role } from '../../shared/roles.js';

export interface UserRecord {
  id: string;
  /** guest: a display name only; account: signed in with a username and password. */
  kind: 'guest' | 'account';
  role: Role;
  displayName: string;
  /** Lower-case, unique across accounts; null for guests. */
  username: string | null;
  /** argon2 hash; null for guests. */
  passwordHash: string | null;
  createdAt: number;
}

export type NewUser = Omit<UserRecord, 'id' | 'createdAt'>;

/**
 * People who can hold a session.
 *
 * Invariants (tests/stores/identity.contract.ts):
 * - usernames are unique: `createUser` with a taken username resolves to null and stores nothing;
 * - `getUser` returns exactly what `createUser` stored;
 * - every method resolves only after the write is stored.
 */
export interface IdentityStore {
  createUser(user: NewUser): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Accounts with a staff role, oldest first. */
  listStaff(): Promise<UserRecord[]>;
  countByRole(role: Role): Promise<number>;
}
