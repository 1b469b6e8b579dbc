// What the worklist needs beyond its items for the people who manage follow-ups: which town
// halls the signed-in officer hosts (its hosts and admins assign its follow-ups and record its
// commitments; the server decides, this only spares others controls that would be refused),
// whom a follow-up may be assigned to, and the commitments service's "today" for due dates.
import type { Assignee } from '../../../shared/followups.js';
import type { Role } from '../../../shared/roles.js';
import { api, request } from './api.js';
import { CommitmentsState } from './commitments.svelte.js';
import { isHostOf } from './shared.js';

export class WorklistHosting {
  /** The town halls the signed-in person may assign and record commitments for. */
  hosted = $state.raw<ReadonlySet<string>>(new Set());
  officers = $state.raw<Assignee[]>([]);
  readonly commitments = new CommitmentsState();

  async load(me: { id: string; role: Role }): Promise<void> {
    const [townHalls, officers] = await Promise.all([api.townHalls(), request<{ officers: Assignee[] }>('GET', '/api/officers')]);
    if (townHalls.ok) this.hosted = new Set(townHalls.data.filter((t) => isHostOf(t, me)).map((t) => t.id));
    if (officers.ok) this.officers = officers.data.officers;
  }

  manages(townHallId: string): boolean {
    return this.hosted.has(townHallId);
  }
}
