import { describe, expect, it } from 'vitest';
import type { ContentRef, Notice } from '../../shared/moderation.js';
import type { ModerationStore, NewAppeal, NewSanction, QueueEntry } from '../../server/moderation/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const Q1: ContentRef = { kind: 'question', id: 'question-0001' };
const Q2: ContentRef = { kind: 'question', id: 'question-0002' };
const P1: ContentRef = { kind: 'post', id: 'post-0001' };
const PLACE = 'townhall:townhall-aaaa-01';
const KIM = { id: 'mod-kim', name: 'Sgt. Kim' };
const ORTIZ = { id: 'mod-ortiz', name: 'Lt. Ortiz' };
const USER = 'resident-0001';

const waiting = (ref: ContentRef, submittedAt: number, extra: Partial<Omit<QueueEntry, 'claim'>> = {}) => ({
  ref,
  place: PLACE,
  reason: 'held' as const,
  flags: 0,
  submittedAt,
  ...extra,
});

const sanction = (extra: Partial<NewSanction> = {}): NewSanction => ({
  userId: USER,
  kind: 'timeout',
  townHallId: 'townhall-aaaa-01',
  until: 10_000,
  reason: 'harassment',
  note: 'repeated, after a warning "stop"',
  by: KIM.id,
  at: 1_000,
  ...extra,
});

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

const refs = (entries: QueueEntry[]): ContentRef[] => entries.map((e) => e.ref);

