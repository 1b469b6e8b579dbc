import type { AppError } from '../../../shared/errors.js';

/** The translate function svelte-i18n hands to components as `$_`. */
export type Translate = (id: string, options?: { values?: Record<string, string | number | null | undefined> }) => string;

/** A person-readable, translated sentence for an error code; never the server's raw text. */
export function errorMessage(t: Translate, error: AppError): string {
  if (error.code === 'RATE_LIMITED' && error.scope === 'network') return t('errors.RATE_LIMITED_network');
  if (error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined) {
    return t('errors.RATE_LIMITED_wait', { values: { seconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) } });
  }
  if (error.code === 'FORBIDDEN' && error.until === null) return t('moderation.sanctionedPermanently');
  if (error.code === 'FORBIDDEN' && typeof error.until === 'number') {
    // A timeout or a ban with an end: say until when, in the interface's language (<html lang>).
    const time = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(error.until);
    return t('moderation.sanctionedUntil', { values: { time } });
  }
  return t(`errors.${error.code}`);
}

