import type { AppError } from '../../../shared/errors.js';
import { FORUM_LIMITS } from '../../../shared/forum.js';
import { cleanText, textLength } from '../../../shared/text.js';
import { errorMessage, type Translate } from './errors.js';
import { formatTime } from './format.js';

/**
 * What a person is told when a post, reply or edit is refused: the wait, the end of a timeout,
 * or the field to fix; `forbidden` is what a plain refusal means in this place.
 */
export function postErrorMessage(t: Translate, error: AppError, locale: string, forbidden: string): string {
  if (error.code === 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return t('forum.editor.rateLimited', { values: { seconds } });
  }
  if (error.code === 'FORBIDDEN' && typeof error.until === 'number') {
    return t('forum.editor.suspendedUntil', { values: { time: formatTime(error.until, locale) } });
  }
  if (error.code === 'FORBIDDEN' && error.until === null) return errorMessage(t, error);
  if (error.code === 'FORBIDDEN') return forbidden;
  if (error.code === 'INVALID_PAYLOAD' && error.fields?.includes('text')) return t('forum.editor.blocked');
  if (error.code === 'INVALID_PAYLOAD') return t('forum.editor.invalid');
  return errorMessage(t, error);
}


/** What is wrong with a post body before it is sent, if anything. */
export function bodyProblem(body: string): 'empty' | 'long' | null {
  const clean = cleanText(body);
  const length = textLength(clean);
  if (length < FORUM_LIMITS.body.min) return 'empty';
  if (length > FORUM_LIMITS.body.max) return 'long';
  return null;
}

/** The message for a body problem. */
export function bodyProblemMessage(t: Translate, problem: 'empty' | 'long'): string {
  return problem === 'empty' ? t('forum.editor.bodyEmpty') : t('forum.editor.bodyTooLong', { values: { max: FORUM_LIMITS.body.max } });
}
