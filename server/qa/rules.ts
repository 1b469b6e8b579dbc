// Pure rules of the live Q&A: who sees what.
import type { QuestionView } from '../../shared/qa.js';
import type { QuestionRecord } from './store.js';

export type Audience = 'public' | 'staff' | 'author';

/**
 * The question as one audience may see it. Public copies never carry anything that identifies
 * an anonymous asker. Reviewing staff see a pseudonym for anonymous questions only: were it on
 * named questions too, the shared pseudonym would tie a person's anonymous questions to
 * their name.
 */
export function viewOf(q: QuestionRecord, audience: Audience, handle: string, authorReviews = false): QuestionView {
  const view: QuestionView = {
    id: q.id,
    townHallId: q.townHallId,
    text: q.text,
    createdAt: q.createdAt,
    votes: q.votes,
    status: q.status === 'held' || q.status === 'hidden' ? q.status : 'published',
    anonymous: q.anonymous,
    authorName: q.anonymous ? null : q.authorName,
    authorRole: q.authorRole,
    answerState: q.answerState,
    answer: q.answer,
    topicId: q.topicId,
  };
  if (q.alsoAskedBy > 0) view.alsoAskedBy = q.alsoAskedBy;
  if (audience === 'author') view.mine = true;
  if (audience === 'staff' || (audience === 'author' && authorReviews)) {
    if (q.anonymous) view.authorHandle = handle;
    if (q.holdReason) view.holdReason = q.holdReason;
    if (q.filterHits.length) view.filterHits = q.filterHits;
  } else if (audience === 'author' && q.status === 'held' && q.holdReason) {
    view.holdReason = q.holdReason;
  }
  return view;
}

/** Whether residents other than the asker may see it at all. */
export const isPublic = (q: Pick<QuestionRecord, 'status'>): boolean => q.status === 'published';