export function describeModerationStore(name: string, makeStore: MakeStore<ModerationStore>): void {
  describe(`ModerationStore (${name})`, () => {
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

    describe('flags', () => {
      it('counts each person once per item', async () => {
        expect(await t.store.addFlag(Q1, 'flagger-1', 'spam')).toEqual({ added: true, count: 1 });
        expect(await t.store.addFlag(Q1, 'flagger-1', 'harassment')).toEqual({ added: false, count: 1 });
        expect(await t.store.addFlag(Q1, 'flagger-2', 'spam')).toEqual({ added: true, count: 2 });
        expect(await t.store.addFlag(P1, 'flagger-1', 'spam')).toEqual({ added: true, count: 1 });
        expect(await t.store.flagCount(Q1)).toBe(2);
        expect(await t.store.flagCount(Q2)).toBe(0);
      });

      it('counts one person flagging from two nodes at once once', async () => {
        const other = await t.another();
        const results = await Promise.all([
          t.store.addFlag(Q1, 'flagger-1', 'spam'),
          other.addFlag(Q1, 'flagger-1', 'threat'),
        ]);
        expect(results.filter((r) => r.added)).toHaveLength(1);
        expect(results.map((r) => r.count)).toEqual([1, 1]);
        expect(await other.flagCount(Q1)).toBe(1);
      });

      it('counts exactly the distinct people when many flag at once from two nodes', async () => {
        const other = await t.another();
        const flaggers = Array.from({ length: 50 }, (_, i) => `flagger-${i % 30}`);
        const results = await Promise.all(flaggers.map((f, i) => (i % 2 ? other : t.store).addFlag(Q1, f, 'spam')));
        expect(results.filter((r) => r.added)).toHaveLength(30);
        expect(await t.store.flagCount(Q1)).toBe(30);
      });

      it('counts a report that does not count toward hiding among the reports only', async () => {
        expect(await t.store.addFlag(Q1, 'stranger-1', 'spam', false)).toEqual({ added: true, count: 1 });
        expect(await t.store.addFlag(Q1, 'voter-1', 'spam', true)).toEqual({ added: true, count: 2 });
        // Flagging again, now eligible, changes nothing: a person flags an item once.
        expect(await t.store.addFlag(Q1, 'stranger-1', 'spam', true)).toEqual({ added: false, count: 2 });
        expect(await t.store.flagCount(Q1)).toBe(2);
        expect(await t.store.countingFlagCount(Q1)).toBe(1);
        expect(await t.store.countingFlagCount(Q2)).toBe(0);
      });

      it('starts both counts again after a decision, and never counts an earlier flagger again', async () => {
        for (const f of ['flagger-1', 'flagger-2', 'flagger-3']) await t.store.addFlag(Q1, f, 'spam', true);
        await t.store.addFlag(Q2, 'flagger-1', 'spam', true);
        const other = await t.another();
        await other.resetFlags(Q1);
        expect([await t.store.flagCount(Q1), await t.store.countingFlagCount(Q1)]).toEqual([0, 0]);
        expect(await t.store.addFlag(Q1, 'flagger-2', 'spam', true)).toEqual({ added: false, count: 0 });
        expect(await t.store.addFlag(Q1, 'flagger-4', 'spam', true)).toEqual({ added: true, count: 1 });
        expect(await other.countingFlagCount(Q1)).toBe(1);
        // Another item's flags are untouched, and a second reset finds nothing to spend.
        expect(await t.store.countingFlagCount(Q2)).toBe(1);
        await t.store.resetFlags(Q1);
        await t.store.resetFlags(Q1);
        expect(await t.store.flagCount(Q1)).toBe(0);
        const reopened = await t.reopen();
        expect(await reopened.addFlag(Q1, 'flagger-4', 'spam', true)).toEqual({ added: false, count: 0 });
        expect(await reopened.countingFlagCount(Q2)).toBe(1);
      });
    });

    describe('taking part', () => {
      it('records that a person took part in a place, once, for every node and after a restart', async () => {
        expect(await t.store.tookPart(USER, PLACE)).toBe(false);
        await t.store.markTookPart(USER, PLACE);
        const other = await t.another();
        await other.markTookPart(USER, PLACE);
        expect(await other.tookPart(USER, PLACE)).toBe(true);
        expect(await t.store.tookPart(USER, 'thread:thread-0001')).toBe(false);
        expect(await t.store.tookPart('resident-0002', PLACE)).toBe(false);
        const reopened = await t.reopen();
        expect(await reopened.tookPart(USER, PLACE)).toBe(true);
      });
    });

    describe('queue', () => {
      it('adds an item unclaimed and reads it back', async () => {
        const input = waiting(Q1, 1_000, { reason: 'flagged', flags: 3 });
        const entry = await t.store.enqueue(input);
        expect(entry).toEqual({ ...input, claim: null });
        expect(await t.store.getQueueEntry(Q1)).toEqual(entry);
        expect(await t.store.getQueueEntry(Q2)).toBeNull();
      });

      it('updates the reason and flag count of a queued item and keeps its place in line and its claim', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        await t.store.claim(Q1, KIM, 9_000, 1_500);
        const updated = await t.store.enqueue(waiting(Q1, 2_000, { reason: 'flagged', flags: 4 }));
        expect(updated).toEqual({
          ...waiting(Q1, 1_000, { reason: 'flagged', flags: 4 }),
          claim: { by: KIM.id, byName: KIM.name, until: 9_000 },
        });
        expect(await t.store.listQueue()).toEqual([updated]);
      });

      it('never lowers the flag count when a lower count arrives later', async () => {
        await t.store.enqueue(waiting(Q1, 1_000, { reason: 'flagged', flags: 5 }));
        const other = await t.another();
        await other.enqueue(waiting(Q1, 2_000, { reason: 'flagged', flags: 4 }));
        expect((await t.store.getQueueEntry(Q1))?.flags).toBe(5);
        await t.store.enqueue(waiting(Q1, 3_000, { reason: 'appealed', flags: 0 }));
        expect(await t.store.getQueueEntry(Q1)).toMatchObject({ reason: 'appealed', flags: 5 });
      });

      it('lists the oldest submission first, ties by ref key', async () => {
        await t.store.enqueue(waiting(Q2, 2_000));
        await t.store.enqueue(waiting(Q1, 3_000));
        await t.store.enqueue(waiting(P1, 2_000));
        expect(refs(await t.store.listQueue())).toEqual([P1, Q2, Q1]);
      });

      it('removes an item once and records how long it waited', async () => {
        const entry = await t.store.enqueue(waiting(Q1, 1_000));
        expect(await t.store.dequeue(Q1, 61_000)).toEqual(entry);
        expect(await t.store.dequeue(Q1, 99_000)).toBeNull();
        expect(await t.store.getQueueEntry(Q1)).toBeNull();
        expect(await t.store.listQueue()).toEqual([]);
        expect(await t.store.recentDecisionTimes(10)).toEqual([60_000]);
      });

      it('removes an item once when two nodes dequeue it at once', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        const other = await t.another();
        const results = await Promise.all([t.store.dequeue(Q1, 2_000), other.dequeue(Q1, 3_000)]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await t.store.recentDecisionTimes(10)).toHaveLength(1);
      });

      it('lists decision times newest first, at most the limit', async () => {
        for (const [i, ref] of [Q1, Q2, P1].entries()) {
          await t.store.enqueue(waiting(ref, 1_000));
          await t.store.dequeue(ref, 1_000 + (i + 1) * 100);
        }
        expect(await t.store.recentDecisionTimes(10)).toEqual([300, 200, 100]);
        expect(await t.store.recentDecisionTimes(2)).toEqual([300, 200]);
        expect(await t.store.recentDecisionTimes(0)).toEqual([]);
      });

      it('records a decision stamped before the submission as taking no time', async () => {
        await t.store.enqueue(waiting(Q1, 5_000));
        await t.store.dequeue(Q1, 4_000);
        expect(await t.store.recentDecisionTimes(1)).toEqual([0]);
      });

      it('keeps the last 1000 decision times', async () => {
        const many = Array.from({ length: 1000 }, (_, i): ContentRef => ({ kind: 'post', id: `post-${i}-xx` }));
        await Promise.all(many.map((ref) => t.store.enqueue(waiting(ref, 1_000))));
        await Promise.all(many.map((ref) => t.store.dequeue(ref, 1_000)));
        for (const ms of [1, 2, 3]) {
          await t.store.enqueue(waiting(Q1, 1_000));
          await t.store.dequeue(Q1, 1_000 + ms);
        }
        const times = await t.store.recentDecisionTimes(5_000);
        expect(times).toHaveLength(1000);
        expect(times.slice(0, 4)).toEqual([3, 2, 1, 0]);
      });
    });

    describe('claims', () => {
      it('claims an unclaimed item', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        const claimed = await t.store.claim(Q1, KIM, 60_000, 2_000);
        expect(claimed!.claim).toEqual({ by: KIM.id, byName: KIM.name, until: 60_000 });
        expect(await t.store.getQueueEntry(Q1)).toEqual(claimed);
      });

      it('refuses someone else while the claim lasts and lets them take it once it has expired', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        await t.store.claim(Q1, KIM, 60_000, 2_000);
        expect(await t.store.claim(Q1, ORTIZ, 120_000, 59_999)).toBeNull();
        expect((await t.store.getQueueEntry(Q1))!.claim!.by).toBe(KIM.id);
        const taken = await t.store.claim(Q1, ORTIZ, 120_000, 60_000);
        expect(taken!.claim).toEqual({ by: ORTIZ.id, byName: ORTIZ.name, until: 120_000 });
      });

      it('lets the holder renew their claim', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        await t.store.claim(Q1, KIM, 60_000, 2_000);
        expect((await t.store.claim(Q1, KIM, 90_000, 30_000))!.claim!.until).toBe(90_000);
      });

      it('lets exactly one of two moderators claiming at once from two nodes win', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        const other = await t.another();
        const [kim, ortiz] = await Promise.all([
          t.store.claim(Q1, KIM, 60_000, 2_000),
          other.claim(Q1, ORTIZ, 60_000, 2_000),
        ]);
        const winners = [kim, ortiz].filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.getQueueEntry(Q1)).toEqual(winners[0]);
      });

      it('releases a claim only for its holder', async () => {
        await t.store.enqueue(waiting(Q1, 1_000));
        await t.store.claim(Q1, KIM, 60_000, 2_000);
        expect(await t.store.release(Q1, ORTIZ.id)).toBeNull();
        expect((await t.store.getQueueEntry(Q1))!.claim!.by).toBe(KIM.id);
        expect((await t.store.release(Q1, KIM.id))!.claim).toBeNull();
        expect(await t.store.release(Q1, KIM.id)).toBeNull();
        expect((await t.store.claim(Q1, ORTIZ, 60_000, 3_000))!.claim!.by).toBe(ORTIZ.id);
      });

      it('resolves to null for an item not in the queue', async () => {
        expect(await t.store.claim(Q1, KIM, 60_000, 2_000)).toBeNull();
        expect(await t.store.release(Q1, KIM.id)).toBeNull();
        expect(await t.store.dequeue(Q1, 2_000)).toBeNull();
        expect(await t.store.getQueueEntry(Q1)).toBeNull();
        expect(await t.store.recentDecisionTimes(10)).toEqual([]);
      });
    });

    describe('sanctions', () => {
      it('returns exactly the sanction it stored, and lists a person’s sanctions newest first', async () => {
        const older = await t.store.addSanction(sanction({ at: 1_000 }));
        expect(older).toEqual({ ...sanction({ at: 1_000 }), id: older.id, liftedAt: null, liftedBy: null, alias: null });
        const newer = await t.store.addSanction(sanction({ kind: 'ban', townHallId: null, until: null, note: null, at: 2_000 }));
        await t.store.addSanction(sanction({ userId: 'resident-0002' }));
        expect(await t.store.sanctionsOf(USER)).toEqual([newer, older]);
        expect(await t.store.sanctionsOf('nobody-000')).toEqual([]);
      });

      it('counts as active only sanctions neither lifted nor ended', async () => {
        const ban = await t.store.addSanction(sanction({ kind: 'ban', until: null, at: 1_000 }));
        const timeout = await t.store.addSanction(sanction({ until: 2_000, at: 1_100 }));
        const lifted = await t.store.addSanction(sanction({ until: 9_000, at: 1_200 }));
        await t.store.addSanction(sanction({ userId: 'resident-0002', until: null }));
        await t.store.liftSanction(lifted.id, 'admin-1', 1_300);

        expect(await t.store.activeSanctions(USER, 1_999)).toEqual([timeout, ban]);
        expect(await t.store.activeSanctions(USER, 2_000)).toEqual([ban]);
        await t.store.liftSanction(ban.id, 'admin-1', 3_000);
        expect(await t.store.activeSanctions(USER, 3_000)).toEqual([]);
      });

      it('keeps the pseudonym a sanction was given under, and leaves it null for one given by name', async () => {
        const alias = 'townhall:townhall-aaaa-01/R-ABCDE';
        const anonymous = await t.store.addSanction({ ...sanction({ at: 2_000 }), alias });
        const named = await t.store.addSanction(sanction({ at: 1_000 }));
        expect([anonymous.alias, named.alias]).toEqual([alias, null]);
        expect(await t.store.sanctionsOf(USER)).toEqual([anonymous, named]);
        expect(await t.store.liftSanction(anonymous.id, 'admin-1', 3_000)).toMatchObject({ alias, liftedAt: 3_000 });
      });

      it('lifts a sanction once', async () => {
        const s = await t.store.addSanction(sanction());
        const lifted = await t.store.liftSanction(s.id, 'admin-1', 4_000);
        expect(lifted).toEqual({ ...s, liftedAt: 4_000, liftedBy: 'admin-1' });
        expect(await t.store.liftSanction(s.id, 'admin-2', 5_000)).toBeNull();
        expect(await t.store.sanctionsOf(USER)).toEqual([lifted]);
        expect(await t.store.liftSanction('nothing-here-000', 'admin-1', 4_000)).toBeNull();
      });

      it('lifts a sanction once when two nodes lift it at once', async () => {
        const s = await t.store.addSanction(sanction());
        const other = await t.another();
        const results = await Promise.all([
          t.store.liftSanction(s.id, 'admin-1', 4_000),
          other.liftSanction(s.id, 'admin-2', 4_001),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.sanctionsOf(USER)).toEqual(winners);
      });
    });

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

    describe('slow mode', () => {
      it('is off until set, per place, and off again when set to 0', async () => {
        expect(await t.store.getSlowMode(PLACE)).toBe(0);
        await t.store.setSlowMode(PLACE, 30);
        expect(await t.store.getSlowMode(PLACE)).toBe(30);
        expect(await t.store.getSlowMode('thread:thread-0001')).toBe(0);
        await t.store.setSlowMode(PLACE, 0);
        expect(await t.store.getSlowMode(PLACE)).toBe(0);
      });
    });

    it('keeps everything after the storage is reopened', async () => {
      const entry = await t.store.addFilterEntry({ term: 'kept', action: 'hold', createdBy: 'admin-1' });
      const version = await t.store.filterVersion();
      await t.store.addFlag(Q1, 'flagger-1', 'spam');
      await t.store.enqueue(waiting(Q2, 1_000));
      await t.store.dequeue(Q2, 1_500);
      await t.store.enqueue(waiting(Q1, 2_000, { reason: 'flagged', flags: 1 }));
      const claimed = await t.store.claim(Q1, KIM, 60_000, 2_500);
      const s = await t.store.addSanction(sanction());
      const lifted = await t.store.liftSanction((await t.store.addSanction(sanction({ at: 500 }))).id, 'admin-1', 600);
      const decided = await t.store.createAppeal(appeal(P1)).then(() => t.store.decideAppeal(P1, 'upheld', ORTIZ.id, 6_000));
      const n = await t.store.addNotice(notice(P1, 6_000, { action: 'appeal-upheld', canAppeal: false }));
      await t.store.setSlowMode(PLACE, 15);

      const reopened = await t.reopen();
      expect(await reopened.listFilterEntries()).toEqual([entry]);
      expect(await reopened.filterVersion()).toBe(version);
      expect(await reopened.addFlag(Q1, 'flagger-1', 'spam')).toEqual({ added: false, count: 1 });
      expect(await reopened.listQueue()).toEqual([claimed]);
      expect(await reopened.claim(Q1, ORTIZ, 90_000, 3_000)).toBeNull();
      expect(await reopened.recentDecisionTimes(10)).toEqual([500]);
      expect(await reopened.sanctionsOf(USER)).toEqual([s, lifted]);
      expect(await reopened.activeSanctions(USER, 2_000)).toEqual([s]);
      expect(await reopened.getAppeal(P1)).toEqual(decided);
      expect(await reopened.createAppeal(appeal(P1))).toBeNull();
      expect(await reopened.noticesFor(USER, 10)).toEqual([n]);
      expect(await reopened.getSlowMode(PLACE)).toBe(15);
    });
  });
}
