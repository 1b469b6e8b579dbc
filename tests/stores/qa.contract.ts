import { describe, expect, it, vi } from 'vitest';
import type { NewQuestion, QuestionRecord, QuestionStore } from '../../server/qa/store.js';
import { byId, storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';

const ask = (text: string, extra: Partial<NewQuestion> = {}): NewQuestion => ({
  townHallId: TH,
  authorId: 'author-00000001',
  authorName: 'Jordan',
  authorRole: null,
  anonymous: false,
  text,
  status: 'published',
  holdReason: null,
  filterHits: [],
  ...extra,
});

const decision = (by: string, reason: NonNullable<QuestionRecord['decision']>['reason'] = null) => ({
  by,
  at: 1_767_000_123_456,
  reason,
  note: reason ? 'see the code of conduct' : null,
});

const ids = (qs: QuestionRecord[]): string[] => qs.map((q) => q.id);

export function describeQuestionStore(name: string, makeStore: MakeStore<QuestionStore>): void {
  describe(`QuestionStore (${name})`, () => {
    const t = storePerTest(makeStore);

    describe('questions', () => {
      it('returns exactly the question it stored, starting open with no votes', async () => {
        const input = ask('Why was the\nbudget cut? "Really" 🚓', { anonymous: true });
        const created = await t.store.addQuestion(input);
        expect(created).toMatchObject({ ...input, votes: 0, answerState: 'open', answer: null, decision: null });
        expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
        expect(await t.store.getQuestion(created.id)).toEqual(created);
      });

      it('keeps why a question was held and which filter terms it tripped', async () => {
        const filterHits = [
          { source: 'obscenity' as const, term: 'darn' },
          { source: 'department' as const, term: "chief's home address" },
        ];
        const created = await t.store.addQuestion(ask('held one', { status: 'held', holdReason: 'filter', filterHits }));
        expect(await t.store.getQuestion(created.id)).toEqual({ ...created, filterHits, holdReason: 'filter' });
      });

      it('resolves to null for an unknown id', async () => {
        expect(await t.store.getQuestion('nothing-here-000')).toBeNull();
      });

      it("keeps the asker's staff role, on anonymous questions too, and none for residents, across a restart", async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(1_767_000_000_000);
        const staff = await t.store.addQuestion(ask('From the desk sergeant', { authorRole: 'officer', anonymous: true }));
        vi.setSystemTime(1_767_000_000_001);
        const resident = await t.store.addQuestion(ask('From a neighbour'));
        const reopened = await t.reopen();
        expect(await reopened.getQuestion(staff.id)).toMatchObject({ authorRole: 'officer', anonymous: true });
        expect(await reopened.getQuestion(resident.id)).toMatchObject({ authorRole: null });
        expect((await reopened.listForRecord(TH)).map((q) => q.authorRole)).toEqual(['officer', null]);
      });
    });

    describe('listVisible', () => {
      it('lists held and published questions of one town hall, oldest first, ties by id', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(2_000);
        const newest = await t.store.addQuestion(ask('newest'));
        vi.setSystemTime(1_000);
        const held = await t.store.addQuestion(ask('held', { status: 'held', holdReason: 'premoderation' }));
        const published = await t.store.addQuestion(ask('published'));
        await t.store.addQuestion(ask('elsewhere', { townHallId: OTHER_TH }));

        expect(ids(await t.store.listVisible(TH))).toEqual([...ids([held, published].sort(byId)), newest.id]);
        expect(await t.store.listVisible('empty-townhall-0')).toEqual([]);
      });

      it('never lists a removed or rejected question', async () => {
        const keep = await t.store.addQuestion(ask('keep'));
        const removed = await t.store.addQuestion(ask('remove me'));
        const rejected = await t.store.addQuestion(ask('reject me', { status: 'held', holdReason: 'filter' }));
        await t.store.addQuestion(ask('born removed', { status: 'removed' }));
        await t.store.transition(removed.id, ['published'], 'removed', decision('mod-1', 'spam'));
        await t.store.transition(rejected.id, ['held'], 'rejected', decision('mod-1', 'harassment'));
        expect(ids(await t.store.listVisible(TH))).toEqual([keep.id]);
      });

      it('lists a removed question again once it is restored', async () => {
        const q = await t.store.addQuestion(ask('restore me'));
        await t.store.transition(q.id, ['published'], 'removed', decision('mod-1', 'other'));
        await t.store.transition(q.id, ['removed'], 'published', decision('admin-1'));
        expect(await t.store.listVisible(TH)).toEqual([{ ...q, decision: decision('admin-1') }]);
      });

      it('keeps a question listed when it is hidden, and lists one created hidden', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(1_000);
        const hidden = await t.store.addQuestion(ask('flagged'));
        vi.setSystemTime(2_000);
        const bornHidden = await t.store.addQuestion(ask('hidden from the start', { status: 'hidden' }));
        const moved = await t.store.transition(hidden.id, ['published'], 'hidden', decision('mod-1', 'off-topic'));
        expect(moved!.status).toBe('hidden');
        expect(await t.store.listVisible(TH)).toEqual([moved, bornHidden]);
      });

      it('drops a hidden question once it is removed or rejected, and lists it again when restored', async () => {
        const removed = await t.store.addQuestion(ask('remove after hiding', { status: 'hidden' }));
        const rejected = await t.store.addQuestion(ask('reject after hiding', { status: 'hidden' }));
        await t.store.transition(removed.id, ['hidden'], 'removed', decision('mod-1', 'spam'));
        await t.store.transition(rejected.id, ['hidden'], 'rejected', decision('mod-1', 'hate'));
        expect(await t.store.listVisible(TH)).toEqual([]);
        const restored = await t.store.transition(removed.id, ['removed'], 'hidden', decision('admin-1'));
        expect(await t.store.listVisible(TH)).toEqual([restored]);
      });

      it('shows the current vote count and answer', async () => {
        const q = await t.store.addQuestion(ask('counted'));
        await t.store.castVote(q.id, 'voter-1');
        const answered = await t.store.setAnswer(q.id, { text: 'Yes.', byName: 'Lt. Ortiz', at: 5 });
        expect(await t.store.listVisible(TH)).toEqual([answered]);
        expect(answered!.votes).toBe(1);
      });
    });

    describe('votes', () => {
      it('counts a vote and reports the change', async () => {
        const q = await t.store.addQuestion(ask('vote for me'));
        expect(await t.store.castVote(q.id, 'voter-1')).toEqual({ changed: true, votes: 1 });
        expect(await t.store.castVote(q.id, 'voter-2')).toEqual({ changed: true, votes: 2 });
        expect((await t.store.getQuestion(q.id))!.votes).toBe(2);
      });

      it('counts a second vote by the same person once', async () => {
        const q = await t.store.addQuestion(ask('vote twice'));
        await t.store.castVote(q.id, 'voter-1');
        expect(await t.store.castVote(q.id, 'voter-1')).toEqual({ changed: false, votes: 1 });
        expect((await t.store.getQuestion(q.id))!.votes).toBe(1);
      });

      it('changes nothing when retracting a vote that was never cast', async () => {
        const q = await t.store.addQuestion(ask('no vote'));
        await t.store.castVote(q.id, 'voter-1');
        expect(await t.store.retractVote(q.id, 'voter-2')).toEqual({ changed: false, votes: 1 });
        expect((await t.store.getQuestion(q.id))!.votes).toBe(1);
      });

      it('retracts a vote once', async () => {
        const q = await t.store.addQuestion(ask('changed my mind'));
        await t.store.castVote(q.id, 'voter-1');
        expect(await t.store.retractVote(q.id, 'voter-1')).toEqual({ changed: true, votes: 0 });
        expect(await t.store.retractVote(q.id, 'voter-1')).toEqual({ changed: false, votes: 0 });
        expect(await t.store.votesBy(TH, 'voter-1')).toEqual([]);
      });

      it('counts exactly the distinct voters when many vote at once from two nodes', async () => {
        const q = await t.store.addQuestion(ask('popular'));
        const other = await t.another();
        const voters = Array.from({ length: 60 }, (_, i) => `voter-${i % 40}`);
        const results = await Promise.all(voters.map((v, i) => (i % 2 ? other : t.store).castVote(q.id, v)));
        expect(results.filter((r) => r!.changed)).toHaveLength(40);
        expect((await t.store.getQuestion(q.id))!.votes).toBe(40);
      });

      it('keeps the count equal to the voters when casts and retractions race', async () => {
        const q = await t.store.addQuestion(ask('contested'));
        const other = await t.another();
        await Promise.all(Array.from({ length: 20 }, (_, i) => t.store.castVote(q.id, `voter-${i}`)));
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i < 10 ? other.retractVote(q.id, `voter-${i}`) : t.store.castVote(q.id, `voter-${i + 10}`),
          ),
        );
        expect((await t.store.getQuestion(q.id))!.votes).toBe(20);
        const stillVoting = await Promise.all(Array.from({ length: 30 }, (_, i) => t.store.votesBy(TH, `voter-${i}`)));
        expect(stillVoting.filter((v) => v.length === 1)).toHaveLength(20);
      });

      it.each(['held', 'hidden', 'removed', 'rejected'] as const)('refuses votes on a %s question', async (status) => {
        const q = await t.store.addQuestion(ask(`a ${status} question`, { status }));
        expect(await t.store.castVote(q.id, 'voter-1')).toBeNull();
        expect(await t.store.retractVote(q.id, 'voter-1')).toBeNull();
        expect((await t.store.getQuestion(q.id))!.votes).toBe(0);
        expect(await t.store.votesBy(TH, 'voter-1')).toEqual([]);
      });

      it('refuses votes on a question removed after it was published, and keeps its count', async () => {
        const q = await t.store.addQuestion(ask('removed later'));
        await t.store.castVote(q.id, 'voter-1');
        await t.store.transition(q.id, ['published'], 'removed', decision('mod-1', 'spam'));
        expect(await t.store.castVote(q.id, 'voter-2')).toBeNull();
        expect((await t.store.getQuestion(q.id))!.votes).toBe(1);
      });

      it('keeps the count of a hidden question and counts again once it is published', async () => {
        const q = await t.store.addQuestion(ask('hidden for a while'));
        await t.store.castVote(q.id, 'voter-1');
        await t.store.transition(q.id, ['published'], 'hidden', decision('mod-1', 'off-topic'));
        expect(await t.store.castVote(q.id, 'voter-2')).toBeNull();
        expect(await t.store.retractVote(q.id, 'voter-1')).toBeNull();
        expect((await t.store.getQuestion(q.id))!.votes).toBe(1);
        await t.store.transition(q.id, ['hidden'], 'published', decision('mod-2'));
        expect(await t.store.castVote(q.id, 'voter-2')).toEqual({ changed: true, votes: 2 });
      });

      it('resolves to null when voting on an unknown question', async () => {
        expect(await t.store.castVote('nothing-here-000', 'voter-1')).toBeNull();
        expect(await t.store.retractVote('nothing-here-000', 'voter-1')).toBeNull();
        expect(await t.store.votesBy(TH, 'voter-1')).toEqual([]);
      });

      it('takes the record the caller holds and still checks the stored status', async () => {
        const q = await t.store.addQuestion(ask('voted by record'));
        expect(await t.store.castVote(q, 'voter-1')).toEqual({ changed: true, votes: 1 });
        expect(await (await t.another()).castVote(q, 'voter-2')).toEqual({ changed: true, votes: 2 });
        expect(await t.store.retractVote(q, 'voter-2')).toEqual({ changed: true, votes: 1 });
        expect(await t.store.votesBy(TH, 'voter-1')).toEqual([q.id]);
        // The record held is now stale: the store's status wins.
        await t.store.transition(q.id, ['published'], 'hidden', decision('mod-1', 'off-topic'));
        expect(await t.store.castVote(q, 'voter-3')).toBeNull();
        expect(await t.store.castVote({ id: 'nothing-here-000', townHallId: TH }, 'voter-1')).toBeNull();
        expect((await t.store.getQuestion(q.id))!.votes).toBe(1);
      });

      it('lists the questions a person voted on in one town hall only', async () => {
        const a = await t.store.addQuestion(ask('a'));
        const b = await t.store.addQuestion(ask('b'));
        const unvoted = await t.store.addQuestion(ask('c'));
        const elsewhere = await t.store.addQuestion(ask('d', { townHallId: OTHER_TH }));
        await t.store.castVote(a.id, 'voter-1');
        await t.store.castVote(b.id, 'voter-1');
        await t.store.castVote(elsewhere.id, 'voter-1');
        await t.store.castVote(unvoted.id, 'voter-2');

        expect(await t.store.votesBy(TH, 'voter-1')).toEqual([a.id, b.id].sort());
        expect(await t.store.votesBy(OTHER_TH, 'voter-1')).toEqual([elsewhere.id]);
        expect(await t.store.votesBy(TH, 'voter-3')).toEqual([]);
      });
    });

    describe('transition', () => {
      it('moves a held question to published and records the decision', async () => {
        const q = await t.store.addQuestion(ask('approve me', { status: 'held', holdReason: 'premoderation' }));
        const approved = await t.store.transition(q.id, ['held'], 'published', decision('mod-1'));
        expect(approved).toEqual({ ...q, status: 'published', decision: decision('mod-1') });
        expect(await t.store.getQuestion(q.id)).toEqual(approved);
      });

      it('changes nothing when the question is not in one of the expected statuses', async () => {
        const q = await t.store.addQuestion(ask('already published'));
        expect(await t.store.transition(q.id, ['held'], 'rejected', decision('mod-1', 'spam'))).toBeNull();
        expect(await t.store.transition(q.id, [], 'removed', decision('mod-1', 'spam'))).toBeNull();
        expect(await t.store.getQuestion(q.id)).toEqual(q);
      });

      it('accepts any of several expected statuses', async () => {
        const q = await t.store.addQuestion(ask('take me down'));
        const removed = await t.store.transition(q.id, ['held', 'published'], 'removed', decision('mod-1', 'threat'));
        expect(removed!.status).toBe('removed');
      });

      it('lets exactly one of two moderators racing on a held question win', async () => {
        const q = await t.store.addQuestion(ask('contested', { status: 'held', holdReason: 'filter' }));
        const other = await t.another();
        const [approve, reject] = await Promise.all([
          t.store.transition(q.id, ['held'], 'published', decision('mod-1')),
          other.transition(q.id, ['held'], 'rejected', decision('mod-2', 'off-topic')),
        ]);
        const winners = [approve, reject].filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.getQuestion(q.id)).toEqual(winners[0]);
      });

      it('resolves to null for an unknown question', async () => {
        expect(await t.store.transition('nothing-here-000', ['held'], 'published', decision('mod-1'))).toBeNull();
        expect(await t.store.getQuestion('nothing-here-000')).toBeNull();
      });
    });

    describe('answers', () => {
      it('marks a published question as being answered', async () => {
        const q = await t.store.addQuestion(ask('answer me'));
        const answering = await t.store.setAnswerState(q.id, 'answering');
        expect(answering).toEqual({ ...q, answerState: 'answering' });
        expect(await t.store.getQuestion(q.id)).toEqual(answering);
      });

      it('stores a written answer and marks the question answered', async () => {
        const q = await t.store.addQuestion(ask('write it down'));
        const answer = { text: 'We are hiring two\ncounsellors. "Soon."', byName: 'Sgt. Kim', at: 1_767_000_999_000 };
        const answered = await t.store.setAnswer(q.id, answer);
        expect(answered).toEqual({ ...q, answerState: 'answered', answer });
        expect(await t.store.getQuestion(q.id)).toEqual(answered);
      });

      it.each(['held', 'hidden', 'removed', 'rejected'] as const)('refuses to answer a %s question', async (status) => {
        const q = await t.store.addQuestion(ask(`a ${status} question`, { status }));
        expect(await t.store.setAnswerState(q.id, 'answering')).toBeNull();
        expect(await t.store.setAnswer(q.id, { text: 'no', byName: 'Lt. Ortiz', at: 1 })).toBeNull();
        expect(await t.store.getQuestion(q.id)).toEqual(q);
      });

      it('resolves to null when answering an unknown question', async () => {
        expect(await t.store.setAnswerState('nothing-here-000', 'answered')).toBeNull();
        expect(await t.store.setAnswer('nothing-here-000', { text: 'no', byName: 'Lt. Ortiz', at: 1 })).toBeNull();
        expect(await t.store.getQuestion('nothing-here-000')).toBeNull();
      });
    });

    describe('for the public record', () => {
      it('stamps when a question was marked answered live, keeps the first stamp, and clears it when reopened', async () => {
        const q = await t.store.addQuestion(ask('say it on stage'));
        const live = await t.store.setAnswerState(q.id, 'answered', 5_000);
        expect(live).toEqual({ ...q, answerState: 'answered', answeredLiveAt: 5_000 });
        expect(await t.store.setAnswerState(q.id, 'answered', 9_000)).toEqual(live);
        const written = await t.store.setAnswer(q.id, { text: 'And in writing.', byName: 'Sgt. Kim', at: 7_000 });
        expect(written).toMatchObject({ answeredLiveAt: 5_000, answer: { at: 7_000 } });
        expect(await (await t.another()).getQuestion(q.id)).toEqual(written);
        expect(await t.store.setAnswerState(q.id, 'open', 10_000)).toMatchObject({ answerState: 'open', answeredLiveAt: null });
      });

      it('lists every question of one town hall whatever its status, oldest first, ties by id', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(3_000);
        const late = await t.store.addQuestion(ask('late'));
        vi.setSystemTime(1_000);
        const tied = [await t.store.addQuestion(ask('tied one')), await t.store.addQuestion(ask('tied two', { status: 'held' }))];
        const removed = await t.store.addQuestion(ask('removed'));
        await t.store.transition(removed.id, ['published'], 'removed', decision('mod-1', 'spam'));
        await t.store.addQuestion(ask('elsewhere', { townHallId: OTHER_TH }));
        const listed = await t.store.listForRecord(TH);
        expect(ids(listed)).toEqual([...ids([...tied, removed].sort(byId)), late.id]);
        expect(listed.find((q) => q.id === removed.id)).toMatchObject({ status: 'removed', decision: { reason: 'spam' } });
      });

      it("replaces the names of the given authors in one town hall only, and counts a repeat as nothing", async () => {
        const guest = await t.store.addQuestion(ask('guest one', { authorId: 'guest-000000001', authorName: 'Pat' }));
        const guestAgain = await t.store.addQuestion(ask('guest two', { authorId: 'guest-000000001', authorName: 'Pat', status: 'removed' }));
        const member = await t.store.addQuestion(ask('member', { authorId: 'account-00000001', authorName: 'Lee' }));
        const elsewhere = await t.store.addQuestion(ask('elsewhere', { townHallId: OTHER_TH, authorId: 'guest-000000001', authorName: 'Pat' }));
        expect(await t.store.forgetAuthorNames(TH, ['guest-000000001'], 'Resident')).toBe(2);
        expect(await t.store.forgetAuthorNames(TH, ['guest-000000001'], 'Resident')).toBe(0);
        expect(await t.store.forgetAuthorNames(TH, [], 'Resident')).toBe(0);
        const reopened = await t.reopen();
        expect((await reopened.getQuestion(guest.id))?.authorName).toBe('Resident');
        expect((await reopened.getQuestion(guestAgain.id))?.authorName).toBe('Resident');
        expect(await reopened.getQuestion(member.id)).toEqual(member);
        expect(await reopened.getQuestion(elsewhere.id)).toEqual(elsewhere);
      });
    });

    it('keeps questions, votes and decisions after the storage is reopened', async () => {
      const shown = await t.store.addQuestion(ask('shown', { anonymous: true }));
      const gone = await t.store.addQuestion(ask('gone', { status: 'held', holdReason: 'filter', filterHits: [{ source: 'bad-words', term: 'x' }] }));
      await t.store.castVote(shown.id, 'voter-1');
      await t.store.castVote(shown.id, 'voter-2');
      const answered = await t.store.setAnswer(shown.id, { text: 'Done.', byName: 'Chief Ade', at: 9 });
      const rejected = await t.store.transition(gone.id, ['held'], 'rejected', decision('mod-1', 'hate'));

      const reopened = await t.reopen();
      expect(await reopened.getQuestion(shown.id)).toEqual(answered);
      expect(await reopened.getQuestion(gone.id)).toEqual(rejected);
      expect(await reopened.listVisible(TH)).toEqual([answered]);
      expect(await reopened.votesBy(TH, 'voter-2')).toEqual([shown.id]);
      expect(await reopened.castVote(shown.id, 'voter-1')).toEqual({ changed: false, votes: 2 });
    });
  });
}
