import type { StaffRole } from '../../shared/roles.js';

/** One backchannel message as stored: staff text, kept with the staff record of the event. */
export interface BackchannelRecord {
  id: string;
  townHallId: string;
  authorId: string;
  /** The staff member's name when they wrote it (staff write under their names here). */
  authorName: string;
  authorRole: StaffRole;
  text: string;
  at: number;
}

export type NewBackchannelMessage = Pick<BackchannelRecord, 'townHallId' | 'authorId' | 'authorName' | 'authorRole' | 'text'>;

/**
 * The staff backchannels of town halls: append-only while kept, then deleted whole per town
 * hall under the retention setting.
 *
 * Invariants (tests/stores/backchannel.contract.ts runs them on both implementations):
 * - messages come back in the order they were added, in every list, even within a millisecond;
 * - `recent` returns the last `limit` messages, oldest first;
 * - `deleteTownHall` removes every message of that town hall and no other, and answers how
 *   many it removed (0 the second time);
 * - every method resolves only after its write is stored.
 */
export interface BackchannelStore {
  add(input: NewBackchannelMessage): Promise<BackchannelRecord>;
  recent(townHallId: string, limit: number): Promise<BackchannelRecord[]>;
  all(townHallId: string): Promise<BackchannelRecord[]>;
  deleteTownHall(townHallId: string): Promise<number>;
}
