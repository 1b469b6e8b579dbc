// The accountability figures for a period, read over HTTP from the public API (no session).
import type { AccountabilityReport, Period } from '../../../shared/accountability.js';
import type { AppError } from '../../../shared/errors.js';
import { request } from './api.js';

const query = (p: Partial<Period>) => {
  const params = new URLSearchParams();
  if (p.from) params.set('from', p.from);
  if (p.to) params.set('to', p.to);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** The page, the API and its downloads for a period, in one place. */
export const accountabilityHref = {
  page: (p: Partial<Period> = {}) => `/accountability${query(p)}`,
  api: (p: Partial<Period>) => `/api/v1/accountability${query(p)}`,
  csv: (p: Partial<Period>) => `/api/v1/accountability.csv${query(p)}`,
  json: (p: Partial<Period>) => `/api/v1/accountability.json${query(p)}`,
  commitmentsFeed: (lang: string) => `/commitments/feed.atom${lang === 'es' ? '?lang=es' : ''}`,
  townHallFeed: (townHallId: string, lang: string) => `/townhalls/${encodeURIComponent(townHallId)}/feed.atom${lang === 'es' ? '?lang=es' : ''}`,
};

export class AccountabilityState {
  report = $state.raw<AccountabilityReport | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  #asked = 0;

  /** Reads the period (a missing bound takes the API's default); the last request asked wins. */
  async load(period: Partial<Period>): Promise<void> {
    const asked = ++this.#asked;
    this.loading = true;
    this.error = null;
    const result = await request<AccountabilityReport>('GET', accountabilityHref.api(period));
    if (asked !== this.#asked) return;
    this.loading = false;
    if (result.ok) this.report = result.data;
    else this.error = result.error;
  }
}
