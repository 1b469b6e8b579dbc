// The follow-up queue in the browser, over HTTP: the public follow-ups of a town hall (the record
// page) and an officer's worklist (the /followups page). Snapshots in $state.raw; commands
// answer Results, so the forms report success or the error one way.
import type { AppError, Result } from '../../../shared/errors.js';
import type { CloseReason, FollowUpScope, FollowUpStatus, FollowUpView, Unit } from '../../../shared/followups.js';
import { request } from './api.js';

export type FollowUpAction =
  | { kind: 'assign'; assigneeId: string | null; unitId: string | null }
  | { kind: 'take' }
  | { kind: 'answer'; text: string }
  | { kind: 'refer'; to: string; note: string }
  | { kind: 'close'; reason: CloseReason; detail?: string };

export const CLOSE_REASONS: readonly CloseReason[] = ['duplicate', 'already-answered', 'outside-remit', 'open-case', 'personal-matter'];
/** The reasons whose public note is required (the server says so too). */
export const NEEDS_DETAIL: readonly CloseReason[] = ['outside-remit', 'personal-matter'];

const units = () => request<{ units: Unit[] }>('GET', '/api/units');

/** A town hall's follow-ups, by question, for its record page. */
export class TownHallFollowUps {
  byQuestion = $state.raw<Map<string, FollowUpView>>(new Map());
  units = $state.raw<Unit[]>([]);
  error = $state.raw<AppError | null>(null);
  readonly #townHallId: string;

  constructor(townHallId: string) {
    this.#townHallId = townHallId;
  }

  async load(): Promise<void> {
    const [list, unitList] = await Promise.all([
      request<{ followUps: FollowUpView[] }>('GET', `/api/townhalls/${encodeURIComponent(this.#townHallId)}/followups`),
      units(),
    ]);
    if (list.ok) this.byQuestion = new Map(list.data.followUps.map((f) => [f.questionId, f]));
    else this.error = list.error;
    if (unitList.ok) this.units = unitList.data.units;
  }
}

/** An officer's worklist: theirs, their unit's, the unassigned, or all; by status. */
export class Worklist {
  scope = $state<FollowUpScope>('mine');
  status = $state<FollowUpStatus | 'any'>('open');
  items = $state.raw<FollowUpView[] | null>(null);
  units = $state.raw<Unit[]>([]);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  #loads = 0;

  /** Loads the list for the filters now; a slower answer to older filters never overwrites a newer one. */
  async load(): Promise<void> {
    const mine = ++this.#loads;
    this.loading = true;
    const query = new URLSearchParams({ scope: this.scope, ...(this.status === 'any' ? {} : { status: this.status }) });
    const [list, unitList] = await Promise.all([request<{ followUps: FollowUpView[] }>('GET', `/api/followups?${query}`), units()]);
    if (mine !== this.#loads) return;
    this.loading = false;
    if (list.ok) {
      this.items = list.data.followUps;
      this.error = null;
    } else this.error = list.error;
    if (unitList.ok) this.units = unitList.data.units;
  }

  async act(questionId: string, action: FollowUpAction): Promise<Result<FollowUpView>> {
    const { kind, ...body } = action;
    const result = await request<{ followUp: FollowUpView }>('POST', `/api/followups/${encodeURIComponent(questionId)}/${kind}`, body);
    if (!result.ok) return result;
    const updated = result.data.followUp;
    this.items = (this.items ?? []).map((f) => (f.questionId === updated.questionId ? updated : f));
    return { ok: true, data: updated };
  }
}
