import type { StaffRole } from '../../shared/roles.js';

/** One caption line as stored: kept with the event for its record. */
export interface CaptionRecord {
  id: string;
  townHallId: string;
  /** The captioner or host who typed it (staff; never shown to the public). */
  authorId: string;
  /** Their staff role when they typed it; null on lines typed before it was kept. */
  authorRole: StaffRole | null;
  text: string;
  at: number;
  /** The language the captioner typed it in (a BCP 47 tag); null when they did not say, and on lines typed before it was kept. */
  lang: string | null;
}

export type NewCaption = Pick<CaptionRecord, 'townHallId' | 'authorId' | 'authorRole' | 'text'> & { lang?: string | null };

/**
 * Caption lines of town halls, append-only.
 *
 * Invariants (tests/stores/captions.contract.ts runs them on both implementations):
 * - lines come back in the order they were added, in every list;
 * - `recent` returns the last `limit` lines, oldest first;
 * - every line is kept; every method resolves only after its write is stored.
 */
export interface CaptionStore {
  add(input: NewCaption): Promise<CaptionRecord>;
  recent(townHallId: string, limit: number): Promise<CaptionRecord[]>;
  all(townHallId: string): Promise<CaptionRecord[]>;
}
