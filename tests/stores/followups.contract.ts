import { describe, expect, it } from 'vitest';
import type { FollowUpRecord, FollowUpStore } from '../../server/followups/store.js';
import { storePerTest, type MakeStore } from './harness.js';

let n = 0;
const followUp = (townHallId: string, over: Partial<FollowUpRecord> = {}): FollowUpRecord => {
  const questionId = `question-${String(++n).padStart(7, '0')}`;
  return {
    questionId,
    townHallId,
    questionText: `Question ${n}?`,
    topicId: null,
    askedAt: 1_000 + n,
    enteredAt: 5_000,
    status: 'open',
    unitId: null,
    assigneeId: null,
    dueAt: null,
    answer: null,
    referral: null,
    closure: null,
    resolvedAt: null,
    history: [{ at: 5_000, kind: 'entered', byName: null }],
    ...over,
  };
};

export function describeFollowUpStore(name: string, makeStore: MakeStore<FollowUpStore>): void {
  describe(`FollowUpStore (${name})`, () => {
    const t = storePerTest(makeStore);

    it('enters follow-ups and reads them back exactly, to this node and to another', async () => {
      const a = followUp('townhall-a-00001', { topicId: 'topic-0000000001', dueAt: 9_000 });
      const b = followUp('townhall-a-00001');
      expect(await t.store.hasEntered('townhall-a-00001')).toBe(false);
      expect(await t.store.enter('townhall-a-00001', [a, b])).toEqual([a, b]);
      expect(await t.store.hasEntered('townhall-a-00001')).toBe(true);
      expect(await t.store.get(a.questionId)).toEqual(a);
      expect(await (await t.another()).listForTownHall('townhall-a-00001')).toEqual([a, b]);
      expect(await t.store.get('no-such-question')).toBeNull();
    });

    it('never duplicates or resets a follow-up entered twice, even after a restart', async () => {
      const a = followUp('townhall-b-00001');
      await t.store.enter('townhall-b-00001', [a]);
      const answered: FollowUpRecord = { ...a, status: 'answered', answer: { text: 'Done.', byName: 'Ofc. A', at: 6_000 }, resolvedAt: 6_000 };
      expect(await t.store.replace(a, answered)).toBe(true);
      const reopened = await t.reopen();
      const later = followUp('townhall-b-00001');
      expect(await reopened.enter('townhall-b-00001', [{ ...a, enteredAt: 7_000 }, later])).toEqual([later]);
      expect(await reopened.listForTownHall('townhall-b-00001')).toEqual([answered, later]);
      expect(await reopened.list({})).toEqual([answered, later]);
    });

    it('marks a town hall entered even when none of its questions entered', async () => {
      expect(await t.store.enter('townhall-c-00001', [])).toEqual([]);
      expect(await t.store.hasEntered('townhall-c-00001')).toBe(true);
      expect(await t.store.hasEntered('townhall-d-00001')).toBe(false);
    });

    it('replaces a follow-up only when it is still what the caller read', async () => {
      const a = followUp('townhall-e-00001');
      await t.store.enter('townhall-e-00001', [a]);
      const mine = { ...a, assigneeId: 'officer-0000001' };
      const theirs = { ...a, assigneeId: 'officer-0000002' };
      const other = await t.another();
      const results = await Promise.all([t.store.replace(a, mine), other.replace(a, theirs)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect([mine, theirs]).toContainEqual(await t.store.get(a.questionId));
      expect(await t.store.replace(followUp('townhall-e-00001'), mine)).toBe(false);
    });

    it('lists by status, assignee, unit and the unassigned, oldest entered first, and moves between statuses', async () => {
      const early = followUp('townhall-f-00001', { enteredAt: 1_000 });
      const mine = followUp('townhall-f-00001', { enteredAt: 2_000 });
      const unit = followUp('townhall-g-00001', { enteredAt: 3_000 });
      await t.store.enter('townhall-f-00001', [mine, early]);
      await t.store.enter('townhall-g-00001', [unit]);
      const mineNow = { ...mine, assigneeId: 'officer-0000001' };
      const unitNow = { ...unit, unitId: 'unit-00000000001' };
      await t.store.replace(mine, mineNow);
      await t.store.replace(unit, unitNow);
      expect(await t.store.list({})).toEqual([early, mineNow, unitNow]);
      expect(await t.store.list({ assigneeId: 'officer-0000001' })).toEqual([mineNow]);
      expect(await t.store.list({ assigneeId: null, status: 'open' })).toEqual([early, unitNow]);
      expect(await t.store.list({ unitId: 'unit-00000000001' })).toEqual([unitNow]);
      const closed: FollowUpRecord = { ...early, status: 'closed', closure: { reason: 'duplicate', detail: null, byName: 'Ofc. B', at: 4_000 }, resolvedAt: 4_000 };
      await t.store.replace(early, closed);
      expect(await t.store.list({ status: 'open' })).toEqual([mineNow, unitNow]);
      expect(await (await t.another()).list({ status: 'closed' })).toEqual([closed]);
    });
  });
}
