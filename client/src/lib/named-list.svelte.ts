// One of the department's named lists (the question topics, the units) as the admin page keeps
// it, over HTTP (they change rarely). The server keeps both with the same code, and so does this.
import type { AppError, Result } from '../../../shared/errors.js';
import { request } from './api.js';

export type NamedListName = 'topics' | 'units';
/** A topic (shared/topics.ts) or a unit (shared/followups.ts): the same shape. */
export interface NamedItem {
  id: string;
  name: { en: string; es: string };
  retired: boolean;
}
export interface NamedItemChange {
  en?: string;
  es?: string;
  retired?: boolean;
}

const NOUN: Record<NamedListName, 'topic' | 'unit'> = { topics: 'topic', units: 'unit' };

export class NamedListAdminState {
  items = $state.raw<NamedItem[] | null>(null);
  loadError = $state.raw<AppError | null>(null);
  readonly #list: NamedListName;

  constructor(list: NamedListName) {
    this.#list = list;
  }

  async load(): Promise<void> {
    const result = await request<Record<string, NamedItem[]>>('GET', `/api/${this.#list}`);
    if (result.ok) this.items = result.data[this.#list] ?? [];
    else this.loadError = result.error;
  }

  async add(item: { en: string; es?: string }): Promise<Result<NamedItem>> {
    const result = await request<Record<string, NamedItem>>('POST', `/api/admin/${this.#list}`, item);
    if (!result.ok) return result;
    const added = result.data[NOUN[this.#list]]!;
    this.items = [...(this.items ?? []), added];
    return { ok: true, data: added };
  }

  async update(id: string, change: NamedItemChange): Promise<Result<NamedItem>> {
    const result = await request<Record<string, NamedItem>>('PATCH', `/api/admin/${this.#list}/${encodeURIComponent(id)}`, change);
    if (!result.ok) return result;
    const item = result.data[NOUN[this.#list]]!;
    this.items = (this.items ?? []).map((t) => (t.id === item.id ? item : t));
    return { ok: true, data: item };
  }
}
