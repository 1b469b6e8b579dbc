// Pure rules of polls: which ballots a poll takes, how ballots become results, and who sees what.
import { POLL_LIMITS, type Ballot, type IrvRound, type PollResults, type PollView } from '../../shared/polls.js';
import { canReview, type Role } from '../../shared/roles.js';
import type { ContentStatus } from '../moderation/pipeline-types.js';
import type { PollRecord } from './store.js';

/** The poll as a `poll:changed` fact carries it: no results, no ballot. */
export const pollFact = (p: PollRecord): Omit<PollView, 'results' | 'myBallot'> => ({
  id: p.id,
  townHallId: p.townHallId,
  kind: p.kind,
  question: p.question,
  options: p.options.map(({ id, label }) => ({ id, label })),
  maxChoices: p.maxChoices,
  scale: p.scale,
  visibility: p.visibility,
  allowChange: p.allowChange,
  status: p.status,
  createdAt: p.createdAt,
  openedAt: p.openedAt,
  closesAt: p.closesAt,
  closedAt: p.closedAt,
});

export const pollView = (p: PollRecord, results: PollResults | null, myBallot: Ballot | null): PollView => ({
  ...pollFact(p),
  results,
  myBallot,
});

/** Residents never see drafts; the reviewing staff (the staff room) do. */
export const canSeePoll = (p: Pick<PollRecord, 'status'>, role: Role): boolean => p.status !== 'draft' || canReview(role);

/** live: everyone; on-close: staff while open, everyone once closed; staff: staff only. */
export function canSeeResults(p: Pick<PollRecord, 'status' | 'visibility'>, role: Role): boolean {
  if (canReview(role) || p.visibility === 'live') return true;
  return p.visibility === 'on-close' && p.status === 'closed';
}

/** Which room `poll:results-tallied` goes to: the whole town hall, or its staff only. */
export function resultsAudience(p: Pick<PollRecord, 'status' | 'visibility'>): 'everyone' | 'staff' {
  return canSeeResults(p, 'resident') ? 'everyone' : 'staff';
}

/** Whether a timed poll is past its closing time but not yet marked closed. */
export const isOverdue = (p: Pick<PollRecord, 'status' | 'closesAt'>, now: number): boolean =>
  p.status === 'open' && p.closesAt !== null && p.closesAt <= now;

const hasDuplicates = (ids: string[]): boolean => new Set(ids).size !== ids.length;

/** Why a ballot does not fit this poll, or null when it does. */
export function ballotProblem(p: Pick<PollRecord, 'kind' | 'options' | 'maxChoices' | 'scale'>, b: Ballot): string | null {
  if (b.kind !== p.kind) return `This poll takes a ${p.kind} ballot.`;
  const exists = (id: string) => p.options.some((o) => o.id === id);
  switch (b.kind) {
    case 'single':
      return exists(b.optionId) ? null : 'No such option.';
    case 'multiple':
      if (hasDuplicates(b.optionIds)) return 'Choose each option once.';
      if (b.optionIds.length > (p.maxChoices ?? p.options.length)) return `Choose at most ${p.maxChoices}.`;
      return b.optionIds.every(exists) ? null : 'No such option.';
    case 'rating':
      if (!p.scale || b.value < p.scale.min || b.value > p.scale.max) return 'That rating is off the scale.';
      return null;
    case 'ranked':
      if (hasDuplicates(b.ranking)) return 'Rank each option once.';
      return b.ranking.every(exists) ? null : 'No such option.';
    case 'wordcloud':
      return null;
  }
}

/** What a tally needs of a ballot: only published ones count. */
export interface Countable {
  ballot: Ballot;
  status: ContentStatus;
}

const zeroes = (keys: string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));

/** The results of a poll from its ballots: always a function of the ballots alone. */
export function tally(p: Pick<PollRecord, 'kind' | 'options' | 'scale'>, all: Countable[]): PollResults {
  const counted = all.filter((c) => c.status === 'published' && c.ballot.kind === p.kind).map((c) => c.ballot);
  const optionIds = p.options.map((o) => o.id);
  switch (p.kind) {
    case 'single':
    case 'multiple': {
      const counts = zeroes(optionIds);
      for (const b of counted) {
        const chosen = b.kind === 'single' ? [b.optionId] : b.kind === 'multiple' ? b.optionIds : [];
        for (const id of chosen) if (Object.hasOwn(counts, id)) counts[id]! += 1;
      }
      return { kind: p.kind, ballots: counted.length, counts };
    }
    case 'rating': {
      const { min, max } = p.scale ?? { min: 0, max: 0 };
      const counts = zeroes(Array.from({ length: max - min + 1 }, (_, i) => String(min + i)));
      let sum = 0;
      for (const b of counted) {
        if (b.kind !== 'rating') continue;
        counts[String(b.value)] = (counts[String(b.value)] ?? 0) + 1;
        sum += b.value;
      }
      return { kind: 'rating', ballots: counted.length, counts, mean: counted.length ? sum / counted.length : null };
    }
    case 'ranked': {
      const rankings = counted.flatMap((b) => (b.kind === 'ranked' ? [b.ranking] : []));
      const firstPreferences = zeroes(optionIds);
      for (const r of rankings) if (r[0] !== undefined && Object.hasOwn(firstPreferences, r[0])) firstPreferences[r[0]]! += 1;
      return { kind: 'ranked', ballots: rankings.length, firstPreferences, ...instantRunoff(optionIds, rankings) };
    }
    case 'wordcloud': {
      const texts = counted.flatMap((b) => (b.kind === 'wordcloud' ? [b.text] : []));
      return { kind: 'wordcloud', ballots: texts.length, words: wordCloud(texts) };
    }
  }
}

/**
 * Instant-runoff. Each round counts every ballot for its highest-ranked option still in the
 * running; an option with more than half of the ballots still counting wins. Otherwise every
 * option with the fewest votes is eliminated together, unless all of them are tied, in which
 * case they all win. A ballot with no option left in the running is exhausted.
 */
export function instantRunoff(optionIds: string[], rankings: string[][]): { rounds: IrvRound[]; winners: string[] } {
  const rounds: IrvRound[] = [];
  if (rankings.length === 0) return { rounds, winners: [] };
  let running = [...optionIds];
  while (running.length > 0) {
    const counts = zeroes(running);
    let exhausted = 0;
    for (const ranking of rankings) {
      const choice = ranking.find((id) => Object.hasOwn(counts, id));
      if (choice === undefined) exhausted += 1;
      else counts[choice]! += 1;
    }
    const continuing = rankings.length - exhausted;
    const leader = running.find((id) => counts[id]! * 2 > continuing);
    const fewest = Math.min(...running.map((id) => counts[id]!));
    const last = running.filter((id) => counts[id] === fewest);
    if (leader !== undefined || last.length === running.length) {
      rounds.push({ counts, eliminated: [], exhausted });
      return { rounds, winners: leader !== undefined ? [leader] : running };
    }
    rounds.push({ counts, eliminated: last, exhausted });
    running = running.filter((id) => counts[id] !== fewest);
  }
  return { rounds, winners: [] };
}

/** How answers are compared in a word cloud: lower case, trimmed, inner spaces collapsed. */
export const normaliseAnswer = (text: string): string => text.toLowerCase().trim().replace(/\s+/g, ' ');

/** The most frequent answers, by count and then alphabetically. */
export function wordCloud(texts: string[]): { word: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of texts) {
    const word = normaliseAnswer(t);
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, POLL_LIMITS.cloudWords);
}
