// The public record of an ended town hall, and the admin settings that shape it. Both are read
// over HTTP: the record needs no session, and settings change rarely.
import type { AppError, Result } from '../../../shared/errors.js';
import type { Settings, TownHallRecordView } from '../../../shared/record.js';
import { request } from './api.js';

const base = (townHallId: string) => `/api/townhalls/${encodeURIComponent(townHallId)}/record`;

/** Links to the record's page and its downloads, in one place. */
export const recordHref = {
  page: (townHallId: string) => `/townhall/${encodeURIComponent(townHallId)}/record`,
  csv: (townHallId: string) => `${base(townHallId)}.csv`,
  json: (townHallId: string) => `${base(townHallId)}.json`,
};

export class RecordState {
  readonly townHallId: string;
  record = $state.raw<TownHallRecordView | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);

  constructor(townHallId: string) {
    this.townHallId = townHallId;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    const result = await request<{ record: TownHallRecordView }>('GET', base(this.townHallId));
    this.loading = false;
    if (result.ok) this.record = result.data.record;
    else this.error = result.error;
  }
}

export class RecordSettingsState {
  settings = $state.raw<Settings | null>(null);
  loadError = $state.raw<AppError | null>(null);

  async load(): Promise<void> {
    this.loadError = null;
    const result = await request<{ settings: Settings }>('GET', '/api/admin/settings');
    if (result.ok) this.settings = result.data.settings;
    else this.loadError = result.error;
  }

  async save(settings: Settings): Promise<Result<Settings>> {
    const result = await request<{ settings: Settings }>('PUT', '/api/admin/settings', settings);
    if (!result.ok) return result;
    this.settings = result.data.settings;
    return { ok: true, data: result.data.settings };
  }
}
