import { describe, expect, it } from 'vitest';
import type { CommitmentUpdate } from '../../shared/followups.js';
import type { CommitmentStore, NewCommitmentRecord } from '../../server/commitments/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const input = (over: Partial<NewCommitmentRecord> = {}): NewCommitmentRecord => ({
  townHallId: 'townhall-1',
  questionIds: ['question-1', 'question-2'],
  topicIds: ['topic-1'],
  text: 'Extra patrols on Elm Street on weekdays, 7–9 am, for six weeks',
  unitId: 'unit-patrol',
  dueDate: '2027-03-01',
  createdAt: 1_800_000_000_000,
  createdByName: 'Sgt. Rivera',
  createdById: 'officer-1',
  ...over,
});
const update = (over: Partial<CommitmentUpdate> = {}): CommitmentUpdate => ({
  at: 1_800_000_100_000,
  byName: 'Sgt. Rivera',
  status: 'in-progress',
  text: 'Patrols start Monday.',
  ...over,
});

export function describeCommitmentStore(name: string, makeStore: MakeStore<CommitmentStore>): void {
  describe(`CommitmentStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('lists no commitments before any is recorded', async () => {
      expect(await t.store.list()).toEqual([]);
    });

    it('records a commitment as planned with no updates, seen by another node', async () => {
      const c = await t.store.add(input());
      expect(c).toEqual({
        ...input(),
        id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        status: 'planned',
        dropReason: null,
        doneAt: null,
        updates: [],
      });
      expect(await t.store.get(c.id)).toEqual(c);
      expect(await (await t.another()).get(c.id)).toEqual(c);
    });

    it('lists commitments oldest first, ties by id', async () => {
      const later = await t.store.add(input({ createdAt: 2000 }));
      const a = await t.store.add(input({ createdAt: 1000 }));
      const b = await t.store.add(input({ createdAt: 1000 }));
      const [first, second] = a.id < b.id ? [a, b] : [b, a];
      expect((await t.store.list()).map((c) => c.id)).toEqual([first.id, second.id, later.id]);
    });

    it('appends dated updates in order and moves the status with them', async () => {
      const c = await t.store.add(input());
      const started = await t.store.addUpdate(c.id, 'planned', update());
      expect(started).toMatchObject({ status: 'in-progress', doneAt: null, updates: [update()] });
      const note = update({ at: 1_800_000_200_000, status: null, text: 'Two weeks in.' });
      expect(await t.store.addUpdate(c.id, 'in-progress', note)).toMatchObject({ status: 'in-progress', updates: [update(), note] });
      const done = update({ at: 1_800_000_300_000, status: 'done', text: 'Six weeks done.' });
      const finished = await t.store.addUpdate(c.id, 'in-progress', done);
      expect(finished).toMatchObject({ status: 'done', doneAt: 1_800_000_300_000, dropReason: null, updates: [update(), note, done] });
      expect(await (await t.reopen()).get(c.id)).toEqual(finished);
    });

    it('keeps the reason of a dropped commitment', async () => {
      const c = await t.store.add(input());
      const dropped = await t.store.addUpdate(c.id, 'planned', update({ status: 'dropped', text: 'The street was closed for works.' }));
      expect(dropped).toMatchObject({ status: 'dropped', dropReason: 'The street was closed for works.', doneAt: null });
    });

    it('refuses an update when the status is no longer the one expected, and changes nothing', async () => {
      const c = await t.store.add(input());
      await t.store.addUpdate(c.id, 'planned', update());
      const before = await t.store.get(c.id);
      expect(await t.store.addUpdate(c.id, 'planned', update({ status: 'dropped', text: 'Late news' }))).toBeNull();
      expect(await t.store.get(c.id)).toEqual(before);
    });

    it('answers null for a commitment it does not know, and stores nothing', async () => {
      expect(await t.store.get('no-such-commitment')).toBeNull();
      expect(await t.store.addUpdate('no-such-commitment', 'planned', update())).toBeNull();
      expect(await t.store.list()).toEqual([]);
    });

    it('lets only one of two officers moving one commitment at once win', async () => {
      const c = await t.store.add(input());
      const other = await t.another();
      const results = await Promise.all([
        t.store.addUpdate(c.id, 'planned', update({ status: 'done', text: 'Done.' })),
        other.addUpdate(c.id, 'planned', update({ status: 'dropped', text: 'Dropped.' })),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await t.store.get(c.id))!.updates).toHaveLength(1);
    });

    it('keeps every one of many notes posted at once from two nodes', async () => {
      const c = await t.store.add(input());
      const other = await t.another();
      const notes = Array.from({ length: 10 }, (_, i) => update({ status: null, text: `Note ${i}`, at: 1000 + i }));
      const results = await Promise.all(notes.map((n, i) => (i % 2 ? other : t.store).addUpdate(c.id, 'planned', n)));
      expect(results.every((r) => r !== null)).toBe(true);
      const stored = await t.store.get(c.id);
      expect(stored!.updates.map((u) => u.text).sort()).toEqual(notes.map((n) => n.text).sort());
      expect(stored!.status).toBe('planned');
    });

    it('keeps commitments across a restart', async () => {
      const c = await t.store.add(input());
      expect(await (await t.reopen()).list()).toEqual([c]);
    });
  });
}
