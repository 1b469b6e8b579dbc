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
  /** A disabled account cannot sign in; only an admin disables or enables one. */
  disabled: boolean;
  /** The department's unit a staff account belongs to (settings' units), or null. */
  unitId: string | null;
}

/** Every new user starts enabled, in no unit. */
export type NewUser = Omit<UserRecord, 'id' | 'createdAt' | 'disabled' | 'unitId'>;

export type SetDisabledOutcome = 'ok' | 'not-found' | 'last-admin';

/**
 * People who can hold a session.
 *
 * Invariants (tests/stores/identity.contract.ts):
 * - usernames are unique: `createUser` with a taken username resolves to null and stores nothing;
 * - `getUser` returns exactly what `createUser` stored (enabled), with later changes applied;
 * - at least one enabled admin remains once there has been one: `setDisabled` refuses to
 *   disable the last enabled admin (`last-admin`), even when two admins disable each other at once;
 * - every method resolves only after the write is stored.
 */
export interface IdentityStore {
  createUser(user: NewUser): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Accounts with a staff role, oldest first. */
  listStaff(): Promise<UserRecord[]>;
  /** Users with that role, disabled ones included. */
  countByRole(role: Role): Promise<number>;
  setDisabled(id: string, disabled: boolean): Promise<SetDisabledOutcome>;
  /** Resolves to false for an unknown id or a guest (who has no password). */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /** Puts an account in a unit (null: none); resolves to false for an unknown id or a guest. */
  setUnit(id: string, unitId: string | null): Promise<boolean>;
}
