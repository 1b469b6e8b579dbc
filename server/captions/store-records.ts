import { newId } from '../core/ids.js';
import type { CaptionRecord, NewCaption } from './store.js';

/** Copies exactly the declared fields, so both stores write and return the same thing. */
export const newCaptionRecord = (c: NewCaption): CaptionRecord => ({
  id: newId(),
  townHallId: c.townHallId,
  authorId: c.authorId,
  authorRole: c.authorRole,
  text: c.text,
  at: Date.now(),
  lang: c.lang ?? null,
});
