// The archival videos as admins follow them: every recording's archive with its status and
// progress, read over HTTP and read again every few seconds while any is waiting or composing
// (composition runs in the background for minutes; nothing else on the admin page needs a socket).
import type { AppError, Result } from '../../../shared/errors.js';
import type { ArchiveInfo, ArchiveOverview } from '../../../shared/recording.js';
import { request } from './api.js';

/** How often the list is read again while an archive is on its way. */
export const ARCHIVE_POLL_MS = 3000;

export class ArchivesState {
  archives = $state.raw<ArchiveOverview[] | null>(null);
  loadError = $state.raw<AppError | null>(null);
  /** Whether this server composes archives at all (an operator may turn it off): if not, waiting ones wait. */
  composing = $state(true);
  readonly busy = $derived(this.composing && (this.archives ?? []).some((a) => a.status === 'waiting' || a.status === 'composing'));
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  async load(): Promise<void> {
    const result = await request<{ archives: ArchiveOverview[]; composing: boolean }>('GET', '/api/admin/archives');
    if (result.ok) {
      this.archives = result.data.archives;
      this.composing = result.data.composing;
      this.loadError = null;
    } else this.loadError = result.error;
    this.#schedule();
  }

  /** Asks for a failed archive to be composed again. */
  async retry(archive: Pick<ArchiveInfo, 'townHallId' | 'recordingId'>): Promise<Result<ArchiveInfo>> {
    const path = `/api/admin/archives/${encodeURIComponent(archive.townHallId)}/${encodeURIComponent(archive.recordingId)}/retry`;
    const result = await request<{ archive: ArchiveInfo }>('POST', path, {});
    if (!result.ok) return result;
    await this.load();
    return { ok: true, data: result.data.archive };
  }

  /** Stops reading again (the page closed). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped || !this.busy) return;
    this.#timer = setTimeout(() => void this.load(), ARCHIVE_POLL_MS);
  }
}
