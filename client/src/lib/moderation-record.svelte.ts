// The moderation record (audit log) as the console shows it: the latest entries, newer ones on
// request, and a check of the hash chain by the server.
import type { AppError } from '../../../shared/errors.js';
import type { AuditEntryView } from '../../../shared/moderation-events.js';
import { api } from './api.js';
import { command } from './socket.js';

const PAGE = 500;
/** How many of the latest entries the console keeps on screen. */
export const SHOWN = 50;

export type ChainCheck = { ok: true; entries: number } | { ok: false; seq: number };

export class ModerationRecordState {
  /** Newest first. */
  entries = $state.raw<AuditEntryView[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);
  check = $state.raw<ChainCheck | null>(null);
  checking = $state(false);
  checkError = $state.raw<AppError | null>(null);

  #lastSeq = 0;

  /**
   * Reads forward from the last entry seen. The command pages forward only (`afterSeq`), so the
   * first load walks the log and keeps its tail; later loads fetch just what is new.
   */
  async refresh(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    this.error = null;
    let fresh: AuditEntryView[] = [];
    for (;;) {
      const result = await command('mod:audit', { afterSeq: this.#lastSeq, limit: PAGE });
      if (!result.ok) {
        this.error = result.error;
        break;
      }
      fresh = [...fresh, ...result.data].slice(-SHOWN);
      this.#lastSeq = result.data.at(-1)?.seq ?? this.#lastSeq;
      if (result.data.length < PAGE) break;
    }
    this.entries = [...fresh.reverse(), ...this.entries].slice(0, SHOWN);
    this.loaded = true;
    this.loading = false;
  }

  /** Asks the server to recompute every hash of the chain. */
  async verify(): Promise<void> {
    this.checking = true;
    this.checkError = null;
    this.check = null;
    const result = await api.verifyAudit();
    this.checking = false;
    if (!result.ok) this.checkError = result.error;
    else this.check = result.data.ok ? { ok: true, entries: result.data.entries } : { ok: false, seq: result.data.seq };
  }
}
