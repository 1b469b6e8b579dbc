import { describe, expect, it, vi } from 'vitest';
import type { CaptionRecord, CaptionStore } from '../../server/captions/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';
const line = (text: string, townHallId = TH) => ({ townHallId, authorId: 'captioner-0001', authorRole: 'captioner' as const, text });
const texts = (ls: CaptionRecord[]): string[] => ls.map((l) => l.text);

export function describeCaptionStore(name: string, makeStore: MakeStore<CaptionStore>): void {
  describe(`CaptionStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('returns exactly the line it stored, with its time', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      const created = await t.store.add(line('Good evening, everyone. "Welcome" 🎙'));
      expect(created).toEqual({ ...line('Good evening, everyone. "Welcome" 🎙'), id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), at: 1_767_000_000_000, lang: null });
      expect(await t.store.all(TH)).toEqual([created]);
    });

    it('keeps the order lines were added in, even within one millisecond', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      for (const text of ['one', 'two', 'three', 'four', 'five']) await t.store.add(line(text));
      await t.store.add(line('other room', OTHER_TH));
      expect(texts(await t.store.all(TH))).toEqual(['one', 'two', 'three', 'four', 'five']);
      expect(texts(await t.store.recent(TH, 2))).toEqual(['four', 'five']);
      expect(texts(await t.store.recent(TH, 0))).toEqual([]);
      expect(texts(await t.store.recent(OTHER_TH, 10))).toEqual(['other room']);
      expect(await t.store.all('townhall-none-03')).toEqual([]);
    });

    it('keeps the role of whoever typed each line, across a restart', async () => {
      await t.store.add(line('typed by the captioner'));
      await t.store.add({ ...line('typed by the host'), authorId: 'officer-0000001', authorRole: 'officer' });
      const reopened = await t.reopen();
      expect((await reopened.all(TH)).map((l) => l.authorRole)).toEqual(['captioner', 'officer']);
      expect((await reopened.recent(TH, 1)).map((l) => l.authorRole)).toEqual(['officer']);
    });

    it('keeps the language each line was typed in, across a restart; a line typed without one has none', async () => {
      await t.store.add({ ...line('Good evening.'), lang: 'en' });
      await t.store.add({ ...line('Buenas noches.'), lang: 'es-MX' });
      await t.store.add(line('No language said.'));
      const reopened = await t.reopen();
      expect((await reopened.all(TH)).map((l) => l.lang)).toEqual(['en', 'es-MX', null]);
      expect((await reopened.recent(TH, 2)).map((l) => l.lang)).toEqual(['es-MX', null]);
    });

    it('keeps lines written from two nodes and across a restart', async () => {
      const other = await t.another();
      await t.store.add(line('from node one'));
      await other.add(line('from node two'));
      const reopened = await t.reopen();
      expect(texts(await reopened.all(TH))).toEqual(['from node one', 'from node two']);
    });
  });
}
