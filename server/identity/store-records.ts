import { newId } from '../core/ids.js';
import type { NewUser, UserRecord } from './store.js';

/** Copies exactly the declared fields, so both stores return what they will read back. */
export const newUserRecord = (u: NewUser): UserRecord => ({
  id: newId(),
  kind: u.kind,
  role: u.role,
  displayName: u.displayName,
  username: u.username,
  passwordHash: u.passwordHash,
  createdAt: Date.now(),
  disabled: false,
  unitId: null,
});
