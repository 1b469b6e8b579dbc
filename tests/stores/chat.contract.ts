import { describe, expect, it, vi } from 'vitest';
import type { ChatRecord, ChatStore, NewChatMessage } from '../../server/chat/store.js';
import { byId, storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';
const AUTHOR = 'author-00000001';

const say = (text: string, extra: Partial<NewChatMessage> = {}): NewChatMessage => ({
  townHallId: TH,
  authorId: AUTHOR,
  authorName: 'Jordan',
  authorRole: null,
  text,
  status: 'published',
  holdReason: null,
  filterHits: [],
  ...extra,
});

const decision = (by: string) => ({ by, at: 1_767_000_123_456, reason: 'spam' as const, note: 'repeated link' });
const texts = (ms: ChatRecord[]): string[] => ms.map((m) => m.text);

export function describeChatStore(name: string, makeStore: MakeStore<ChatStore>): void {
  describe(`ChatStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('returns exactly the message it stored', async () => {
      const input = say('Is the "Main St" meeting\nstill on? 🚓', { authorRole: 'moderator' });
      const created = await t.store.add(input);
      expect(created).toMatchObject({ ...input, decision: null });
      expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(await t.store.get(created.id)).toEqual(created);
      expect(await t.store.get('no-such-message')).toBeNull();
    });

    it("keeps the author's staff role, and none for residents, in every list and across a restart", async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      await t.store.add(say('from a guest'));
      vi.setSystemTime(1_767_000_000_001);
      await t.store.add(say('from the host', { authorId: 'officer-0000001', authorName: 'Sgt. Kim', authorRole: 'officer' }));
      const reopened = await t.reopen();
      const roles = (ms: ChatRecord[]) => ms.map((m) => [m.text, m.authorRole]);
      const expected = [['from a guest', null], ['from the host', 'officer']];
      expect(roles(await reopened.allPublished(TH))).toEqual(expected);
      expect(roles(await reopened.recentPublished(TH, 10))).toEqual(expected);
    });

    it('keeps why a message was held and which terms it tripped', async () => {
      const filterHits = [{ source: 'department' as const, term: 'dirtycop' }];
      const created = await t.store.add(say('held one', { status: 'held', holdReason: 'filter', filterHits }));
      expect(await t.store.get(created.id)).toEqual({ ...created, holdReason: 'filter', filterHits });
    });

    it('lists the last published messages oldest first, without held ones or other town halls', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      for (let i = 1; i <= 6; i++) {
        vi.setSystemTime(1_767_000_000_000 + i * 1000);
        await t.store.add(say(`m${i}`));
      }
      await t.store.add(say('waiting', { status: 'held', holdReason: 'premoderation' }));
      await t.store.add(say('elsewhere', { townHallId: OTHER_TH }));
      expect(texts(await t.store.recentPublished(TH, 4))).toEqual(['m3', 'm4', 'm5', 'm6']);
      expect(texts(await t.store.recentPublished(TH, 100))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      expect(texts(await t.store.allPublished(OTHER_TH))).toEqual(['elsewhere']);
    });

    it('breaks ties in time by id, the same way in every list', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      const made = [await t.store.add(say('a')), await t.store.add(say('b')), await t.store.add(say('c'))];
      const sorted = [...made].sort(byId).map((m) => m.id);
      expect((await t.store.recentPublished(TH, 10)).map((m) => m.id)).toEqual(sorted);
      expect((await t.store.recentPublished(TH, 2)).map((m) => m.id)).toEqual(sorted.slice(1));
      expect((await t.store.allPublished(TH)).map((m) => m.id)).toEqual(sorted);
    });

    it("lists one author's held and hidden messages, not others'", async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_767_000_000_000);
      const held = await t.store.add(say('mine held', { status: 'held', holdReason: 'filter' }));
      await t.store.add(say('someone else held', { authorId: 'author-00000002', status: 'held', holdReason: 'filter' }));
      vi.setSystemTime(1_767_000_001_000);
      const shown = await t.store.add(say('mine shown'));
      await t.store.transition(shown.id, ['published'], 'hidden', decision('mod-1'));
      expect(texts(await t.store.pendingOf(TH, AUTHOR, 10))).toEqual(['mine held', 'mine shown']);
      expect(texts(await t.store.pendingOf(TH, AUTHOR, 1))).toEqual(['mine shown']);
      await t.store.transition(held.id, ['held'], 'published', decision('mod-1'));
      expect(texts(await t.store.pendingOf(TH, AUTHOR, 10))).toEqual(['mine shown']);
    });

    it('moves a message between statuses only from the expected one, once', async () => {
      const m = await t.store.add(say('contested', { status: 'held', holdReason: 'premoderation' }));
      const other = await t.another();
      const [a, b] = await Promise.all([
        t.store.transition(m.id, ['held'], 'published', decision('mod-1')),
        other.transition(m.id, ['held'], 'rejected', decision('mod-2')),
      ]);
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
      const winner = (a ?? b)!;
      expect(await t.store.get(m.id)).toEqual(winner);
      expect(winner.decision?.by).toBe(a ? 'mod-1' : 'mod-2');
      expect(await t.store.transition('no-such-message', ['held'], 'published', decision('mod-1'))).toBeNull();
    });

    it('takes a removed message out of the window and the transcript but keeps it, and a restore brings it back', async () => {
      const kept = await t.store.add(say('kept'));
      const gone = await t.store.add(say('gone'));
      const removed = await t.store.transition(gone.id, ['published'], 'removed', decision('mod-1'));
      expect(removed).toMatchObject({ status: 'removed', decision: decision('mod-1') });
      expect((await t.store.recentPublished(TH, 10)).map((m) => m.id)).toEqual([kept.id]);
      expect((await t.store.allPublished(TH)).map((m) => m.id)).toEqual([kept.id]);
      expect(await t.store.get(gone.id)).toMatchObject({ text: 'gone', status: 'removed' });
      await t.store.transition(gone.id, ['removed'], 'published', decision('mod-2'));
      expect(texts(await t.store.allPublished(TH))).toContain('gone');
    });

    it("replaces the names of the given authors on every message they wrote there, and nothing else", async () => {
      const guest = 'guest-000000001';
      const held = await t.store.add(say('held by the guest', { authorId: guest, authorName: 'Pat', status: 'held', holdReason: 'premoderation' }));
      const shown = await t.store.add(say('shown by the guest', { authorId: guest, authorName: 'Pat' }));
      const kept = await t.store.add(say('by an account'));
      const elsewhere = await t.store.add(say('same guest, another town hall', { townHallId: OTHER_TH, authorId: guest, authorName: 'Pat' }));
      expect(await t.store.namedAuthors(TH, 'Resident')).toEqual([AUTHOR, guest].sort());

      expect(await t.store.forgetAuthorNames(TH, [guest], 'Resident')).toBe(2);
      expect((await t.store.get(held.id))?.authorName).toBe('Resident');
      expect((await t.store.get(shown.id))?.authorName).toBe('Resident');
      expect(await t.store.get(kept.id)).toEqual(kept);
      expect(await t.store.get(elsewhere.id)).toEqual(elsewhere);
      expect(await t.store.namedAuthors(TH, 'Resident')).toEqual([AUTHOR]);
      expect(await t.store.forgetAuthorNames(TH, [guest], 'Resident')).toBe(0);
      expect(await t.store.forgetAuthorNames(TH, [], 'Resident')).toBe(0);
    });

    it('keeps every message across a restart', async () => {
      const m = await t.store.add(say('before restart'));
      const reopened = await t.reopen();
      expect(await reopened.get(m.id)).toEqual(m);
      expect(texts(await reopened.allPublished(TH))).toEqual(['before restart']);
    });
  });
}
