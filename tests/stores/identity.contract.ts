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

    it('keeps every user and username after the storage is reopened', async () => {
      const staff = await t.store.createUser(account('keeper', 'moderator'));
      const visitor = await t.store.createUser(guest('Visitor'));
      const reopened = await t.reopen();
      expect(await reopened.getUser(staff!.id)).toEqual(staff);
      expect(await reopened.getUser(visitor!.id)).toEqual(visitor);
      expect(await reopened.findByUsername('keeper')).toEqual(staff);
      expect(await reopened.listStaff()).toEqual([staff]);
      expect(await reopened.countByRole('resident')).toBe(1);
      expect(await reopened.createUser(account('keeper'))).toBeNull();
    });
  });
}
