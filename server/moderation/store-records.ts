// What the two implementations of each moderation part build and write, so they cannot drift
// apart. Each copies exactly the declared fields: an extra property on the caller's object would
// otherwise come back from the call that stored it but not from the next read.
import type { Appeal, ContentKind, ContentRef, FilterEntry, Notice, Sanction } from '../../shared/moderation.js';
import { newId } from '../core/ids.js';
import type { NewAppeal } from './appeal-store.js';
import type { QueueEntry } from './queue-store.js';
import type { NewSanction } from './sanction-store.js';

/** How many decision times are kept for `recentDecisionTimes`; older ones are dropped. */
export const DECISION_TIMES_KEPT = 1000;

/** Filter terms are stored and compared in this form, so 'Chief ' and 'chief' are one term. */
export const normalizeTerm = (term: string): string => term.trim().toLowerCase();

/** The inverse of `refKey`: ids never contain a colon, kinds never do either. */
export function parseRefKey(key: string): ContentRef {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as ContentKind, id: key.slice(colon + 1) };
}

/** Milliseconds from submission to decision; never negative, although node clocks may differ. */
export const decisionTime = (submittedAt: number, decidedAt: number): number => Math.max(0, decidedAt - submittedAt);

/** How many decision times a read may ask for: the list never holds more. */
export const decisionTimesLimit = (limit: number): number =>
  Math.max(0, Math.min(DECISION_TIMES_KEPT, Number.isFinite(limit) ? Math.floor(limit) : DECISION_TIMES_KEPT));

export const newFilterEntry = (e: Omit<FilterEntry, 'id' | 'createdAt'>): FilterEntry => ({
  id: newId(),
  term: normalizeTerm(e.term),
  action: e.action,
  createdBy: e.createdBy,
  createdAt: Date.now(),
});

export const plainRef = ({ kind, id }: ContentRef): ContentRef => ({ kind, id });

export const plainQueueEntry = (e: Omit<QueueEntry, 'claim'>): Omit<QueueEntry, 'claim'> => ({
  ref: plainRef(e.ref),
  place: { kind: e.place.kind, id: e.place.id },
  reason: e.reason,
  flags: e.flags,
  submittedAt: e.submittedAt,
});

export const newSanction = (s: NewSanction): Sanction => ({
  id: newId(),
  userId: s.userId,
  kind: s.kind,
  townHallId: s.townHallId,
  until: s.until,
  reason: s.reason,
  note: s.note,
  by: s.by,
  at: s.at,
  liftedAt: null,
  liftedBy: null,
  alias: s.alias ?? null,
});

/** Not lifted, and either open-ended or ending after `now`. */
export const isActive = (s: Sanction, now: number): boolean => s.liftedAt === null && (s.until === null || s.until > now);

export const newAppeal = (a: NewAppeal): Appeal => ({
  ref: plainRef(a.ref),
  authorId: a.authorId,
  text: a.text,
  at: a.at,
  appealedDecisionBy: a.appealedDecisionBy,
  outcome: null,
  decidedBy: null,
  decidedAt: null,
});

export const newNotice = (n: Omit<Notice, 'id'>): Notice => ({
  id: newId(),
  userId: n.userId,
  ref: plainRef(n.ref),
  action: n.action,
  reason: n.reason,
  excerpt: n.excerpt,
  at: n.at,
  canAppeal: n.canAppeal,
});

/** Newest first, ties by id descending: the exact reverse of the oldest-first order. */
export const newestFirst = <T extends { at: number; id: string }>(a: T, b: T): number =>
  b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** SQLite's LIMIT takes a whole number, and -1 for none. */
export const sqlLimit = (limit: number): number => (Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1);

export const orNull = <R, T>(row: R | undefined, from: (r: R) => T): T | null => (row ? from(row) : null);

// Null fields are left out of the Redis hashes rather than written as a sentinel string.
export const numberOrNull = (value: string | undefined): number | null => (value === undefined ? null : Number(value));
