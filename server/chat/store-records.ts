// What both chat stores build and write, so they cannot drift apart: each copies exactly the
// declared fields.
import { newId } from '../core/ids.js';
import type { ChatRecord, NewChatMessage } from './store.js';

export const newChatRecord = (m: NewChatMessage): ChatRecord => ({
  id: newId(),
  townHallId: m.townHallId,
  authorId: m.authorId,
  authorName: m.authorName,
  authorRole: m.authorRole,
  text: m.text,
  createdAt: Date.now(),
  status: m.status,
  holdReason: m.holdReason,
  filterHits: m.filterHits.map(({ source, term }) => ({ source, term })),
  decision: null,
});


/** Held and hidden messages wait on their author's screen; only these two. */
export const PENDING = ['held', 'hidden'] as const;
