import type { FilterHit, HoldReason } from '../../shared/moderation.js';
import type { ChatStatus } from '../../shared/chat.js';
import type { StaffRole } from '../../shared/roles.js';
import type { Decision } from '../moderation/pipeline-types.js';

export interface ChatRecord {
  id: string;
  townHallId: string;
  authorId: string;
  /** The author's display name when they wrote it: chat is not anonymous. */
  authorName: string;
  /** The author's staff role when they wrote it, null for residents and guests (the badge beside the name). */
  authorRole: StaffRole | null;
  text: string;
  createdAt: number;
  status: ChatStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  /** Set when a moderator decided it. */
  decision: Decision | null;
}

export type NewChatMessage = Pick<
  ChatRecord,
  'townHallId' | 'authorId' | 'authorName' | 'authorRole' | 'text' | 'status' | 'holdReason' | 'filterHits'
>;

/**
 * Chat messages of town halls. Every message is kept, whatever happens to it, for the record;
 * only the live window is bounded.
 *
 * Invariants (tests/stores/chat.contract.ts runs them on both implementations):
 * - messages are ordered by `createdAt`, then by id, in every list;
 * - `recentPublished` returns the last `limit` published messages, oldest first, and nothing
 *   that is held, hidden, rejected or removed;
 * - `transition` is compare-and-set: it changes the status only from one of `from`; the loser
 *   of a race gets null;
 * - every method resolves only after its write is stored.
 */
export interface ChatStore {
  add(input: NewChatMessage): Promise<ChatRecord>;
  get(id: string): Promise<ChatRecord | null>;
  /** The last `limit` published messages of a town hall, oldest first. */
  recentPublished(townHallId: string, limit: number): Promise<ChatRecord[]>;
  /** One author's held and hidden messages in a town hall, oldest first (at most `limit`, the newest). */
  pendingOf(townHallId: string, authorId: string, limit: number): Promise<ChatRecord[]>;
  /** Every published message of a town hall, oldest first: the transcript for the record. */
  allPublished(townHallId: string): Promise<ChatRecord[]>;
  transition(id: string, from: ChatStatus[], to: ChatStatus, decision: Decision): Promise<ChatRecord | null>;
  /** Who wrote in a town hall (any status) and whose name is not yet `replacement`. */
  namedAuthors(townHallId: string, replacement: string): Promise<string[]>;
  /**
   * Replaces the stored name on every message of these authors in the town hall (data
   * minimisation after the event). Resolves to how many messages changed (0 on a repeat).
   */
  forgetAuthorNames(townHallId: string, authorIds: string[], replacement: string): Promise<number>;
}
