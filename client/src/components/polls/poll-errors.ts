import type { AppError } from '../../../../shared/errors.js';
import { errorMessage, type Translate } from '../../lib/errors.js';

/** Errors of poll commands in words that fit the moment; other codes read as everywhere else. */
export function pollErrorMessage(t: Translate, error: AppError, during: 'vote' | 'create' | 'launch' | 'close'): string {
  if (error.code === 'CONFLICT') return t(`polls.errors.conflict.${during}`);
  if (error.code === 'INVALID_PAYLOAD' && during === 'vote') return t('polls.errors.invalidVote');
  if (error.code === 'INVALID_PAYLOAD' && during === 'create') return t('polls.errors.invalidPoll');
  if (error.code === 'NOT_FOUND') return t('polls.errors.notFound');
  return errorMessage(t, error);
}
