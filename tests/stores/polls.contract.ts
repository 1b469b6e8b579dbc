import { describe, expect, it, vi } from 'vitest';
import type { Ballot } from '../../shared/polls.js';
import { tally } from '../../server/polls/rules.js';
import type { NewBallot, NewPoll, PollRecord, PollStore } from '../../server/polls/store.js';
import { byId, storePerTest, type MakeStore } from './harness.js';

const TH = 'townhall-aaaa-01';
const OTHER_TH = 'townhall-bbbb-02';
const options = [
  { id: 'opt-aaaa', label: 'Parks' },
  { id: 'opt-bbbb', label: 'Roads' },
  { id: 'opt-cccc', label: 'Schools "K-12" 🏫' },
];

const draft = (extra: Partial<NewPoll> = {}): NewPoll => ({
  townHallId: TH,
  kind: 'single',
  question: 'What should the budget favour?',
  options,
  maxChoices: null,
  scale: null,
  visibility: 'live',
  allowChange: true,
  createdBy: 'officer-0000001',
  ...extra,
});

const at = (t: number) => 1_767_000_000_000 + t;

const vote = (ballot: Ballot, extra: Partial<NewBallot> = {}): NewBallot => ({
  ballot,
  castAt: at(5_000),
  status: 'published',
  holdReason: null,
  filterHits: [],
  ...extra,
});
const single = (optionId: string) => vote({ kind: 'single', optionId });

const decision = { by: 'mod-0000001', at: at(9_000), reason: null, note: null };

