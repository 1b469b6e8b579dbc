// What both poll stores build and write, so they cannot drift apart. Each copies exactly the
// declared fields: an extra property on the caller's object would otherwise come back from
// one method but not from another.
import type { Ballot } from '../../shared/polls.js';
import { newId } from '../core/ids.js';
import type { BallotRecord, NewBallot, NewPoll, PollRecord } from './store.js';

export const newPollRecord = (p: NewPoll): PollRecord => ({
  id: newId(),
  townHallId: p.townHallId,
  kind: p.kind,
  question: p.question,
  options: p.options.map(({ id, label }) => ({ id, label })),
  maxChoices: p.maxChoices,
  scale: p.scale ? { min: p.scale.min, max: p.scale.max } : null,
  visibility: p.visibility,
  allowChange: p.allowChange,
  status: 'draft',
  createdBy: p.createdBy,
  createdAt: Date.now(),
  openedAt: null,
  closesAt: null,
  closedAt: null,
});

export function plainBallot(b: Ballot): Ballot {
  switch (b.kind) {
    case 'single':
      return { kind: b.kind, optionId: b.optionId };
    case 'multiple':
      return { kind: b.kind, optionIds: [...b.optionIds] };
    case 'rating':
      return { kind: b.kind, value: b.value };
    case 'ranked':
      return { kind: b.kind, ranking: [...b.ranking] };
    case 'wordcloud':
      return { kind: b.kind, text: b.text };
  }
}

/** A ballot as stored; `id` is the person's existing ballot id when they change it. */
export const ballotRecord = (id: string, pollId: string, b: NewBallot): BallotRecord => ({
  id,
  pollId,
  ballot: plainBallot(b.ballot),
  castAt: b.castAt,
  status: b.status,
  holdReason: b.holdReason,
  filterHits: b.filterHits.map(({ source, term }) => ({ source, term })),
  decision: null,
});

