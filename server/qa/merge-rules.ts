// Pure rules of merging duplicates: who sees a merged question, and what each refusal means.
import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { QuestionView } from '../../shared/qa.js';
import type { MergeRefusal } from './merge-store.js';
import { viewOf, type Audience } from './rules.js';
import type { QuestionRecord } from './store.js';

/**
 * A merged question as staff and its asker see it (nobody else sees it at all): where it went,
 * so the asker can follow it there and staff can take it back out.
 */
export function mergedView(
  q: QuestionRecord,
  target: Pick<QuestionRecord, 'id' | 'text'>,
  audience: Exclude<Audience, 'public'>,
  handle: string,
  authorReviews = false,
): QuestionView {
  return { ...viewOf(q, audience, handle, authorReviews), status: 'merged', mergedInto: { id: target.id, text: target.text } };
}

/** A vote on a merged question: the client is told why, in a code it can word itself. */
export const mergedVoteError = (): CommandError =>
  new CommandError(ErrorCode.CONFLICT, 'This question was merged into another; vote for that one.', { reason: 'MERGED' });

/**
 * What a refused merge tells the client. Questions that are gone, or in another town hall, are
 * not found here; questions that exist but cannot take part are a conflict.
 */
export function mergeRefusalError({ refused, questionId }: MergeRefusal, targetId: string): CommandError {
  const which = questionId === targetId ? 'The question to merge into' : 'A question to merge';
  switch (refused) {
    case 'missing':
    case 'removed':
    case 'rejected':
      return new CommandError(ErrorCode.NOT_FOUND, `${which} does not exist.`);
    case 'other-town-hall':
      return new CommandError(ErrorCode.NOT_FOUND, 'Only questions of the same town hall can be merged.');
    case 'merged':
      return new CommandError(ErrorCode.CONFLICT, `${which} is already merged into another.`, { reason: 'MERGED' });
    case 'has-merged':
      return new CommandError(ErrorCode.CONFLICT, 'A question with others merged into it cannot be merged itself; undo those first.');
    case 'held':
    case 'hidden':
      return new CommandError(ErrorCode.CONFLICT, `${which} is not published.`);
  }
}
