import { describe, expect, it, vi } from 'vitest';
import type { NewQuestion, QuestionRecord, QuestionStore } from '../../server/qa/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';

let clock = 1_767_000_000_000;
const ask = (text: string, authorId = 'author-00000001', extra: Partial<NewQuestion> = {}): NewQuestion => ({
  townHallId: TH,
  authorId,
  authorName: 'Jordan',
  authorRole: null,
  anonymous: false,
  text,
  status: 'published',
  holdReason: null,
  filterHits: [],
  ...extra,
});

const ids = (qs: QuestionRecord[]): string[] => qs.map((q) => q.id);

export function describeQuestionMerges(name: string, makeStore: MakeStore<QuestionStore>): void {
  describe(`QuestionStore merges (${name})`, () => {
    const t = storePerTest(makeStore);

    /** Three questions asked one millisecond apart, and votes on each. */
    async function threeWithVotes(votes: Record<'a' | 'b' | 'c', string[]>) {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(clock++);
      const a = await t.store.addQuestion(ask('Why are patrols fewer on Elm Street?', 'asker-a-0000001'));
      vi.setSystemTime(clock++);
      const b = await t.store.addQuestion(ask('Where did the Elm Street patrols go?', 'asker-b-0000001'));
      vi.setSystemTime(clock++);
      const c = await t.store.addQuestion(ask('Elm street patrols, why fewer?', 'asker-c-0000001'));
      for (const [q, voters] of [[a, votes.a], [b, votes.b], [c, votes.c]] as const) {
        for (const user of voters) await t.store.castVote(q, user);
      }
      return { a, b, c };
    }

    describe('mergeQuestions', () => {
      it('counts each distinct voter once across the survivor and the questions merged into it', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1', 'u2'], b: ['u2', 'u3'], c: ['u1', 'u3', 'u4'] });
        const outcome = await t.store.mergeQuestions(a.id, [b.id, c.id]);
        expect(outcome).toMatchObject({ ok: true, target: { id: a.id, votes: 4, mergedCount: 2, alsoAskedBy: 2 } });
        if (!outcome.ok) return;
        expect(outcome.sources.map((s) => [s.id, s.status, s.mergedInto])).toEqual([
          [b.id, 'merged', a.id],
          [c.id, 'merged', a.id],
        ]);
        const reopened = await t.reopen();
        expect(ids(await reopened.listVisible(TH))).toEqual([a.id]);
        expect(ids(await reopened.listMerged(TH))).toEqual([b.id, c.id]);
        // A merged question keeps its own text, asker and votes.
        expect(await reopened.getQuestion(b.id)).toMatchObject({ text: b.text, authorId: 'asker-b-0000001', votes: 2 });
        expect(await reopened.getQuestion(a.id)).toMatchObject({ votes: 4, mergedCount: 2, alsoAskedBy: 2 });
      });

      it('counts a second question by the same asker, or by the survivor\'s own asker, as no one more asking', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(clock++);
        const target = await t.store.addQuestion(ask('Speed bumps on Oak?', 'asker-a-0000001'));
        const again = await t.store.addQuestion(ask('Speed bumps on Oak Street please', 'asker-a-0000001'));
        const other1 = await t.store.addQuestion(ask('Oak Street speeding', 'asker-b-0000001'));
        const other2 = await t.store.addQuestion(ask('Oak St speeding again', 'asker-b-0000001'));
        const outcome = await t.store.mergeQuestions(target.id, [again.id, other1.id, other2.id]);
        expect(outcome).toMatchObject({ ok: true, target: { mergedCount: 3, alsoAskedBy: 1, votes: 0 } });
      });

      it('refuses a merged question a vote, and names the survivor for votes cast on it', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1'], b: ['u2'], c: [] });
        await t.store.mergeQuestions(a.id, [b.id]);
        expect(await t.store.castVote(b, 'u3')).toBeNull();
        expect(await t.store.retractVote(b.id, 'u2')).toBeNull();
        expect(await t.store.votesBy(TH, 'u2')).toEqual([a.id]);
        await t.store.castVote(c, 'u2');
        expect(await t.store.votesBy(TH, 'u2')).toEqual([a.id, c.id].sort());
      });

      it('adds nothing when someone who supports the survivor through a merged question votes for it', async () => {
        const { a, b } = await threeWithVotes({ a: ['u1'], b: ['u2'], c: [] });
        await t.store.mergeQuestions(a.id, [b.id]);
        expect(await t.store.castVote(a, 'u2')).toEqual({ changed: false, votes: 2 });
        expect(await t.store.castVote(a, 'u3')).toEqual({ changed: true, votes: 3 });
      });

      it('takes a retracted vote off the survivor and every question merged into it', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1'], b: ['u1', 'u2'], c: ['u2'] });
        await t.store.mergeQuestions(a.id, [b.id, c.id]);
        expect(await t.store.retractVote(a, 'u2')).toEqual({ changed: true, votes: 1 });
        expect(await t.store.retractVote(a, 'u2')).toEqual({ changed: false, votes: 1 });
        expect(await t.store.votesBy(TH, 'u2')).toEqual([]);
        // Undone, the merged questions no longer carry the withdrawn support.
        await t.store.unmergeQuestion(c.id);
        expect(await t.store.getQuestion(c.id)).toMatchObject({ status: 'published', votes: 0 });
        expect(await t.store.getQuestion(a.id)).toMatchObject({ votes: 1 });
      });

      it('merges votes cast from another node while the merge runs, each voter once', async () => {
        const { a, b } = await threeWithVotes({ a: [], b: ['u0'], c: [] });
        const other = await t.another();
        const voters = Array.from({ length: 30 }, (_, i) => `crowd-${String(i).padStart(4, '0')}`);
        await Promise.all([
          ...voters.map((u, i) => (i % 2 ? other.castVote(a.id, u) : t.store.castVote(b.id, u))),
          t.store.mergeQuestions(a.id, [b.id]),
          ...voters.map((u) => other.castVote(a.id, u)),
        ]);
        const survivor = await t.store.getQuestion(a.id);
        expect(survivor?.votes).toBe(31);
        for (const u of ['u0', ...voters]) expect(await t.store.votesBy(TH, u)).toEqual([a.id]);
      });

      it('changes nothing and says why when any question cannot be merged', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1'], b: ['u2'], c: ['u3'] });
        vi.setSystemTime(clock++);
        const elsewhere = await t.store.addQuestion(ask('Elsewhere', 'asker-d-0000001', { townHallId: OTHER_TH }));
        const held = await t.store.addQuestion(ask('Held one', 'asker-e-0000001', { status: 'held', holdReason: 'premoderation' }));
        const removed = await t.store.addQuestion(ask('Removed one', 'asker-f-0000001', { status: 'removed' }));

        expect(await t.store.mergeQuestions('nothing-here-000', [b.id])).toEqual({ ok: false, questionId: 'nothing-here-000', refused: 'missing' });
        expect(await t.store.mergeQuestions(removed.id, [b.id])).toEqual({ ok: false, questionId: removed.id, refused: 'removed' });
        expect(await t.store.mergeQuestions(a.id, [b.id, elsewhere.id])).toEqual({ ok: false, questionId: elsewhere.id, refused: 'other-town-hall' });
        expect(await t.store.mergeQuestions(a.id, [b.id, held.id])).toEqual({ ok: false, questionId: held.id, refused: 'held' });
        expect(await t.store.mergeQuestions(a.id, [c.id, 'nothing-here-000'])).toMatchObject({ refused: 'missing' });
        // Nothing of the refused merges stayed.
        expect(ids(await t.store.listVisible(TH))).toEqual([a.id, b.id, c.id, held.id]);
        expect(await t.store.getQuestion(a.id)).toMatchObject({ votes: 1, mergedCount: 0, alsoAskedBy: 0 });

        await t.store.mergeQuestions(a.id, [b.id]);
        expect(await t.store.mergeQuestions(c.id, [a.id])).toEqual({ ok: false, questionId: a.id, refused: 'has-merged' });
        expect(await t.store.mergeQuestions(b.id, [c.id])).toEqual({ ok: false, questionId: b.id, refused: 'merged' });
        expect(await t.store.mergeQuestions(c.id, [b.id])).toEqual({ ok: false, questionId: b.id, refused: 'merged' });
        expect(await t.store.getQuestion(c.id)).toMatchObject({ status: 'published', votes: 1 });
      });

      it('merges more into a survivor later, and every figure counts the whole group', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1'], b: ['u2'], c: ['u2', 'u3'] });
        await t.store.mergeQuestions(a.id, [b.id]);
        const outcome = await t.store.mergeQuestions(a.id, [c.id]);
        expect(outcome).toMatchObject({ ok: true, target: { votes: 3, mergedCount: 2, alsoAskedBy: 2 } });
      });
    });

    describe('unmergeQuestion', () => {
      it('brings a merged question back with its own voters and recounts the survivor without them', async () => {
        const { a, b, c } = await threeWithVotes({ a: ['u1', 'u2'], b: ['u2', 'u3'], c: ['u4'] });
        await t.store.mergeQuestions(a.id, [b.id, c.id]);
        const outcome = await t.store.unmergeQuestion(b.id);
        expect(outcome).toMatchObject({
          ok: true,
          source: { id: b.id, status: 'published', mergedInto: null, votes: 2 },
          target: { id: a.id, votes: 3, mergedCount: 1, alsoAskedBy: 1 },
          voters: ['u2', 'u3'],
          stillOnTarget: ['u2'],
        });
        const reopened = await t.reopen();
        expect(ids(await reopened.listVisible(TH))).toEqual([a.id, b.id]);
        expect(ids(await reopened.listMerged(TH))).toEqual([c.id]);
        expect(await reopened.votesBy(TH, 'u3')).toEqual([b.id]);
        expect(await reopened.castVote(b.id, 'u5')).toEqual({ changed: true, votes: 3 });

        await reopened.unmergeQuestion(c.id);
        expect(await reopened.getQuestion(a.id)).toMatchObject({ votes: 2, mergedCount: 0, alsoAskedBy: 0 });
        expect(await reopened.getQuestion(c.id)).toMatchObject({ status: 'published', votes: 1 });
      });

      it('refuses a question that is not merged, and one that does not exist', async () => {
        const { a } = await threeWithVotes({ a: [], b: [], c: [] });
        expect(await t.store.unmergeQuestion(a.id)).toEqual({ ok: false, refused: 'not-merged' });
        expect(await t.store.unmergeQuestion('nothing-here-000')).toEqual({ ok: false, refused: 'missing' });
      });
    });
  });
}
