import { describe, expect, it } from 'vitest';
import type { ContentRef, Notice } from '../../shared/moderation.js';
import type { AppealStore, NewAppeal } from '../../server/moderation/appeal-store.js';
import { storePerTest, type MakeStore } from './harness.js';

const Q1: ContentRef = { kind: 'question', id: 'question-0001' };
const Q2: ContentRef = { kind: 'question', id: 'question-0002' };
const P1: ContentRef = { kind: 'post', id: 'post-0001' };
const KIM = { id: 'mod-kim', name: 'Sgt. Kim' };
const ORTIZ = { id: 'mod-ortiz', name: 'Lt. Ortiz' };
const USER = 'resident-0001';

const appeal = (ref: ContentRef, extra: Partial<NewAppeal> = {}): NewAppeal => ({
  ref,
  authorId: USER,
  text: 'I was quoting the chief,\nnot threatening anyone.',
  at: 5_000,
  appealedDecisionBy: KIM.id,
  ...extra,
});

const notice = (ref: ContentRef, at: number, extra: Partial<Omit<Notice, 'id'>> = {}): Omit<Notice, 'id'> => ({
  userId: USER,
  ref,
  action: 'remove',
  reason: 'off-topic',
  excerpt: 'When will the new "station" open',
  at,
  canAppeal: true,
  ...extra,
});

export function describeAppealStore(name: string, makeStore: MakeStore<AppealStore>): void {
  describe(`AppealStore (${name})`, () => {
    const t = storePerTest(makeStore);

    describe('appeals', () => {
      it('stores an appeal undecided', async () => {
        const created = await t.store.createAppeal(appeal(Q1));
        expect(created).toEqual({ ...appeal(Q1), outcome: null, decidedBy: null, decidedAt: null });
        expect(await t.store.getAppeal(Q1)).toEqual(created);
        expect(await t.store.getAppeal(Q2)).toBeNull();
      });

      it('refuses a second appeal on one item', async () => {
        const first = await t.store.createAppeal(appeal(Q1));
        expect(await t.store.createAppeal(appeal(Q1, { text: 'Please look again.', at: 6_000 }))).toBeNull();
        expect(await t.store.getAppeal(Q1)).toEqual(first);
      });

      it('accepts exactly one of two appeals made at once from two nodes', async () => {
        const other = await t.another();
        const results = await Promise.all([
          t.store.createAppeal(appeal(Q1, { text: 'first tab' })),
          other.createAppeal(appeal(Q1, { text: 'second tab' })),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.getAppeal(Q1)).toEqual(winners[0]);
      });

      it('decides an appeal once', async () => {
        const created = await t.store.createAppeal(appeal(Q1));
        const decided = await t.store.decideAppeal(Q1, 'restored', ORTIZ.id, 7_000);
        expect(decided).toEqual({ ...created, outcome: 'restored', decidedBy: ORTIZ.id, decidedAt: 7_000 });
        expect(await t.store.decideAppeal(Q1, 'upheld', 'admin-1', 8_000)).toBeNull();
        expect(await t.store.getAppeal(Q1)).toEqual(decided);
      });

      it('decides an appeal once when two moderators decide it at once from two nodes', async () => {
        await t.store.createAppeal(appeal(Q1));
        const other = await t.another();
        const results = await Promise.all([
          t.store.decideAppeal(Q1, 'restored', ORTIZ.id, 7_000),
          other.decideAppeal(Q1, 'upheld', 'admin-1', 7_001),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.getAppeal(Q1)).toEqual(winners[0]);
      });

      it('resolves to null when deciding an item nobody appealed', async () => {
        expect(await t.store.decideAppeal(Q1, 'upheld', ORTIZ.id, 7_000)).toBeNull();
        expect(await t.store.getAppeal(Q1)).toBeNull();
      });
    });

    describe('notices', () => {
      it('returns exactly the notice it stored, and lists a person’s notices newest first', async () => {
        const older = await t.store.addNotice(notice(Q1, 1_000));
        expect(older).toEqual({ ...notice(Q1, 1_000), id: older.id });
        const newest = await t.store.addNotice(notice(P1, 3_000, { action: 'restore', reason: null, canAppeal: false }));
        const middle = await t.store.addNotice(notice(Q2, 2_000));
        await t.store.addNotice(notice(Q1, 4_000, { userId: 'resident-0002' }));
        expect(await t.store.noticesFor(USER, 10)).toEqual([newest, middle, older]);
        expect(await t.store.noticesFor(USER, 2)).toEqual([newest, middle]);
        expect(await t.store.noticesFor(USER, 0)).toEqual([]);
        expect(await t.store.noticesFor('nobody-000', 10)).toEqual([]);
      });

      it('stops offering an appeal on that person’s notices about that item only', async () => {
        const removed = await t.store.addNotice(notice(Q1, 1_000, { action: 'remove' }));
        const rejected = await t.store.addNotice(notice(Q2, 2_000, { action: 'reject' }));
        const someoneElse = await t.store.addNotice(notice(Q1, 3_000, { userId: 'resident-0002' }));
        await t.store.closeAppealOnNotices(USER, Q1);
        await t.store.closeAppealOnNotices(USER, P1);
        expect(await t.store.noticesFor(USER, 10)).toEqual([rejected, { ...removed, canAppeal: false }]);
        expect(await t.store.noticesFor('resident-0002', 10)).toEqual([someoneElse]);
      });
    });

    it('keeps everything after the storage is reopened', async () => {
      const decided = await t.store.createAppeal(appeal(P1)).then(() => t.store.decideAppeal(P1, 'upheld', ORTIZ.id, 6_000));
      const n = await t.store.addNotice(notice(P1, 6_000, { action: 'appeal-upheld', canAppeal: false }));
      const reopened = await t.reopen();
      expect(await reopened.getAppeal(P1)).toEqual(decided);
      expect(await reopened.createAppeal(appeal(P1))).toBeNull();
      expect(await reopened.noticesFor(USER, 10)).toEqual([n]);
    });
  });
}
