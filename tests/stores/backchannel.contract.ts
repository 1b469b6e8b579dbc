import { describe, expect, it, vi } from 'vitest';
import type { BackchannelRecord, BackchannelStore, NewBackchannelMessage } from '../../server/backchannel/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';
const note = (text: string, townHallId = TH): NewBackchannelMessage => ({
  townHallId,
  authorId: 'moderator-00001',
  authorName: 'Mod Rivera',
  authorRole: 'moderator',
  text,
});
const texts = (ms: BackchannelRecord[]): string[] => ms.map((m) => m.text);

export function describeBackchannelStore(name: string, makeStore: MakeStore<BackchannelStore>): void {
  describe(`BackchannelStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('returns exactly the message it stored, with its time', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      const created = await t.store.add(note('Take the "Elm Street" question next 🎙'));
      expect(created).toEqual({ ...note('Take the "Elm Street" question next 🎙'), id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), at: 1_767_000_000_000 });
      expect(await t.store.all(TH)).toEqual([created]);
    });

    it('keeps the order messages were added in, even within one millisecond, per town hall', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      for (const text of ['one', 'two', 'three', 'four', 'five']) await t.store.add(note(text));
      await t.store.add(note('other room', OTHER_TH));
      expect(texts(await t.store.all(TH))).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(texts(await t.store.recent(TH, 2))).toEqual(['four', 'five']);
      expect(texts(await t.store.recent(TH, 0))).toEqual([]);
      expect(texts(await t.store.recent(OTHER_TH, 10))).toEqual(['other room']);
      expect(await t.store.all('townhall-none-03')).toEqual([]);
    });

    it('keeps messages written from two nodes and across a restart, with their authors', async () => {
      const other = await t.another();
      await t.store.add(note('audio is low'));
      await other.add({ ...note('raising it now'), authorId: 'captioner-0001', authorName: 'Cap Lee', authorRole: 'captioner' });
      const reopened = await t.reopen();
      expect((await reopened.all(TH)).map((m) => [m.text, m.authorName, m.authorRole])).toEqual([
        ['audio is low', 'Mod Rivera', 'moderator'],
        ['raising it now', 'Cap Lee', 'captioner'],
      ]);
    });

    it('deletes one town hall\'s messages and no other\'s, and says how many', async () => {
      await t.store.add(note('one'));
      await t.store.add(note('two'));
      await t.store.add(note('stays', OTHER_TH));
      expect(await t.store.deleteTownHall(TH)).toBe(2);
      expect(await t.store.deleteTownHall(TH)).toBe(0);
      const reopened = await t.reopen();
      expect(await reopened.all(TH)).toEqual([]);
      expect(await reopened.recent(TH, 10)).toEqual([]);
      expect(texts(await reopened.all(OTHER_TH))).toEqual(['stays']);
    });
  });
}
