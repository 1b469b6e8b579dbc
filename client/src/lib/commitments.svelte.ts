// The department's commitments over HTTP: the public list (filtered by status, topic or town
// hall), recording one and posting dated updates. Units and topics label them.
import type { z } from 'zod';
import type { CommitmentFilter, CommitmentItem, CommitmentList } from '../../../shared/commitments.js';
import type { AppError, Result } from '../../../shared/errors.js';
import type { CommitmentUpdateBody, NewCommitment, Unit } from '../../../shared/followups.js';
import type { Topic } from '../../../shared/topics.js';
import { request } from './api.js';

export type NewCommitmentInput = z.input<typeof NewCommitment>;
export type CommitmentUpdateInput = z.input<typeof CommitmentUpdateBody>;

const query = (filter: CommitmentFilter): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export class CommitmentsState {
  list = $state.raw<CommitmentItem[] | null>(null);
  today = $state.raw<string | null>(null);
  loadError = $state.raw<AppError | null>(null);
  units = $state.raw<Unit[]>([]);
  topics = $state.raw<Topic[]>([]);
  #filter: CommitmentFilter = {};
  #loads = 0;

  /** Loads the list for `filter`; a slower answer to an older filter never overwrites a newer one. */
  async load(filter: CommitmentFilter = this.#filter): Promise<void> {
    this.#filter = filter;
    const mine = ++this.#loads;
    const result = await request<CommitmentList>('GET', `/api/commitments${query(filter)}`);
    if (mine !== this.#loads) return;
    if (result.ok) {
      this.list = result.data.commitments;
      this.today = result.data.today;
      this.loadError = null;
    } else this.loadError = result.error;
  }

  /** The names the list prints: units (owners) and topics (filters). Either may be missing; ids are shown then. */
  async loadLabels(): Promise<void> {
    const [units, topics] = await Promise.all([
      request<{ units: Unit[] }>('GET', '/api/units'),
      request<{ topics: Topic[] }>('GET', '/api/topics'),
    ]);
    if (units.ok) this.units = units.data.units;
    if (topics.ok) this.topics = topics.data.topics;
  }

  async create(body: NewCommitmentInput): Promise<Result<CommitmentItem>> {
    const result = await request<{ commitment: CommitmentItem }>('POST', '/api/commitments', body);
    if (!result.ok) return result;
    await this.load();
    return { ok: true, data: result.data.commitment };
  }

  async update(id: string, body: CommitmentUpdateInput): Promise<Result<CommitmentItem>> {
    const result = await request<{ commitment: CommitmentItem }>('POST', `/api/commitments/${encodeURIComponent(id)}/updates`, body);
    if (!result.ok) return result;
    const changed = result.data.commitment;
    this.list = (this.list ?? []).map((c) => (c.id === changed.id ? changed : c));
    return { ok: true, data: changed };
  }
}

/** A YYYY-MM-DD day in the reader's language, read as a calendar day (no time zone shift). */
export function formatDay(day: string, locale: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(y!, m! - 1, d!));
}