export function describePollStore(name: string, makeStore: MakeStore<PollStore>): void {
  describe(`PollStore (${name})`, () => {
    const t = storePerTest(makeStore);

    const opened = async (extra: Partial<NewPoll> = {}, closesAt: number | null = null): Promise<PollRecord> => {
      const p = await t.store.createPoll(draft(extra));
      const open = await t.store.transition(p.id, 'open', at(1_000), closesAt);
      if (!open) throw new Error('could not open');
      return open;
    };

    describe('polls', () => {
      it('returns exactly the draft it stored', async () => {
        const input = draft({ kind: 'multiple', maxChoices: 2, visibility: 'on-close', allowChange: false });
        const created = await t.store.createPoll(input);
        expect(created).toMatchObject({ ...input, status: 'draft', openedAt: null, closesAt: null, closedAt: null });
        expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
        expect(await t.store.getPoll(created.id)).toEqual(created);
        const rating = await t.store.createPoll(draft({ kind: 'rating', options: [], scale: { min: 0, max: 10 } }));
        expect(await t.store.getPoll(rating.id)).toEqual(rating);
        expect(await t.store.getPoll('nothing-here-000')).toBeNull();
      });

      it('lists the polls of one town hall, oldest first, ties by id, and keeps them across a restart', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(2_000);
        const newest = await t.store.createPoll(draft());
        vi.setSystemTime(1_000);
        const a = await t.store.createPoll(draft());
        const b = await t.store.createPoll(draft({ kind: 'wordcloud', options: [] }));
        await t.store.createPoll(draft({ townHallId: OTHER_TH }));
        const expected = [...[a, b].sort(byId), newest].map((p) => p.id);
        expect((await t.store.listPolls(TH)).map((p) => p.id)).toEqual(expected);
        const reopened = await t.reopen();
        expect((await reopened.listPolls(TH)).map((p) => p.id)).toEqual(expected);
        expect(await reopened.listPolls('empty-townhall-0')).toEqual([]);
      });

      it('opens only a draft and closes only an open poll, stamping the times', async () => {
        const p = await t.store.createPoll(draft());
        expect(await t.store.transition(p.id, 'closed', at(500))).toBeNull();
        const open = await t.store.transition(p.id, 'open', at(1_000), at(61_000));
        expect(open).toEqual({ ...p, status: 'open', openedAt: at(1_000), closesAt: at(61_000) });
        expect(await t.store.transition(p.id, 'open', at(2_000))).toBeNull();
        const closed = await t.store.transition(p.id, 'closed', at(3_000));
        expect(closed).toEqual({ ...open, status: 'closed', closedAt: at(3_000) });
        expect(await t.store.transition(p.id, 'closed', at(4_000))).toBeNull();
        expect(await t.store.transition(p.id, 'open', at(4_000))).toBeNull();
        expect(await t.store.getPoll(p.id)).toEqual(closed);
        expect(await t.store.transition('nothing-here-000', 'open', at(1))).toBeNull();
      });

      it('lets exactly one of two nodes close a poll', async () => {
        const p = await opened();
        const other = await t.another();
        const results = await Promise.all([t.store.transition(p.id, 'closed', at(2_000)), other.transition(p.id, 'closed', at(2_001))]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('ballots', () => {
      it('stores a ballot and gives it back to its voter only', async () => {
        const p = await opened();
        const cast = await t.store.castBallot(p.id, 'voter-1', single('opt-bbbb'), true);
        expect(cast).toMatchObject({ accepted: true, replaced: false, ballot: { pollId: p.id, ballot: { kind: 'single', optionId: 'opt-bbbb' } } });
        expect(await t.store.ballotOf(p.id, 'voter-1')).toEqual(cast.accepted && cast.ballot);
        expect(await t.store.ballotOf(p.id, 'voter-2')).toBeNull();
        const all = await t.store.ballots(p.id);
        expect(all).toHaveLength(1);
        expect(JSON.stringify(all)).not.toContain('voter-1');
      });

      it('takes no ballot on a draft, a closed poll, an unknown poll, or after the closing time', async () => {
        const d = await t.store.createPoll(draft());
        expect(await t.store.castBallot(d.id, 'voter-1', single('opt-aaaa'), true)).toMatchObject({ accepted: false, reason: 'not-open' });
        const c = await opened();
        await t.store.transition(c.id, 'closed', at(2_000));
        expect(await t.store.castBallot(c.id, 'voter-1', single('opt-aaaa'), true)).toMatchObject({ accepted: false, reason: 'not-open' });
        expect(await t.store.castBallot('nothing-here-000', 'voter-1', single('opt-aaaa'), true)).toMatchObject({ accepted: false });
        const timed = await opened({}, at(5_000));
        expect(await t.store.castBallot(timed.id, 'voter-1', single('opt-aaaa'), true)).toMatchObject({ accepted: false, reason: 'not-open' });
        expect(await t.store.castBallot(timed.id, 'voter-1', vote({ kind: 'single', optionId: 'opt-aaaa' }, { castAt: at(4_999) }), true)).toMatchObject({ accepted: true });
        for (const p of [d, c]) expect(await t.store.ballots(p.id)).toEqual([]);
        expect(await t.store.ballotOf(d.id, 'voter-1')).toBeNull();
      });

      it('replaces a ballot when changes are allowed, keeping its id', async () => {
        const p = await opened();
        const first = await t.store.castBallot(p.id, 'voter-1', single('opt-aaaa'), true);
        const second = await t.store.castBallot(p.id, 'voter-1', single('opt-cccc'), true);
        expect(second).toMatchObject({ accepted: true, replaced: true });
        expect(first.accepted && second.accepted && second.ballot.id).toBe(first.accepted && first.ballot.id);
        expect((await t.store.ballots(p.id)).map((b) => b.ballot)).toEqual([{ kind: 'single', optionId: 'opt-cccc' }]);
      });

      it('refuses a second ballot when changes are not allowed, keeping the first', async () => {
        const p = await opened({ allowChange: false });
        await t.store.castBallot(p.id, 'voter-1', single('opt-aaaa'), false);
        expect(await t.store.castBallot(p.id, 'voter-1', single('opt-cccc'), false)).toEqual({
          accepted: false,
          replaced: false,
          reason: 'already-voted',
        });
        expect((await t.store.ballotOf(p.id, 'voter-1'))?.ballot).toEqual({ kind: 'single', optionId: 'opt-aaaa' });
      });

      it('counts one ballot per person when two nodes cast it at once', async () => {
        const p = await opened({ allowChange: false });
        const other = await t.another();
        const voters = Array.from({ length: 20 }, (_, i) => `voter-${i}`);
        const results = await Promise.all(
          voters.flatMap((v) => [t.store.castBallot(p.id, v, single('opt-aaaa'), false), other.castBallot(p.id, v, single('opt-bbbb'), false)]),
        );
        expect(results.filter((r) => r.accepted)).toHaveLength(20);
        expect(await t.store.ballots(p.id)).toHaveLength(20);
      });

      it('keeps the tally equal to the sum of everyone’s last ballot while people change their minds', async () => {
        const p = await opened({ kind: 'multiple', maxChoices: 2 });
        const other = await t.another();
        const picks = [['opt-aaaa'], ['opt-bbbb', 'opt-cccc'], ['opt-cccc'], ['opt-aaaa', 'opt-bbbb']];
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? other : t.store).castBallot(p.id, `voter-${i % 10}`, vote({ kind: 'multiple', optionIds: picks[i % 4]! }), true),
          ),
        );
        const expected: Record<string, number> = { 'opt-aaaa': 0, 'opt-bbbb': 0, 'opt-cccc': 0 };
        for (let v = 0; v < 10; v++) {
          const mine = await t.store.ballotOf(p.id, `voter-${v}`);
          if (mine?.ballot.kind !== 'multiple') throw new Error('no ballot');
          for (const id of mine.ballot.optionIds) expected[id]! += 1;
        }
        const after = await (await t.reopen()).ballots(p.id);
        expect(tally(p, after)).toEqual({ kind: 'multiple', ballots: 10, counts: expected });
      });
    });

    describe('word-cloud answers', () => {
      const answer = (text: string, extra: Partial<NewBallot> = {}) => vote({ kind: 'wordcloud', text }, extra);
      const held = { status: 'held' as const, holdReason: 'filter' as const, filterHits: [{ source: 'department' as const, term: 'dirtycop' }] };

      it('finds an answer by its id, with its author and town hall, for moderators', async () => {
        const p = await opened({ kind: 'wordcloud', options: [] });
        const cast = await t.store.castBallot(p.id, 'voter-1', answer('dirtycop', held), true);
        if (!cast.accepted) throw new Error('refused');
        expect(await t.store.getAnswer(cast.ballot.id)).toEqual({ ...cast.ballot, townHallId: TH, userId: 'voter-1', ...held });
        expect(await t.store.getAnswer('nothing-here-000')).toBeNull();
      });

      it('changes an answer’s status by compare-and-set, once', async () => {
        const p = await opened({ kind: 'wordcloud', options: [] });
        const cast = await t.store.castBallot(p.id, 'voter-1', answer('potholes', held), true);
        if (!cast.accepted) throw new Error('refused');
        const other = await t.another();
        const results = await Promise.all([
          t.store.setAnswerStatus(cast.ballot.id, ['held'], 'published', decision),
          other.setAnswerStatus(cast.ballot.id, ['held'], 'rejected', decision),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.find(Boolean)!;
        expect(winner).toMatchObject({ id: cast.ballot.id, decision });
        expect((await t.store.ballots(p.id))[0]).toMatchObject({ status: winner.status, decision });
        expect(await t.store.setAnswerStatus('nothing-here-000', ['held'], 'published', decision)).toBeNull();
      });

      it('counts only published answers, and a changed answer is screened afresh', async () => {
        const p = await opened({ kind: 'wordcloud', options: [] });
        await t.store.castBallot(p.id, 'voter-1', answer('Potholes'), true);
        await t.store.castBallot(p.id, 'voter-2', answer('potholes'), true);
        const hidden = await t.store.castBallot(p.id, 'voter-3', answer('dirtycop', held), true);
        expect(tally(p, await t.store.ballots(p.id))).toMatchObject({ ballots: 2, words: [{ word: 'potholes', count: 2 }] });
        if (!hidden.accepted) throw new Error('refused');
        await t.store.setAnswerStatus(hidden.ballot.id, ['held'], 'rejected', decision);
        const changed = await t.store.castBallot(p.id, 'voter-3', answer('lighting'), true);
        expect(changed).toMatchObject({ accepted: true, replaced: true, ballot: { id: hidden.ballot.id, status: 'published', decision: null } });
        expect(await t.store.getAnswer(hidden.ballot.id)).toMatchObject({ status: 'published', decision: null, holdReason: null, filterHits: [] });
        expect(tally(p, await t.store.ballots(p.id))).toMatchObject({ ballots: 3 });
      });
    });
  });
}
