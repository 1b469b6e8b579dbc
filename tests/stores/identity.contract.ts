import { describe, expect, it, vi } from 'vitest';
import type { IdentityStore, NewUser } from '../../server/identity/store.js';
import { byId, storePerTest, type MakeStore } from './harness.js';

const account = (username: string, role: NewUser['role'] = 'resident'): NewUser => ({
  kind: 'account',
  role,
  displayName: `Person ${username}`,
  username,
  passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${username}`,
});

const guest = (displayName: string): NewUser => ({
  kind: 'guest',
  role: 'resident',
  displayName,
  username: null,
  passwordHash: null,
});

export function describeIdentityStore(name: string, makeStore: MakeStore<IdentityStore>): void {
  describe(`IdentityStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('returns exactly the account it stored', async () => {
      const created = await t.store.createUser(account('dana.k', 'officer'));
      expect(created).toMatchObject({ ...account('dana.k', 'officer') });
      expect(created!.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(typeof created!.createdAt).toBe('number');
      expect(await t.store.getUser(created!.id)).toEqual(created);
    });

    it('returns exactly the guest it stored, with no username or password', async () => {
      const created = await t.store.createUser(guest('Sam from Ward 3'));
      expect(created).toMatchObject(guest('Sam from Ward 3'));
      expect(await t.store.getUser(created!.id)).toEqual(created);
    });

    it('resolves to null for an unknown id or username', async () => {
      expect(await t.store.getUser('nobody-here-0000')).toBeNull();
      expect(await t.store.findByUsername('nobody')).toBeNull();
    });

    it('finds an account by its username', async () => {
      const created = await t.store.createUser(account('lee_b'));
      expect(await t.store.findByUsername('lee_b')).toEqual(created);
    });

    it('refuses a taken username and stores nothing', async () => {
      const first = await t.store.createUser(account('taken'));
      const second = await t.store.createUser({ ...account('taken', 'admin'), displayName: 'Impostor' });
      expect(second).toBeNull();
      expect(await t.store.findByUsername('taken')).toEqual(first);
      expect(await t.store.countByRole('admin')).toBe(0);
      expect(await t.store.countByRole('resident')).toBe(1);
      expect(await t.store.listStaff()).toEqual([]);
    });

    it('lets exactly one of two concurrent sign-ups with the same username win', async () => {
      const other = await t.another();
      const results = await Promise.all([
        t.store.createUser(account('race', 'moderator')),
        other.createUser(account('race', 'admin')),
        t.store.createUser(account('race', 'officer')),
      ]);
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await t.store.findByUsername('race')).toEqual(winners[0]);
      expect(await t.store.listStaff()).toEqual(winners);
      const counts = await Promise.all((['moderator', 'admin', 'officer'] as const).map((r) => t.store.countByRole(r)));
      expect(counts.reduce((a, b) => a + b)).toBe(1);
    });

    it('lets any number of guests share a display name', async () => {
      const a = await t.store.createUser(guest('Alex'));
      const b = await t.store.createUser(guest('Alex'));
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      expect(a!.id).not.toBe(b!.id);
    });

    it('lists staff accounts oldest first, without residents or guests', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(3_000);
      const admin = await t.store.createUser(account('the.admin', 'admin'));
      vi.setSystemTime(1_000);
      const officer = await t.store.createUser(account('officer.one', 'officer'));
      await t.store.createUser(account('resident.one'));
      await t.store.createUser(guest('Passer-by'));
      vi.setSystemTime(2_000);
      const captioner = await t.store.createUser(account('captions', 'captioner'));
      const moderator = await t.store.createUser(account('mod.one', 'moderator'));

      const tied = [captioner!, moderator!].sort(byId);
      expect(await t.store.listStaff()).toEqual([officer, ...tied, admin]);
    });

    it('counts users by role, guests included', async () => {
      expect(await t.store.countByRole('admin')).toBe(0);
      await t.store.createUser(account('a1', 'admin'));
      await t.store.createUser(account('a2', 'admin'));
      await t.store.createUser(account('r1'));
      await t.store.createUser(guest('Visitor'));
      expect(await t.store.countByRole('admin')).toBe(2);
      expect(await t.store.countByRole('resident')).toBe(2);
      expect(await t.store.countByRole('officer')).toBe(0);
    });

    it('starts every user enabled, and disables and enables an account', async () => {
      const officer = await t.store.createUser(account('ofc.lee', 'officer'));
      expect(officer!.disabled).toBe(false);
      expect(await t.store.setDisabled(officer!.id, true)).toBe('ok');
      expect(await t.store.getUser(officer!.id)).toEqual({ ...officer, disabled: true });
      expect(await t.store.findByUsername('ofc.lee')).toEqual({ ...officer, disabled: true });
      expect(await t.store.listStaff()).toEqual([{ ...officer, disabled: true }]);
      expect(await t.store.setDisabled(officer!.id, false)).toBe('ok');
      expect(await t.store.getUser(officer!.id)).toEqual(officer);
      expect(await t.store.setDisabled('nobody-here-0000', true)).toBe('not-found');
    });

    it('refuses to disable the last enabled admin', async () => {
      const first = await t.store.createUser(account('admin.one', 'admin'));
      expect(await t.store.setDisabled(first!.id, true)).toBe('last-admin');
      expect((await t.store.getUser(first!.id))!.disabled).toBe(false);
      const second = await t.store.createUser(account('admin.two', 'admin'));
      expect(await t.store.setDisabled(first!.id, true)).toBe('ok');
      expect(await t.store.setDisabled(second!.id, true)).toBe('last-admin');
      // Disabling an already disabled admin is not "the last one" either way.
      expect(await t.store.setDisabled(first!.id, true)).toBe('ok');
    });

    it('lets only one of two admins who disable each other at once succeed', async () => {
      const other = await t.another();
      const a = await t.store.createUser(account('admin.a', 'admin'));
      const b = await t.store.createUser(account('admin.b', 'admin'));
      const outcomes = await Promise.all([t.store.setDisabled(a!.id, true), other.setDisabled(b!.id, true)]);
      expect(outcomes.sort()).toEqual(['last-admin', 'ok']);
      const enabled = (await t.store.listStaff()).filter((u) => !u.disabled);
      expect(enabled).toHaveLength(1);
    });

    it('replaces an account’s password hash, and refuses a guest or unknown id', async () => {
      const officer = await t.store.createUser(account('ofc.kim', 'officer'));
      const visitor = await t.store.createUser(guest('Visitor'));
      expect(await t.store.setPasswordHash(officer!.id, '$argon2id$new')).toBe(true);
      expect(await t.store.getUser(officer!.id)).toEqual({ ...officer, passwordHash: '$argon2id$new' });
      expect(await t.store.setPasswordHash(visitor!.id, '$argon2id$new')).toBe(false);
      expect(await t.store.getUser(visitor!.id)).toEqual(visitor);
      expect(await t.store.setPasswordHash('nobody-here-0000', '$argon2id$new')).toBe(false);
      expect(await t.store.getUser('nobody-here-0000')).toBeNull();
    });

    it('starts an account in no unit, puts it in one and out again, and refuses a guest or unknown id', async () => {
      const officer = await t.store.createUser(account('unit.officer', 'officer'));
      const visitor = await t.store.createUser(guest('Visitor'));
      expect(officer!.unitId).toBeNull();
      expect(await t.store.setUnit(officer!.id, 'unit-patrol-0001')).toBe(true);
      expect(await (await t.another()).getUser(officer!.id)).toEqual({ ...officer, unitId: 'unit-patrol-0001' });
      expect((await t.store.listStaff()).map((u) => u.unitId)).toEqual(['unit-patrol-0001']);
      const reopened = await t.reopen();
      expect(await reopened.getUser(officer!.id)).toEqual({ ...officer, unitId: 'unit-patrol-0001' });
      expect(await reopened.setUnit(officer!.id, null)).toBe(true);
      expect(await reopened.getUser(officer!.id)).toEqual(officer);
      expect(await reopened.setUnit(visitor!.id, 'unit-patrol-0001')).toBe(false);
      expect(await reopened.getUser(visitor!.id)).toEqual(visitor);
      expect(await reopened.setUnit('nobody-here-0000', 'unit-patrol-0001')).toBe(false);
    });

    it('keeps every user and username after the storage is reopened', async () => {
      const staff = await t.store.createUser(account('keeper', 'moderator'));
      const visitor = await t.store.createUser(guest('Visitor'));
      const off = await t.store.createUser(account('off.duty', 'officer'));
      await t.store.setDisabled(off!.id, true);
      const reopened = await t.reopen();
      expect(await reopened.getUser(off!.id)).toEqual({ ...off, disabled: true });
      expect(await reopened.getUser(staff!.id)).toEqual(staff);
      expect(await reopened.getUser(visitor!.id)).toEqual(visitor);
      expect(await reopened.findByUsername('keeper')).toEqual(staff);
      const staffAfter = await reopened.listStaff();
      expect(staffAfter).toHaveLength(2);
      expect(staffAfter).toEqual(expect.arrayContaining([staff, { ...off, disabled: true }]));
      expect(await reopened.countByRole('resident')).toBe(1);
      expect(await reopened.createUser(account('keeper'))).toBeNull();
    });
  });
}
