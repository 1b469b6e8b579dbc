import { describe, expect, it } from 'vitest';
import type { NamedList, NamedListStore } from '../../server/settings/named-list-store.js';
import { storePerTest, type MakeStore } from './harness.js';

/** Both lists on one backend, so the suite can check that they are kept apart. */
export type NamedListStores = Record<NamedList, NamedListStore>;

/** One suite for either list (the topics and the units are kept by the same code). */
export function describeNamedListStore(name: string, list: NamedList, makeStores: MakeStore<NamedListStores>): void {
  const other: NamedList = list === 'topics' ? 'units' : 'topics';
  describe(`NamedListStore ${list} (${name})`, () => {
    const h = storePerTest(makeStores);
    const t = {
      get store() {
        return h.store[list];
      },
      another: async () => (await h.another())[list],
      reopen: async () => (await h.reopen())[list],
    };

    it('lists no topics before any is added', async () => {
      expect(await t.store.list()).toEqual([]);
    });

    it('lists topics in the order they were added, to this node and to another', async () => {
      const traffic = await t.store.add({ en: 'Traffic', es: 'Tráfico' });
      const youth = await t.store.add({ en: 'Youth', es: 'Jóvenes' });
      expect(traffic).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), name: { en: 'Traffic', es: 'Tráfico' }, retired: false });
      expect(await t.store.list()).toEqual([traffic, youth]);
      expect(await (await t.another()).list()).toEqual([traffic, youth]);
      expect(await t.store.get(youth.id)).toEqual(youth);
    });

    it('changes only the fields it is given', async () => {
      const topic = await t.store.add({ en: 'Burglary', es: 'Robos' });
      expect(await t.store.update(topic.id, { es: 'Robos en casas' })).toEqual({ ...topic, name: { en: 'Burglary', es: 'Robos en casas' } });
      expect(await t.store.update(topic.id, { retired: true })).toEqual({ ...topic, name: { en: 'Burglary', es: 'Robos en casas' }, retired: true });
      expect(await t.store.update(topic.id, { en: 'Break-ins' })).toEqual({ id: topic.id, name: { en: 'Break-ins', es: 'Robos en casas' }, retired: true });
      expect(await t.store.get(topic.id)).toEqual({ id: topic.id, name: { en: 'Break-ins', es: 'Robos en casas' }, retired: true });
    });

    it('keeps a retired topic in the list, and brings it back', async () => {
      const topic = await t.store.add({ en: 'Parking', es: 'Estacionamiento' });
      await t.store.update(topic.id, { retired: true });
      expect(await t.store.list()).toEqual([{ ...topic, retired: true }]);
      expect(await t.store.update(topic.id, { retired: false })).toEqual(topic);
    });

    it('answers null for a topic it does not know, and changes nothing', async () => {
      const topic = await t.store.add({ en: 'Noise', es: 'Ruido' });
      expect(await t.store.get('no-such-topic-1')).toBeNull();
      expect(await t.store.update('no-such-topic-1', { en: 'Other' })).toBeNull();
      expect(await t.store.list()).toEqual([topic]);
    });

    it('keeps topics across a restart', async () => {
      const topic = await t.store.add({ en: 'Schools', es: 'Escuelas' });
      const reopened = await t.reopen();
      expect(await reopened.list()).toEqual([topic]);
    });

    it(`keeps ${list} apart from ${other}`, async () => {
      const item = await t.store.add({ en: 'Patrol', es: 'Patrulla' });
      expect(await h.store[other].list()).toEqual([]);
      expect(await h.store[other].get(item.id)).toBeNull();
      expect(await h.store[other].update(item.id, { retired: true })).toBeNull();
      expect(await t.store.get(item.id)).toEqual(item);
    });

    it('keeps both of two admins changing different fields of one topic at once', async () => {
      const topic = await t.store.add({ en: 'Drugs', es: 'Drogas' });
      const other = await t.another();
      await Promise.all([t.store.update(topic.id, { en: 'Narcotics' }), other.update(topic.id, { retired: true })]);
      expect(await t.store.get(topic.id)).toEqual({ id: topic.id, name: { en: 'Narcotics', es: 'Drogas' }, retired: true });
    });
  });
}
