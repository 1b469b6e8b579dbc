import { describe, expect, it } from 'vitest';
import type { FilterStore } from '../../server/moderation/filter-store.js';
import { storePerTest, type MakeStore } from './harness.js';



export function describeFilterStore(name: string, makeStore: MakeStore<FilterStore>): void {
  describe(`FilterStore (${name})`, () => {
    const t = storePerTest(makeStore);

    describe('filter entries', () => {
      it('stores a term trimmed and in lower case, and lists entries by term', async () => {
        const chief = await t.store.addFilterEntry({ term: '  Chief Home Address ', action: 'block', createdBy: 'admin-1' });
        expect(chief).toMatchObject({ term: 'chief home address', action: 'block', createdBy: 'admin-1' });
        expect(chief!.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
        const badge = await t.store.addFilterEntry({ term: 'badge number', action: 'mask', createdBy: 'admin-1' });
        expect(await t.store.listFilterEntries()).toEqual([badge, chief]);
      });

      it('refuses a term that exists already, whatever its case and spacing', async () => {
        const first = await t.store.addFilterEntry({ term: 'dirtycop', action: 'hold', createdBy: 'admin-1' });
        expect(await t.store.addFilterEntry({ term: ' DirtyCop', action: 'block', createdBy: 'admin-2' })).toBeNull();
        expect(await t.store.listFilterEntries()).toEqual([first]);
      });

      it('lets exactly one of two nodes adding the same term at once win', async () => {
        const other = await t.another();
        const results = await Promise.all([
          t.store.addFilterEntry({ term: 'snitch', action: 'hold', createdBy: 'admin-1' }),
          other.addFilterEntry({ term: 'SNITCH', action: 'block', createdBy: 'admin-2' }),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await other.listFilterEntries()).toEqual(winners);
      });

      it('raises the version on every add and remove, and not on a refused add or an unknown remove', async () => {
        const start = await t.store.filterVersion();
        const entry = await t.store.addFilterEntry({ term: 'one', action: 'hold', createdBy: 'admin-1' });
        await t.store.addFilterEntry({ term: 'two', action: 'hold', createdBy: 'admin-1' });
        expect(await t.store.filterVersion()).toBe(start + 2);
        await t.store.addFilterEntry({ term: 'ONE', action: 'hold', createdBy: 'admin-1' });
        await t.store.removeFilterEntry('nothing-here-000');
        expect(await t.store.filterVersion()).toBe(start + 2);
        await t.store.removeFilterEntry(entry!.id);
        expect(await t.store.filterVersion()).toBe(start + 3);
      });

      it('removes an entry once, after which its term can be added again', async () => {
        const entry = await t.store.addFilterEntry({ term: 'temporary', action: 'mask', createdBy: 'admin-1' });
        expect(await t.store.removeFilterEntry(entry!.id)).toEqual(entry);
        expect(await t.store.removeFilterEntry(entry!.id)).toBeNull();
        expect(await t.store.listFilterEntries()).toEqual([]);
        const again = await t.store.addFilterEntry({ term: 'Temporary', action: 'block', createdBy: 'admin-2' });
        expect(await t.store.listFilterEntries()).toEqual([again]);
      });
    });

    it('keeps everything after the storage is reopened', async () => {
      const entry = await t.store.addFilterEntry({ term: 'kept', action: 'hold', createdBy: 'admin-1' });
      const version = await t.store.filterVersion();
      const reopened = await t.reopen();
      expect(await reopened.listFilterEntries()).toEqual([entry]);
      expect(await reopened.filterVersion()).toBe(version);
    });
  });
}
