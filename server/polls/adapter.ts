// Word-cloud answers as the moderation pipeline sees them. Ballots are secret, so an answer is
// anonymous: moderators see a pseudonym, never a name, and residents nothing at all.
import type { ContentAdapter, ContentSummary } from '../moderation/pipeline-types.js';
import type { TownHallService } from '../townhall/service.js';
import type { AnswerRecord, PollStore } from './store.js';

export function createAnswerAdapter(deps: {
  polls: PollStore;
  townHalls: TownHallService;
  /** Called after a decision, so the cloud gains or loses the answer with the next tally. */
  changed(pollId: string): void;
}): ContentAdapter {
  const summarise = async (a: AnswerRecord): Promise<ContentSummary | null> => {
    if (a.ballot.kind !== 'wordcloud') return null;
    const townHall = await deps.townHalls.get(a.townHallId);
    return {
      ref: { kind: 'answer', id: a.id },
      place: { kind: 'townhall', id: a.townHallId, title: townHall?.title ?? '' },
      authorId: a.userId,
      authorName: '',
      anonymous: true,
      text: a.ballot.text,
      status: a.status,
      createdAt: a.castAt,
      holdReason: a.holdReason,
      filterHits: a.filterHits,
      decision: a.decision,
    };
  };
  return {
    kind: 'answer',
    async describe(id) {
      const a = await deps.polls.getAnswer(id);
      return a ? summarise(a) : null;
    },
    async transition(id, from, to, decision) {
      const before = await deps.polls.getAnswer(id);
      if (!before || before.ballot.kind !== 'wordcloud') return null;
      const updated = await deps.polls.setAnswerStatus(id, from, to, decision);
      if (!updated) return null;
      deps.changed(updated.pollId);
      return summarise(updated);
    },
  };
}
