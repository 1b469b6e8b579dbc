import { z } from 'zod';

/** Why a moderator took content down; shown to the author and counted in the public record. */
export const ReasonCode = z.enum(['off-topic', 'harassment', 'hate', 'personal-information', 'spam', 'threat', 'other']);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** pre: every item waits for approval; post: items publish at once unless the filter holds them. */
export const ModerationMode = z.enum(['pre', 'post']);
export type ModerationMode = z.infer<typeof ModerationMode>;

/**
 * Why an item is waiting for review: pre-moderation, the word filter, or personal information
 * (a phone number, e-mail or street address, an identity number, a licence plate with a name).
 */
export const HoldReason = z.enum(['premoderation', 'filter', 'personal-information']);
export type HoldReason = z.infer<typeof HoldReason>;

/** Which list a word-filter hit came from: the two public lists or the department's own. */
export const FilterSource = z.enum(['obscenity', 'bad-words', 'department']);
export type FilterSource = z.infer<typeof FilterSource>;
export interface FilterHit {
  source: FilterSource;
  term: string;
}

// ---- the moderation pipeline (shared by every kind of user content) ------------------------

/** Kinds of user content that go through moderation. */
/** question: Q&A; post: forum; answer: a word-cloud poll answer; chat: a town hall chat message. */
export const ContentKind = z.enum(['question', 'post', 'answer', 'chat']);
export type ContentKind = z.infer<typeof ContentKind>;

/** Points at one item of user content, whatever feature holds it. */
export const ContentRef = z.strictObject({ kind: ContentKind, id: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/) });
export type ContentRef = z.infer<typeof ContentRef>;
export const refKey = (ref: ContentRef): string => `${ref.kind}:${ref.id}`;

/**
 * Where content is written: a town hall, a forum thread, or a forum category (a thread being
 * opened, which has no id yet). Slow mode, room bans and taking part apply per place, and the
 * queue groups items by it.
 */
export interface Place {
  kind: 'townhall' | 'thread' | 'forum';
  id: string;
}

/** The one way a place is written as a string (store keys, audit targets, aliases): 'townhall:<id>'. */
export const placeKey = (place: Place): string => `${place.kind}:${place.id}`;

/** The inverse of `placeKey`; ids never contain a colon. */
export function parsePlace(key: string): Place {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as Place['kind'], id: key.slice(colon + 1) };
}

/** A town hall as a place. */
export const townHallPlace = (id: string): Place => ({ kind: 'townhall', id });

/**
 * Where an item lives, as the moderator console groups them: a town hall, or a forum thread,
 * with its title.
 */
export interface ContentPlace extends Place {
  kind: 'townhall' | 'thread';
  title: string;
}

/** What a word-filter entry does to content that contains it. */
export const FilterAction = z.enum(['hold', 'block', 'mask']);
export type FilterAction = z.infer<typeof FilterAction>;

export interface FilterEntry {
  id: string;
  term: string;
  action: FilterAction;
  createdBy: string;
  createdAt: number;
}

/** A moderator's decision on an item. */
export const ModeratorAction = z.enum(['approve', 'hide', 'reject', 'remove', 'restore']);
export type ModeratorAction = z.infer<typeof ModeratorAction>;

export const SanctionKind = z.enum(['timeout', 'ban']);
export type SanctionKind = z.infer<typeof SanctionKind>;

/** A timeout or ban. `townHallId` null means site-wide; `until` null means until lifted. */
export interface Sanction {
  id: string;
  userId: string;
  kind: SanctionKind;
  townHallId: string | null;
  until: number | null;
  reason: ReasonCode;
  note: string | null;
  by: string;
  at: number;
  liftedAt: number | null;
  liftedBy: string | null;
  /**
   * Set when the sanction was given to the author of an anonymous item, through that item: the
   * pseudonym they are known by there, with its place ('townhall:<id>/R-ABCDE'). Moderators see
   * such a sanction only beside that pseudonym, never beside the person's name, id or other
   * sanctions.
   */
  alias: string | null;
}

/** Why an item is in the moderation queue. */
/** held: first review; flagged: people flagged it; hidden: a moderator hid it pending review; appealed. */
export const QueueReason = z.enum(['held', 'flagged', 'hidden', 'appealed']);
export type QueueReason = z.infer<typeof QueueReason>;

export interface Appeal {
  ref: ContentRef;
  authorId: string;
  text: string;
  at: number;
  /** The moderator whose decision is appealed; someone else must decide the appeal. */
  appealedDecisionBy: string;
  outcome: 'upheld' | 'restored' | null;
  decidedBy: string | null;
  decidedAt: number | null;
}

/** What the author is told about a decision on their content. */
export interface Notice {
  id: string;
  userId: string;
  ref: ContentRef;
  /** merge / unmerge: a host or moderator folded the question into a similar one, or took it back out. */
  action: 'reject' | 'remove' | 'hide' | 'restore' | 'appeal-upheld' | 'appeal-restored' | 'merge' | 'unmerge';
  reason: ReasonCode | null;
  /** The first words of the content, so the author knows which item it is. */
  excerpt: string;
  at: number;
  /** Whether the author may still appeal (once per item, only removals and rejections). */
  canAppeal: boolean;
}
