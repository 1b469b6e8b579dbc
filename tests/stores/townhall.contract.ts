import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewTownHall, TownHallStore } from '../../server/townhall/store.js';
import { byId, type MakeStore, type StoreHarness } from './harness.js';

const hall = (title: string, startsAt: number, extra: Partial<NewTownHall> = {}): NewTownHall => ({
  title,
  description: `About ${title}.\nSecond line, with "quotes" and émoji 🚓.`,
  startsAt,
  status: 'scheduled',
  moderation: 'post',
  ...extra,
});

export function describeTownHallStore(name: string, makeStore: MakeStore<TownHallStore>): void {
  describe(`TownHallStore (${name})`, () => {
    let h: StoreHarness<TownHallStore>;
    let store: TownHallStore;

    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      vi.useRealTimers();
      await h.cleanup();
    });

    it('returns exactly the town hall it stored', async () => {
      const input = hall('Budget night', 1_767_000_000_000, { status: 'live', moderation: 'pre' });
      const created = await store.create(input);
      expect(created).toMatchObject(input);
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(await store.get(created.id)).toEqual(created);
    });

    it('resolves to null for an unknown id', async () => {
      expect(await store.get('nothing-here-000')).toBeNull();
    });

    it('lists by start time, then by creation time, then by id', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(5_000);
      const late = await store.create(hall('Late', 300));
      const earlyNewer = await store.create(hall('Early, made later', 100));
      vi.setSystemTime(4_000);
      const middle = await store.create(hall('Middle', 200));
      const earlyOlder = await store.create(hall('Early, made first', 100));
      const tiedA = await store.create(hall('Tie A', 200));
      const tiedB = await store.create(hall('Tie B', 200));

      const middles = [middle, tiedA, tiedB].sort(byId);
      expect(await store.list()).toEqual([earlyOlder, earlyNewer, ...middles, late]);
    });

    it('changes the moderation mode and keeps everything else', async () => {
      const created = await store.create(hall('Parks', 10));
      const changed = await store.setModeration(created.id, 'pre');
      expect(changed).toEqual({ ...created, moderation: 'pre' });
      expect(await store.get(created.id)).toEqual(changed);
    });

    it('stores nothing when setting the moderation of an unknown town hall', async () => {
      expect(await store.setModeration('nothing-here-000', 'pre')).toBeNull();
      expect(await store.get('nothing-here-000')).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it('keeps every town hall after the storage is reopened', async () => {
      const a = await store.create(hall('First', 1));
      const b = await store.setModeration((await store.create(hall('Second', 2))).id, 'pre');
      const reopened = await h.reopen();
      expect(await reopened.list()).toEqual([a, b]);
      expect(await reopened.get(a.id)).toEqual(a);
    });
  });
}
