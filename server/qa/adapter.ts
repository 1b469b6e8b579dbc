import { showDecision, type DecisionScreens } from '../moderation/announce.js';
import type { ContentAdapter, ContentSummary } from '../moderation/pipeline-types.js';
import type { TownHallService } from '../townhall/service.js';
import type { QaBroadcast } from './broadcast.js';
import type { QuestionRecord, QuestionStore } from './store.js';

/**
 * Questions as the moderation pipeline sees them. Decisions are applied here with the store's
 * compare-and-set, then every screen is told: published questions come (back) to everyone,
 * hidden ones leave residents' screens, removed and rejected ones leave all screens.
 */
export function createQuestionAdapter(deps: {
  questions: QuestionStore;
  townHalls: TownHallService;
  broadcast: QaBroadcast;
  authorReviews(q: QuestionRecord): Promise<boolean>;
}): ContentAdapter {
  const summarise = async (q: QuestionRecord): Promise<ContentSummary> => {
    const townHall = await deps.townHalls.get(q.townHallId);
    return {
      ref: { kind: 'question', id: q.id },
      place: { kind: 'townhall', id: q.townHallId, title: townHall?.title ?? '' },
      authorId: q.authorId,
      authorName: q.authorName,
      anonymous: q.anonymous,
      text: q.text,
      // Moderation has no merged status: to it a merged question is off the list, like a removed
      // one. Its moves never apply (the store's compare-and-set finds 'merged'), and a merge is no
      // decision, so there is nothing to appeal.
      status: q.status === 'merged' ? 'removed' : q.status,
      createdAt: q.createdAt,
      holdReason: q.holdReason,
      filterHits: q.filterHits,
      decision: q.decision,
    };
  };
  const screens: DecisionScreens<QuestionRecord> = {
    changed: async (q) => deps.broadcast.changed(q, await deps.authorReviews(q)),
    hidden: (q) => deps.broadcast.hidden(q),
    removed: (q, wasPublic) => deps.broadcast.removed(q, wasPublic),
  };
  return {
    kind: 'question',
    async describe(id) {
      const q = await deps.questions.getQuestion(id);
      return q ? summarise(q) : null;
    },
    async transition(id, from, to, decision) {
      const updated = await deps.questions.transition(id, from, to, decision);
      if (!updated) return null;
      await showDecision(updated, to, from.includes('published'), screens);
      return summarise(updated);
    },
  };
}
