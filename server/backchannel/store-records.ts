import { newId } from '../core/ids.js';
import type { BackchannelRecord, NewBackchannelMessage } from './store.js';

/** Copies exactly the declared fields, so both stores write and return the same thing. */
export const newBackchannelRecord = (m: NewBackchannelMessage): BackchannelRecord => ({
  id: newId(),
  townHallId: m.townHallId,
  authorId: m.authorId,
  authorName: m.authorName,
  authorRole: m.authorRole,
  text: m.text,
  at: Date.now(),
});
