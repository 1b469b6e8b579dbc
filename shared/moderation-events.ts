// The moderation contract: commands for everyone (flag, notices, appeal) and for moderators
// (the queue, decisions, sanctions, the word list, slow mode, the audit record).
import { z } from 'zod';
import type { Ack } from './errors.js';
import { Id } from './ids.js';
import {
  ContentRef,
  FilterAction,
  ModeratorAction,
  ReasonCode,
  type Appeal,
  type ContentPlace,
  type FilterEntry,
  type FilterHit,
  type HoldReason,
  type Notice,
  type QueueReason,
  type Sanction,
} from './moderation.js';
import { boundedLine, boundedText } from './text.js';

const Note = z.string().max(500).optional();

export const ModFlag = z.strictObject({ ref: ContentRef, reason: ReasonCode });
export const ModDecide = z
  .strictObject({ ref: ContentRef, action: ModeratorAction, reason: ReasonCode.optional(), note: Note })
  .refine((d) => d.action === 'approve' || d.action === 'restore' || d.reason !== undefined, {
    message: 'a reason is required to hide, reject or remove',
    path: ['reason'],
  });
export const ModRef = z.strictObject({ ref: ContentRef });
export const ModAppeal = z.strictObject({ ref: ContentRef, text: boundedText(1, 1000) });
export const ModDecideAppeal = z.strictObject({ ref: ContentRef, outcome: z.enum(['upheld', 'restored']), note: Note });
/** Who a sanction is for: a person by id, or the author of an item (for anonymous authors). */
export const SanctionTarget = z.union([z.strictObject({ userId: Id }), z.strictObject({ ref: ContentRef })]);
export const ModSanction = z.strictObject({
  target: SanctionTarget,
  kind: z.enum(['timeout', 'ban']),
  /** Timeouts: 1 minute to 30 days. Bans: omit for permanent. */
  minutes: z.number().int().min(1).max(43_200).optional(),
  /** Omit for site-wide. */
  townHallId: Id.optional(),
  reason: ReasonCode,
  note: Note,
}).refine((s) => s.kind === 'ban' || s.minutes !== undefined, { message: 'a timeout needs minutes', path: ['minutes'] });
export const ModLift = z.strictObject({ sanctionId: Id });
export const ModUser = z.strictObject({ target: SanctionTarget });
/** Admins only: who wrote an anonymous item, with the reason written to the moderation record. */
export const ModRevealAuthor = z.strictObject({ ref: ContentRef, reason: boundedLine(1, 300) });
export const ModFilterAdd = z.strictObject({ term: boundedLine(2, 60), action: FilterAction });
export const ModFilterRemove = z.strictObject({ id: Id });
export const ModSlowMode = z.strictObject({ townHallId: Id, seconds: z.number().int().min(0).max(3600) });
export const ModAuditPage = z.strictObject({ afterSeq: z.number().int().min(0), limit: z.number().int().min(1).max(500) });
export const Empty = z.strictObject({});

/** An item in the moderators' queue, with what they need to decide it. */
export interface QueueItemView {
  ref: ContentRef;
  place: ContentPlace;
  reason: QueueReason;
  flags: number;
  submittedAt: number;
  claim: { by: string; byName: string; until: number } | null;
  text: string;
  status: 'held' | 'hidden' | 'published' | 'removed' | 'rejected';
  /** null when the author hid their name; then `authorHandle` identifies them within the place. */
  authorName: string | null;
  authorHandle: string | null;
  /** Present only for named authors, for the user panel. */
  authorId: string | null;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  appeal: Pick<Appeal, 'text' | 'at' | 'appealedDecisionBy'> | null;
  decision: { by: string; reason: ReasonCode | null; note: string | null } | null;
}

export interface QueueStats {
  queueLength: number;
  /** Median ms from submission to decision over recent decisions; null before the first. */
  medianDecisionMs: number | null;
}

/** A sanction as moderators see it: without the person's id when it was given to an anonymous author. */
export type SanctionView = Omit<Sanction, 'userId'> & { userId: string | null };
/** An appeal as moderators see it: it comes from the item's author, who is never named here. */
export type AppealView = Omit<Appeal, 'authorId'>;
export type NoticeView = Omit<Notice, 'userId'>;

/**
 * One person as a moderator may see them. For the author of an anonymous item (`userId` null,
 * `displayName` their pseudonym) it holds only what was given under that pseudonym; for a named
 * person, nothing given under a pseudonym. Either way nothing links the two.
 */
export interface UserPanel {
  displayName: string;
  userId: string | null;
  sanctions: SanctionView[];
  active: SanctionView[];
  notices: NoticeView[];
}

export interface RevealedAuthor {
  userId: string;
  displayName: string;
}

export interface AuditEntryView {
  seq: number;
  at: number;
  actorName: string;
  action: string;
  target: string;
  reason: string | null;
  note: string | null;
  hash: string;
}

export interface ModClientEvents {
  'mod:flag': (p: z.input<typeof ModFlag>, ack: Ack<{ flagged: true }>) => void;
  'mod:notices': (p: z.input<typeof Empty>, ack: Ack<Notice[]>) => void;
  'mod:appeal': (p: z.input<typeof ModAppeal>, ack: Ack<Appeal>) => void;
  'mod:watch-queue': (p: z.input<typeof Empty>, ack: Ack<{ items: QueueItemView[]; stats: QueueStats; filter: FilterEntry[] }>) => void;
  'mod:unwatch-queue': (p: z.input<typeof Empty>, ack: Ack<null>) => void;
  'mod:claim': (p: z.input<typeof ModRef>, ack: Ack<QueueItemView>) => void;
  'mod:release': (p: z.input<typeof ModRef>, ack: Ack<QueueItemView>) => void;
  'mod:decide': (p: z.input<typeof ModDecide>, ack: Ack<{ status: QueueItemView['status'] }>) => void;
  'mod:decide-appeal': (p: z.input<typeof ModDecideAppeal>, ack: Ack<AppealView>) => void;
  'mod:sanction': (p: z.input<typeof ModSanction>, ack: Ack<SanctionView>) => void;
  'mod:lift': (p: z.input<typeof ModLift>, ack: Ack<SanctionView>) => void;
  'mod:user': (p: z.input<typeof ModUser>, ack: Ack<UserPanel>) => void;
  'mod:reveal-author': (p: z.input<typeof ModRevealAuthor>, ack: Ack<RevealedAuthor>) => void;
  'mod:filter-add': (p: z.input<typeof ModFilterAdd>, ack: Ack<FilterEntry>) => void;
  'mod:filter-remove': (p: z.input<typeof ModFilterRemove>, ack: Ack<FilterEntry>) => void;
  'mod:set-slow-mode': (p: z.input<typeof ModSlowMode>, ack: Ack<{ seconds: number }>) => void;
  'mod:audit': (p: z.input<typeof ModAuditPage>, ack: Ack<AuditEntryView[]>) => void;
}

export interface ModServerEvents {
  /** To moderators watching the queue: an item entered or changed (upsert by ref). */
  'mod:queue-changed': (p: { item: QueueItemView }) => void;
  'mod:queue-removed': (p: { ref: ContentRef }) => void;
  'mod:stats-changed': (p: QueueStats) => void;
  'mod:filter-changed': (p: { entries: FilterEntry[] }) => void;
  /** To the author: a decision on their content. */
  'mod:notice-sent': (p: { notice: Notice }) => void;
  'mod:slow-mode-changed': (p: { townHallId: string; seconds: number }) => void;
}
