import { describe, expect, it } from 'vitest';
import type { SanctionStore, NewSanction } from '../../server/moderation/sanction-store.js';
import { storePerTest, type MakeStore } from './harness.js';

const KIM = { id: 'mod-kim', name: 'Sgt. Kim' };
const USER = 'resident-0001';

const sanction = (extra: Partial<NewSanction> = {}): NewSanction => ({
  userId: USER,
  kind: 'timeout',
  townHallId: 'townhall-aaaa-01',
  until: 10_000,
  reason: 'harassment',
  note: 'repeated, after a warning "stop"',
  by: KIM.id,
  at: 1_000,
  ...extra,
});

export function describeSanctionStore(name: string, makeStore: MakeStore<SanctionStore>): void {
  describe(`SanctionStore (${name})`, () => {
    const t = storePerTest(makeStore);

    describe('sanctions', () => {
      it('returns exactly the sanction it stored, and lists a person’s sanctions newest first', async () => {
        const older = await t.store.addSanction(sanction({ at: 1_000 }));
        expect(older).toEqual({ ...sanction({ at: 1_000 }), id: older.id, liftedAt: null, liftedBy: null, alias: null });
        const newer = await t.store.addSanction(sanction({ kind: 'ban', townHallId: null, until: null, note: null, at: 2_000 }));
        await t.store.addSanction(sanction({ userId: 'resident-0002' }));
        expect(await t.store.sanctionsOf(USER)).toEqual([newer, older]);
        expect(await t.store.sanctionsOf('nobody-000')).toEqual([]);
      });

      it('counts as active only sanctions neither lifted nor ended', async () => {
        const ban = await t.store.addSanction(sanction({ kind: 'ban', until: null, at: 1_000 }));
        const timeout = await t.store.addSanction(sanction({ until: 2_000, at: 1_100 }));
        const lifted = await t.store.addSanction(sanction({ until: 9_000, at: 1_200 }));
        await t.store.addSanction(sanction({ userId: 'resident-0002', until: null }));
        await t.store.liftSanction(lifted.id, 'admin-1', 1_300);

        expect(await t.store.activeSanctions(USER, 1_999)).toEqual([timeout, ban]);
        expect(await t.store.activeSanctions(USER, 2_000)).toEqual([ban]);
        await t.store.liftSanction(ban.id, 'admin-1', 3_000);
        expect(await t.store.activeSanctions(USER, 3_000)).toEqual([]);
      });

      it('keeps the pseudonym a sanction was given under, and leaves it null for one given by name', async () => {
        const alias = 'townhall:townhall-aaaa-01/R-ABCDE';
        const anonymous = await t.store.addSanction({ ...sanction({ at: 2_000 }), alias });
        const named = await t.store.addSanction(sanction({ at: 1_000 }));
        expect([anonymous.alias, named.alias]).toEqual([alias, null]);
        expect(await t.store.sanctionsOf(USER)).toEqual([anonymous, named]);
        expect(await t.store.liftSanction(anonymous.id, 'admin-1', 3_000)).toMatchObject({ alias, liftedAt: 3_000 });
      });

      it('lifts a sanction once', async () => {
        const s = await t.store.addSanction(sanction());
        const lifted = await t.store.liftSanction(s.id, 'admin-1', 4_000);
        expect(lifted).toEqual({ ...s, liftedAt: 4_000, liftedBy: 'admin-1' });
        expect(await t.store.liftSanction(s.id, 'admin-2', 5_000)).toBeNull();
        expect(await t.store.sanctionsOf(USER)).toEqual([lifted]);
        expect(await t.store.liftSanction('nothing-here-000', 'admin-1', 4_000)).toBeNull();
      });

      it('lifts a sanction once when two nodes lift it at once', async () => {
        const s = await t.store.addSanction(sanction());
        const other = await t.another();
        const results = await Promise.all([
          t.store.liftSanction(s.id, 'admin-1', 4_000),
          other.liftSanction(s.id, 'admin-2', 4_001),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.sanctionsOf(USER)).toEqual(winners);
      });
    });

    it('keeps everything after the storage is reopened', async () => {
      const s = await t.store.addSanction(sanction());
      const lifted = await t.store.liftSanction((await t.store.addSanction(sanction({ at: 500 }))).id, 'admin-1', 600);
      const reopened = await t.reopen();
      expect(await reopened.sanctionsOf(USER)).toEqual([s, lifted]);
      expect(await reopened.activeSanctions(USER, 2_000)).toEqual([s]);
    });
  });
}
