import { describe, expect, it } from 'vitest';
import { POLL_LIMITS, PollCreate, type Ballot } from '../../shared/polls.js';
import {
  ballotProblem,
  canSeePoll,
  canSeeResults,
  instantRunoff,
  isOverdue,
  normaliseAnswer,
  resultsAudience,
  tally,
  wordCloud,
  type Countable,
} from '../../server/polls/rules.js';
import type { PollRecord } from '../../server/polls/store.js';

const options = ['optA', 'optB', 'optC', 'optD'].map((id) => ({ id, label: `Label ${id}` }));

const poll = (over: Partial<PollRecord> = {}): PollRecord => ({
  id: 'poll0001',
  townHallId: 'th1th1th1',
  kind: 'single',
  question: 'Which?',
  options,
  maxChoices: null,
  scale: null,
  visibility: 'live',
  allowChange: true,
  status: 'open',
  createdBy: 'officer1',
  createdAt: 1000,
  openedAt: 2000,
  closesAt: null,
  closedAt: null,
  ...over,
});

const published = (...ballots: Ballot[]): Countable[] => ballots.map((ballot) => ({ ballot, status: 'published' }));
const ranked = (...rankings: string[][]): Countable[] => published(...rankings.map((ranking) => ({ kind: 'ranked' as const, ranking })));

describe('ballot validation', () => {
  it('takes only a ballot of the poll’s own kind', () => {
    expect(ballotProblem(poll(), { kind: 'single', optionId: 'optA' })).toBeNull();
    expect(ballotProblem(poll(), { kind: 'multiple', optionIds: ['optA'] })).toMatch(/single/);
  });

  it('refuses an option that does not exist', () => {
    expect(ballotProblem(poll(), { kind: 'single', optionId: 'optZ' })).toMatch(/No such option/);
    expect(ballotProblem(poll(), { kind: 'single', optionId: 'constructor' })).toMatch(/No such option/);
  });

  it('takes up to maxChoices distinct options in a multiple-choice poll', () => {
    const p = poll({ kind: 'multiple', maxChoices: 2 });
    expect(ballotProblem(p, { kind: 'multiple', optionIds: ['optA', 'optC'] })).toBeNull();
    expect(ballotProblem(p, { kind: 'multiple', optionIds: ['optA', 'optB', 'optC'] })).toMatch(/at most 2/);
    expect(ballotProblem(p, { kind: 'multiple', optionIds: ['optA', 'optA'] })).toMatch(/once/);
    expect(ballotProblem(p, { kind: 'multiple', optionIds: ['optA', 'nope'] })).toMatch(/No such option/);
  });

  it('takes a rating only on the poll’s scale', () => {
    const p = poll({ kind: 'rating', options: [], scale: { min: 1, max: 5 } });
    expect(ballotProblem(p, { kind: 'rating', value: 1 })).toBeNull();
    expect(ballotProblem(p, { kind: 'rating', value: 5 })).toBeNull();
    expect(ballotProblem(p, { kind: 'rating', value: 0 })).toMatch(/scale/);
    expect(ballotProblem(p, { kind: 'rating', value: 6 })).toMatch(/scale/);
  });

  it('takes a ranking of a subset of existing options, each once', () => {
    const p = poll({ kind: 'ranked' });
    expect(ballotProblem(p, { kind: 'ranked', ranking: ['optB'] })).toBeNull();
    expect(ballotProblem(p, { kind: 'ranked', ranking: ['optB', 'optA', 'optD', 'optC'] })).toBeNull();
    expect(ballotProblem(p, { kind: 'ranked', ranking: ['optB', 'optA', 'optB'] })).toMatch(/once/);
    expect(ballotProblem(p, { kind: 'ranked', ranking: ['optB', 'optX'] })).toMatch(/No such option/);
  });

  it('checks a new poll’s shape in the contract schema', () => {
    const base = { townHallId: 'th1th1th1', question: 'Which one?' };
    expect(PollCreate.safeParse({ ...base, kind: 'single', options: ['Yes', 'No'] }).success).toBe(true);
    expect(PollCreate.safeParse({ ...base, kind: 'single', options: ['Yes', 'yes'] }).success).toBe(false);
    expect(PollCreate.safeParse({ ...base, kind: 'multiple', options: ['A', 'B'], maxChoices: 3 }).success).toBe(false);
    expect(PollCreate.safeParse({ ...base, kind: 'rating' }).success).toBe(false);
    expect(PollCreate.safeParse({ ...base, kind: 'rating', scale: { min: 0, max: 10 } }).success).toBe(true);
    expect(PollCreate.safeParse({ ...base, kind: 'wordcloud', options: ['A'] }).success).toBe(false);
  });
});

