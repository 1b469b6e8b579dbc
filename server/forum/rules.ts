// Pure rules of the forum: who sees what, who may post where, edit windows, page arithmetic and
// the posting pace. No I/O here, so each rule is tested on its own.
import {
  badgeOf,
  canPostInLocked,
  FORUM_LIMITS,
  type CategoryView,
  type PostView,
  type ThreadView,
  type VisibleStatus,
} from '../../shared/forum.js';
import { canReview, isStaff, type Role } from '../../shared/roles.js';
import type { RateRule } from '../core/rate-limit.js';
import type { CategoryRecord, PostRecord, ThreadRecord } from './store.js';

export type Audience = 'public' | 'staff' | 'author';

const visible = (status: PostRecord['status']): VisibleStatus =>
  status === 'held' || status === 'hidden' ? status : 'published';

/** Removed and rejected items leave every screen, staff included. */
export const isGone = (item: Pick<PostRecord, 'status'>): boolean => item.status === 'removed' || item.status === 'rejected';
export const isPublic = (item: Pick<PostRecord, 'status'>): boolean => item.status === 'published';

/** Whether a reader may see an item at all: published to everyone, pending to staff and its author. */
export function canSee(item: Pick<PostRecord, 'status' | 'authorId'>, reader: { id: string; role: Role } | null): boolean {
  if (isGone(item)) return false;
  if (isPublic(item)) return true;
  return reader !== null && (canReview(reader.role) || reader.id === item.authorId);
}

/** The audience a reader belongs to for one item. */
export function audienceOf(item: Pick<PostRecord, 'authorId'>, reader: { id: string; role: Role } | null): Audience {
  if (reader && reader.id === item.authorId) return 'author';
  return reader && canReview(reader.role) ? 'staff' : 'public';
}

export const categoryView = (c: CategoryRecord): CategoryView => ({
  id: c.id,
  name: c.name,
  description: c.description,
  createdAt: c.createdAt,
  threadCount: c.threadCount,
});

/** A post as one audience may see it: staff see why it was held; its author sees that it was. */
export function postView(p: PostRecord, audience: Audience): PostView {
  const view: PostView = {
    id: p.id,
    threadId: p.threadId,
    body: p.body,
    authorName: p.authorName,
    authorRole: badgeOf(p.authorRole),
    createdAt: p.createdAt,
    editedAt: p.editedAt,
    status: visible(p.status),
    opening: p.opening,
  };
  if (audience === 'author') view.mine = true;
  const reviews = audience === 'staff' || (audience === 'author' && canReview(p.authorRole));
  if (p.holdReason && (reviews || (audience === 'author' && p.status === 'held'))) view.holdReason = p.holdReason;
  if (reviews && p.filterHits.length) view.filterHits = p.filterHits;
  return view;
}

export function threadView(t: ThreadRecord, audience: Audience): ThreadView {
  const view: ThreadView = {
    id: t.id,
    categoryId: t.categoryId,
    title: t.title,
    authorName: t.authorName,
    authorRole: badgeOf(t.authorRole),
    createdAt: t.createdAt,
    lastPostAt: t.lastPostAt,
    replyCount: t.replyCount,
    pinned: t.pinned,
    locked: t.locked,
    status: visible(t.status),
  };
  if (audience === 'author') view.mine = true;
  return view;
}

/** Locked threads take posts from staff only. */
export const mayPostIn = (thread: Pick<ThreadRecord, 'locked'>, role: Role): boolean => !thread.locked || canPostInLocked(role);

/** Authors may edit for a while after posting; the window runs from creation, not from the last edit. */
export const withinEditWindow = (createdAt: number, now: number): boolean => now - createdAt <= FORUM_LIMITS.editWindowMs;

/** Only what is still on screen can be edited: a post taken down waits for its review as it was. */
export const EDITABLE: PostRecord['status'][] = ['held', 'published'];

/**
 * The status an edited post takes: a held post stays held (it is already in the queue, and its
 * reviewer sees the new text); a published one takes what screening decided.
 */
export const statusAfterEdit = (current: PostRecord['status'], screening: 'publish' | 'hold'): 'held' | 'published' =>
  current === 'held' || screening === 'hold' ? 'held' : 'published';

// ---- posting pace ------------------------------------------------------------------------

export const NEWCOMER_MS = 24 * 3600_000;
export const RATES = {
  /** Threads and replies together; see postRule for who gets which pace. */
  post: { name: 'forum:post', points: 1, seconds: 5 },
  postAsNewcomer: { name: 'forum:post-as-newcomer', points: 1, seconds: 30 },
  watch: { name: 'forum:watch', points: 30, seconds: 10 },
  edit: { name: 'forum:edit', points: 10, seconds: 60 },
  staff: { name: 'forum:act-as-staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

/**
 * How often a person may post (threads and replies together): guests in their first day wait
 * 30 s between posts, everyone else 5 s, and staff not at all (null).
 */
export function postRule(role: Role, account: { kind: 'guest' | 'account'; createdAt: number } | null, now: number): RateRule | null {
  if (isStaff(role)) return null;
  // An account that cannot be read is treated as new: the slower pace is the safe side.
  if (!account) return RATES.postAsNewcomer;
  return account.kind === 'guest' && now - account.createdAt < NEWCOMER_MS ? RATES.postAsNewcomer : RATES.post;
}

// ---- pages -------------------------------------------------------------------------------

export const pageCount = (total: number, size: number = FORUM_LIMITS.pageSize): number => Math.max(1, Math.ceil(total / size));

/** The page to show: at least 1, and a page past the end shows the last one. */
export const clampPage = (page: number, total: number, size: number = FORUM_LIMITS.pageSize): number =>
  Math.min(Math.max(1, Math.floor(page)), pageCount(total, size));

export const offsetOf = (page: number, size: number = FORUM_LIMITS.pageSize): number => (page - 1) * size;

// ---- screening ---------------------------------------------------------------------------

/** A new thread's title and opening post are screened as one text, so slow mode counts them once. */
export const joinForScreening = (title: string, body: string): string => `${title}\n\n${body}`;

/** Splits screened text back; a title never holds a newline, so the first blank line divides them. */
export function splitScreened(text: string, fallback: { title: string; body: string }): { title: string; body: string } {
  const cut = text.indexOf('\n\n');
  if (cut < 0) return fallback;
  return { title: text.slice(0, cut), body: text.slice(cut + 2) };
}
