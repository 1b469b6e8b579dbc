import { describe, expect, it } from 'vitest';
import type { ContentRef, Place } from '../../shared/moderation.js';
import type { QueueStore, QueueEntry } from '../../server/moderation/queue-store.js';
import { storePerTest, type MakeStore } from './harness.js';

const Q1: ContentRef = { kind: 'question', id: 'question-0001' };
const Q2: ContentRef = { kind: 'question', id: 'question-0002' };
const P1: ContentRef = { kind: 'post', id: 'post-0001' };
const PLACE: Place = { kind: 'townhall', id: 'townhall-aaaa-01' };
const THREAD: Place = { kind: 'thread', id: 'thread-0001' };
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

const refs = (entries: QueueEntry[]): ContentRef[] => entries.map((e) => e.ref);

export function describeQueueStore(name: string, makeStore: MakeStore<QueueStore>): void {
  describe(`QueueStore (${name})`, () => {
    const t = storePerTest(makeStore);

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
        expect(await t.store.tookPart(USER, THREAD)).toBe(false);
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

    describe('slow mode', () => {
      it('is off until set, per place, and off again when set to 0', async () => {
        expect(await t.store.getSlowMode(PLACE)).toBe(0);
        await t.store.setSlowMode(PLACE, 30);
        expect(await t.store.getSlowMode(PLACE)).toBe(30);
        expect(await t.store.getSlowMode(THREAD)).toBe(0);
        await t.store.setSlowMode(PLACE, 0);
        expect(await t.store.getSlowMode(PLACE)).toBe(0);
      });
    });

    it('keeps everything after the storage is reopened', async () => {
      await t.store.addFlag(Q1, 'flagger-1', 'spam');
      await t.store.enqueue(waiting(Q2, 1_000));
      await t.store.dequeue(Q2, 1_500);
      await t.store.enqueue(waiting(Q1, 2_000, { reason: 'flagged', flags: 1 }));
      const claimed = await t.store.claim(Q1, KIM, 60_000, 2_500);
      await t.store.setSlowMode(PLACE, 15);

      const reopened = await t.reopen();
      expect(await reopened.addFlag(Q1, 'flagger-1', 'spam')).toEqual({ added: false, count: 1 });
      expect(await reopened.listQueue()).toEqual([claimed]);
      expect(await reopened.claim(Q1, ORTIZ, 90_000, 3_000)).toBeNull();
      expect(await reopened.recentDecisionTimes(10)).toEqual([500]);
      expect(await reopened.getSlowMode(PLACE)).toBe(15);
    });
  });
}