describe('tallies', () => {
  it('counts single-choice ballots for every option, zero included', () => {
    const results = tally(poll(), published(
      { kind: 'single', optionId: 'optA' },
      { kind: 'single', optionId: 'optB' },
      { kind: 'single', optionId: 'optA' },
    ));
    expect(results).toEqual({ kind: 'single', ballots: 3, counts: { optA: 2, optB: 1, optC: 0, optD: 0 } });
  });

  it('counts every option a multiple-choice ballot chose, and each ballot once', () => {
    const results = tally(poll({ kind: 'multiple', maxChoices: 3 }), published(
      { kind: 'multiple', optionIds: ['optA', 'optC'] },
      { kind: 'multiple', optionIds: ['optC'] },
    ));
    expect(results).toEqual({ kind: 'multiple', ballots: 2, counts: { optA: 1, optB: 0, optC: 2, optD: 0 } });
  });

  it('counts ratings for every point of the scale and takes their mean', () => {
    const p = poll({ kind: 'rating', options: [], scale: { min: 0, max: 10 } });
    const results = tally(p, published({ kind: 'rating', value: 10 }, { kind: 'rating', value: 7 }, { kind: 'rating', value: 7 }));
    expect(results).toMatchObject({ kind: 'rating', ballots: 3, mean: 8 });
    expect(results.kind === 'rating' && Object.keys(results.counts)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(results.kind === 'rating' && results.counts).toMatchObject({ '7': 2, '10': 1, '0': 0 });
    expect(tally(p, [])).toMatchObject({ ballots: 0, mean: null });
  });

  it('counts ranked first preferences beside the runoff', () => {
    const results = tally(poll({ kind: 'ranked' }), ranked(['optA', 'optB'], ['optB'], ['optA']));
    expect(results).toMatchObject({ kind: 'ranked', ballots: 3, firstPreferences: { optA: 2, optB: 1, optC: 0, optD: 0 }, winners: ['optA'] });
  });

  it('counts only published answers in a word cloud, normalised', () => {
    const p = poll({ kind: 'wordcloud', options: [] });
    const answers: Countable[] = [
      { ballot: { kind: 'wordcloud', text: 'Street Lights' }, status: 'published' },
      { ballot: { kind: 'wordcloud', text: '  street   lights ' }, status: 'published' },
      { ballot: { kind: 'wordcloud', text: 'parking' }, status: 'published' },
      { ballot: { kind: 'wordcloud', text: 'held words' }, status: 'held' },
      { ballot: { kind: 'wordcloud', text: 'parking' }, status: 'removed' },
    ];
    expect(tally(p, answers)).toEqual({
      kind: 'wordcloud',
      ballots: 3,
      words: [
        { word: 'street lights', count: 2 },
        { word: 'parking', count: 1 },
      ],
    });
  });

  it('keeps the most frequent words of a big cloud, ties alphabetically', () => {
    const texts = Array.from({ length: POLL_LIMITS.cloudWords + 10 }, (_, i) => `word ${String(i).padStart(3, '0')}`);
    const words = wordCloud(['zebra', 'zebra', ...texts.reverse()]);
    expect(words).toHaveLength(POLL_LIMITS.cloudWords);
    expect(words[0]).toEqual({ word: 'zebra', count: 2 });
    expect(words[1]).toEqual({ word: 'word 000', count: 1 });
    expect(words.at(-1)).toEqual({ word: `word ${String(POLL_LIMITS.cloudWords - 2).padStart(3, '0')}`, count: 1 });
    expect(normaliseAnswer('  A   B\tC ')).toBe('a b c');
  });
});

describe('instant-runoff', () => {
  const ids = ['optA', 'optB', 'optC', 'optD'];

  it('elects an option with a first-round majority at once', () => {
    const result = instantRunoff(ids, [['optA'], ['optA', 'optB'], ['optB'], ['optA', 'optC']]);
    expect(result).toEqual({
      rounds: [{ counts: { optA: 3, optB: 1, optC: 0, optD: 0 }, eliminated: [], exhausted: 0 }],
      winners: ['optA'],
    });
  });

  it('eliminates the weakest over several rounds, passing their ballots on', () => {
    const rankings = [
      ...Array(4).fill(['optA']),
      ...Array(3).fill(['optB', 'optA']),
      ...Array(2).fill(['optC', 'optB']),
      ['optD', 'optB'],
    ];
    const { rounds, winners } = instantRunoff(ids, rankings);
    expect(rounds).toEqual([
      { counts: { optA: 4, optB: 3, optC: 2, optD: 1 }, eliminated: ['optD'], exhausted: 0 },
      { counts: { optA: 4, optB: 4, optC: 2 }, eliminated: ['optC'], exhausted: 0 },
      { counts: { optA: 4, optB: 6 }, eliminated: [], exhausted: 0 },
    ]);
    expect(winners).toEqual(['optB']);
  });

  it('eliminates options tied for last together', () => {
    const rankings = [['optA'], ['optA'], ['optB', 'optA'], ['optC', 'optA'], ['optD', 'optB'], ['optD', 'optB']];
    const { rounds, winners } = instantRunoff(ids, rankings);
    expect(rounds[0]).toEqual({ counts: { optA: 2, optB: 1, optC: 1, optD: 2 }, eliminated: ['optB', 'optC'], exhausted: 0 });
    expect(rounds[1]).toEqual({ counts: { optA: 4, optD: 2 }, eliminated: [], exhausted: 0 });
    expect(winners).toEqual(['optA']);
  });

  it('names every remaining option a winner when they end tied', () => {
    const { rounds, winners } = instantRunoff(['optA', 'optB', 'optC'], [['optA'], ['optA'], ['optB'], ['optB'], ['optC']]);
    expect(rounds).toEqual([
      { counts: { optA: 2, optB: 2, optC: 1 }, eliminated: ['optC'], exhausted: 0 },
      { counts: { optA: 2, optB: 2 }, eliminated: [], exhausted: 1 },
    ]);
    expect(winners).toEqual(['optA', 'optB']);
    expect(instantRunoff(['optA', 'optB'], [['optA'], ['optB']]).winners).toEqual(['optA', 'optB']);
  });

  it('exhausts ballots with no option left and judges the majority among those still counting', () => {
    const rankings = [['optA'], ['optA'], ['optA'], ['optB'], ['optB'], ['optC'], ['optC', 'optB'], ['optD']];
    const { rounds, winners } = instantRunoff(ids, rankings);
    expect(rounds).toEqual([
      { counts: { optA: 3, optB: 2, optC: 2, optD: 1 }, eliminated: ['optD'], exhausted: 0 },
      { counts: { optA: 3, optB: 2, optC: 2 }, eliminated: ['optB', 'optC'], exhausted: 1 },
      { counts: { optA: 3 }, eliminated: [], exhausted: 5 },
    ]);
    expect(winners).toEqual(['optA']);
  });

  it('has no rounds and no winner without ballots', () => {
    expect(instantRunoff(ids, [])).toEqual({ rounds: [], winners: [] });
  });
});

describe('who sees polls and results', () => {
  it('hides drafts from residents', () => {
    expect(canSeePoll(poll({ status: 'draft' }), 'resident')).toBe(false);
    expect(canSeePoll(poll({ status: 'draft' }), 'officer')).toBe(true);
    expect(canSeePoll(poll({ status: 'open' }), 'resident')).toBe(true);
  });

  it('shows results by visibility: live to all, on-close after closing, staff to staff', () => {
    expect(canSeeResults(poll({ visibility: 'live' }), 'resident')).toBe(true);
    expect(canSeeResults(poll({ visibility: 'on-close' }), 'resident')).toBe(false);
    expect(canSeeResults(poll({ visibility: 'on-close' }), 'moderator')).toBe(true);
    expect(canSeeResults(poll({ visibility: 'on-close', status: 'closed' }), 'resident')).toBe(true);
    expect(canSeeResults(poll({ visibility: 'staff', status: 'closed' }), 'resident')).toBe(false);
    expect(canSeeResults(poll({ visibility: 'staff', status: 'closed' }), 'captioner')).toBe(false);
    expect(canSeeResults(poll({ visibility: 'staff' }), 'admin')).toBe(true);
    expect(resultsAudience(poll({ visibility: 'on-close' }))).toBe('staff');
    expect(resultsAudience(poll({ visibility: 'on-close', status: 'closed' }))).toBe('everyone');
    expect(resultsAudience(poll({ visibility: 'staff', status: 'closed' }))).toBe('staff');
  });

  it('knows a timed poll is overdue once its closing time has come', () => {
    expect(isOverdue(poll({ closesAt: 5000 }), 4999)).toBe(false);
    expect(isOverdue(poll({ closesAt: 5000 }), 5000)).toBe(true);
    expect(isOverdue(poll({ closesAt: null }), 9e12)).toBe(false);
    expect(isOverdue(poll({ closesAt: 5000, status: 'closed' }), 9e12)).toBe(false);
  });
});
