import { describe, expect, it, vi } from 'vitest';
import type { NewTownHall, TownHallStore } from '../../server/townhall/store.js';
import { byId, storePerTest, type MakeStore } from './harness.js';

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
    const t = storePerTest(makeStore);

    it('returns exactly the town hall it stored', async () => {
      const input = hall('Budget night', 1_767_000_000_000, { status: 'live', moderation: 'pre' });
      const created = await t.store.create(input);
      expect(created).toMatchObject(input);
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(await t.store.get(created.id)).toEqual(created);
    });

    it('resolves to null for an unknown id', async () => {
      expect(await t.store.get('nothing-here-000')).toBeNull();
    });

    it('lists by start time, then by creation time, then by id', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(5_000);
      const late = await t.store.create(hall('Late', 300));
      const earlyNewer = await t.store.create(hall('Early, made later', 100));
      vi.setSystemTime(4_000);
      const middle = await t.store.create(hall('Middle', 200));
      const earlyOlder = await t.store.create(hall('Early, made first', 100));
      const tiedA = await t.store.create(hall('Tie A', 200));
      const tiedB = await t.store.create(hall('Tie B', 200));

      const middles = [middle, tiedA, tiedB].sort(byId);
      expect(await t.store.list()).toEqual([earlyOlder, earlyNewer, ...middles, late]);
    });

    it('changes the moderation mode and keeps everything else', async () => {
      const created = await t.store.create(hall('Parks', 10));
      const changed = await t.store.setModeration(created.id, 'pre');
      expect(changed).toEqual({ ...created, moderation: 'pre' });
      expect(await t.store.get(created.id)).toEqual(changed);
    });

    it('stores nothing when setting the moderation of an unknown town hall', async () => {
      expect(await t.store.setModeration('nothing-here-000', 'pre')).toBeNull();
      expect(await t.store.get('nothing-here-000')).toBeNull();
      expect(await t.store.list()).toEqual([]);
    });

    it('keeps its hosts and stamps the start of a town hall created live', async () => {
      const hosts = [{ id: 'officer-one-0001', displayName: 'Sgt. Rivera' }];
      const created = await t.store.create(hall('Live now', 10, { status: 'live', hosts }));
      expect(created.hosts).toEqual(hosts);
      expect(created.startedAt).toBe(created.createdAt);
      expect(created.endedAt).toBeNull();
      expect(await t.store.get(created.id)).toEqual(created);
    });

    it('moves the status only from the state it is asked to move from, stamping the time', async () => {
      const created = await t.store.create(hall('Lifecycle', 10));
      expect(created.startedAt).toBeNull();
      expect(await t.store.transition(created.id, 'live', 'ended', 50)).toBeNull();
      const live = await t.store.transition(created.id, 'scheduled', 'live', 100);
      expect(live).toEqual({ ...created, status: 'live', startedAt: 100 });
      // A second host pressing start at the same moment finds it already moved.
      expect(await t.store.transition(created.id, 'scheduled', 'live', 101)).toBeNull();
      const ended = await t.store.transition(created.id, 'live', 'ended', 200);
      expect(ended).toEqual({ ...created, status: 'ended', startedAt: 100, endedAt: 200 });
      expect(await t.store.get(created.id)).toEqual(ended);
      expect(await t.store.transition('nothing-here-000', 'scheduled', 'live', 1)).toBeNull();
    });

    it('edits only the fields given and keeps the order by start time', async () => {
      const first = await t.store.create(hall('First', 100));
      const second = await t.store.create(hall('Second', 200));
      const hosts = [{ id: 'officer-two-0002', displayName: 'Lt. Chen' }];
      const edited = await t.store.edit(first.id, { startsAt: 300, description: '', hosts });
      expect(edited).toEqual({ ...first, startsAt: 300, description: '', hosts });
      expect((await t.store.list()).map((h) => h.id)).toEqual([second.id, first.id]);
      expect(await t.store.edit('nothing-here-000', { title: 'Ghost' })).toBeNull();
      expect(await t.store.list()).toHaveLength(2);
    });

    it('keeps every town hall after the storage is reopened', async () => {
      const a = await t.store.create(hall('First', 1));
      const b = await t.store.setModeration((await t.store.create(hall('Second', 2))).id, 'pre');
      const reopened = await t.reopen();
      expect(await reopened.list()).toEqual([a, b]);
      expect(await reopened.get(a.id)).toEqual(a);
    });

    it('admits a person to a hall once, per hall, and keeps it across a restart', async () => {
      const a = await t.store.create(hall('Hybrid night', 100, { status: 'live' }));
      const b = await t.store.create(hall('Another night', 200, { status: 'live' }));
      expect(await t.store.isAdmitted(a.id, 'person-000000001')).toBe(false);
      await t.store.admit(a.id, 'person-000000001');
      await t.store.admit(a.id, 'person-000000001');
      expect(await t.store.isAdmitted(a.id, 'person-000000001')).toBe(true);
      expect(await t.store.isAdmitted(b.id, 'person-000000001')).toBe(false);
      expect(await t.store.isAdmitted(a.id, 'person-000000002')).toBe(false);
      expect(await (await t.reopen()).isAdmitted(a.id, 'person-000000001')).toBe(true);
    });
  });
}
