import { hash, verify } from '@node-rs/argon2';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Me, StaffMember } from '../../shared/session.js';
import { isStaff, type Role } from '../../shared/roles.js';
import type { IdentityStore, UserRecord } from './store.js';
import type { SessionUser } from '../core/types.js';
import { impersonatesStaff, STAFF_NAME_MESSAGE, staffName } from './names.js';

// A hash computed once so that a login for an unknown username costs as much as a real one
// and does not reveal which usernames exist by its timing.
let dummyHash: Promise<string> | null = null;

export interface IdentityService {
  joinAsGuest(displayName: string): Promise<UserRecord>;
  login(username: string, password: string): Promise<UserRecord | null>;
  register(input: { displayName: string; username: string; password: string }): Promise<UserRecord>;
  createStaff(input: { displayName: string; username: string; password: string; role: Role }): Promise<UserRecord>;
  listStaff(): Promise<StaffMember[]>;
  /** Disables or enables a staff account on an admin's word (`by`); sessions are the caller's to end. */
  setStaffDisabled(id: string, disabled: boolean, by: string): Promise<StaffMember>;
  /** Sets a new password an admin chose for a staff account; sessions are the caller's to end. */
  resetStaffPassword(id: string, password: string): Promise<StaffMember>;
  /** Puts a staff account in a unit (null: none); that the unit exists is the caller's check. */
  setStaffUnit(id: string, unitId: string | null): Promise<StaffMember>;
  /** Creates the first admin when there is none; returns false when one exists already. */
  ensureAdmin(input: { username: string; password: string; displayName?: string }): Promise<boolean>;
  sessionUser(id: string): Promise<SessionUser | null>;
  me(id: string): Promise<Me | null>;
}

export const toMe = (u: UserRecord): Me => ({
  id: u.id,
  kind: u.kind,
  role: u.role,
  displayName: u.displayName,
  username: u.username,
});

export const toStaffMember = (u: UserRecord): StaffMember => ({
  id: u.id,
  role: u.role,
  displayName: u.displayName,
  username: u.username ?? '',
  createdAt: u.createdAt,
  disabled: u.disabled,
  unitId: u.unitId,
});

export function createIdentityService(store: IdentityStore): IdentityService {
  const createAccount = async (input: { displayName: string; username: string; password: string; role: Role }) => {
    const user = await store.createUser({
      kind: 'account',
      role: input.role,
      displayName: input.displayName,
      username: input.username,
      passwordHash: await hash(input.password),
    });
    if (!user) throw new CommandError(ErrorCode.CONFLICT, 'That username is taken.');
    return user;
  };

  // Staff are few, so reading them on every sign-up is cheap, and it is never stale: an account
  // created on another node protects its name at once.
  const refuseStaffLookAlike = async (displayName: string) => {
    const staff = (await store.listStaff()).map((u) => staffName(u.displayName));
    if (impersonatesStaff(displayName, staff)) {
      throw new CommandError(ErrorCode.INVALID_PAYLOAD, STAFF_NAME_MESSAGE, { fields: ['displayName'], reason: 'STAFF_NAME' });
    }
  };
  const requireStaff = async (id: string) => {
    const user = await store.getUser(id);
    if (!user || user.kind !== 'account' || !isStaff(user.role)) throw new CommandError(ErrorCode.NOT_FOUND, 'No such staff member.');
    return user;
  };

  return {
    async joinAsGuest(displayName) {
      await refuseStaffLookAlike(displayName);
      const user = await store.createUser({ kind: 'guest', role: 'resident', displayName, username: null, passwordHash: null });
      if (!user) throw new CommandError(ErrorCode.INTERNAL, 'Could not create a guest.');
      return user;
    },
    async login(username, password) {
      const user = await store.findByUsername(username);
      if (!user?.passwordHash) {
        dummyHash ??= hash('roundtable-timing-equaliser');
        await verify(await dummyHash, password).catch(() => false);
        return null;
      }
      return (await verify(user.passwordHash, password).catch(() => false)) ? user : null;
    },
    async register(input) {
      await refuseStaffLookAlike(input.displayName);
      return createAccount({ ...input, role: 'resident' });
    },
    createStaff: (input) => createAccount(input),
    async listStaff() {
      return (await store.listStaff()).map(toStaffMember);
    },
    async setStaffDisabled(id, disabled, by) {
      const user = await requireStaff(id);
      if (disabled && id === by) throw new CommandError(ErrorCode.CONFLICT, 'You cannot disable your own account.');
      const outcome = await store.setDisabled(id, disabled);
      if (outcome === 'not-found') throw new CommandError(ErrorCode.NOT_FOUND, 'No such staff member.');
      if (outcome === 'last-admin') {
        throw new CommandError(ErrorCode.CONFLICT, 'This is the last admin account; make another admin before disabling it.');
      }
      return toStaffMember({ ...user, disabled });
    },
    async resetStaffPassword(id, password) {
      const user = await requireStaff(id);
      if (!(await store.setPasswordHash(id, await hash(password)))) throw new CommandError(ErrorCode.NOT_FOUND, 'No such staff member.');
      return toStaffMember(user);
    },
    async setStaffUnit(id, unitId) {
      const user = await requireStaff(id);
      if (!(await store.setUnit(id, unitId))) throw new CommandError(ErrorCode.NOT_FOUND, 'No such staff member.');
      return toStaffMember({ ...user, unitId });
    },
    async ensureAdmin({ username, password, displayName = 'Administrator' }) {
      if ((await store.countByRole('admin')) > 0) return false;
      try {
        await createAccount({ username, password, displayName, role: 'admin' });
        return true;
      } catch (err) {
        // Several nodes starting at once (a service manager, a rolling deploy) all see no admin
        // and race to create the same one: the store's unique username lets one win. The others
        // find it made; anything else (the name taken by another account) is still an error.
        if (err instanceof CommandError && err.code === ErrorCode.CONFLICT && (await store.countByRole('admin')) > 0) return false;
        throw err;
      }
    },
    async sessionUser(id) {
      const user = await store.getUser(id);
      return user ? { id: user.id, role: user.role, displayName: user.displayName } : null;
    },
    async me(id) {
      const user = await store.getUser(id);
      return user ? toMe(user) : null;
    },
  };
}

export const sessionTtlMs = (role: Role): number => (isStaff(role) ? 12 : 30 * 24) * 3600_000;
