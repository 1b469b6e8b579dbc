// The community forum contract: categories, threads and posts. Pages are read over REST
// (`GET /api/forum/...`); every write is a Socket.IO command with an acknowledgement, and
// readers of a thread receive its new and changed posts live. Post bodies are raw Markdown:
// clients render a safe subset and sanitise it, never insert it as HTML unprocessed.
import { z } from 'zod';
import { Id } from './ids.js';
import type { Ack } from './errors.js';
import type { FilterHit, HoldReason } from './moderation.js';
import type { Role, StaffRole } from './roles.js';
import { boundedLine, boundedText } from './text.js';

export const FORUM_LIMITS = {
  title: { min: 5, max: 150 },
  body: { min: 1, max: 10_000 },
  categoryName: { min: 3, max: 80 },
  categoryDescription: { min: 0, max: 500 },
  /** Threads per category page and posts per thread page. */
  pageSize: 20,
  /** How long after posting its author may still edit a post. */
  editWindowMs: 15 * 60_000,
} as const;

/** held: waiting for first review; hidden: taken down pending review (flags or a moderator). */
export const PostStatus = z.enum(['held', 'published', 'hidden', 'rejected', 'removed']);
export type PostStatus = z.infer<typeof PostStatus>;
/** The statuses anyone may ever be shown; removed and rejected posts leave every screen. */
export type VisibleStatus = 'held' | 'hidden' | 'published';

/** Who may add categories. */
export const canCreateCategory = (role: Role): boolean => role === 'admin';
/** Who may pin and lock threads. */
export const canPinOrLock = (role: Role): boolean => role === 'moderator' || role === 'admin';
/** Locked threads stay open to staff, so the department can still answer in them. */
export const canPostInLocked = (role: Role): boolean => role !== 'resident';
/** The badge shown beside a name (one rule for the forum and the town halls). */
export { badgeOf } from './roles.js';

export interface CategoryView {
  id: Id;
  name: string;
  description: string;
  createdAt: number;
  /** Published threads. */
  threadCount: number;
}

export interface ThreadView {
  id: Id;
  categoryId: Id;
  title: string;
  authorName: string;
  /** A staff badge for the author, null for residents. */
  authorRole: StaffRole | null;
  createdAt: number;
  /** The latest published post (the thread's creation until there is one). */
  lastPostAt: number;
  /** Published replies, not counting the opening post. */
  replyCount: number;
  pinned: boolean;
  locked: boolean;
  /** The status of its opening post: a held thread is seen only by staff and its author. */
  status: VisibleStatus;
  mine?: true;
}

export interface PostView {
  id: Id;
  threadId: Id;
  /** Raw Markdown. */
  body: string;
  authorName: string;
  authorRole: StaffRole | null;
  createdAt: number;
  /** When the author last edited it; shown as "edited". */
  editedAt: number | null;
  status: VisibleStatus;
  /** The thread's opening post. */
  opening: boolean;
  mine?: true;
  /** staff and the author */
  holdReason?: HoldReason;
  /** staff only */
  filterHits?: FilterHit[];
}

/** GET /api/forum/categories */
export interface CategoriesPage {
  categories: CategoryView[];
}

/** GET /api/forum/categories/:id/threads?page=N: pinned first, then by latest activity. */
export interface ThreadsPage {
  category: CategoryView;
  threads: ThreadView[];
  /** The page shown (a page past the end shows the last one). */
  page: number;
  pageCount: number;
  total: number;
  /** The reader's own threads waiting for review (staff find them in `threads`). */
  pending: ThreadView[];
}

/** GET /api/forum/threads/:id?page=N: posts oldest first, the opening post first of all. */
export interface ThreadPage {
  category: CategoryView;
  thread: ThreadView;
  posts: PostView[];
  page: number;
  pageCount: number;
  total: number;
  /** The reader's own posts in this thread waiting for review (staff find them in `posts`). */
  pending: PostView[];
}

// ---- command payloads --------------------------------------------------------------------

const Title = boundedLine(FORUM_LIMITS.title.min, FORUM_LIMITS.title.max);
const Body = boundedText(FORUM_LIMITS.body.min, FORUM_LIMITS.body.max);

export const ForumCreateCategory = z.strictObject({
  name: boundedLine(FORUM_LIMITS.categoryName.min, FORUM_LIMITS.categoryName.max),
  description: boundedText(FORUM_LIMITS.categoryDescription.min, FORUM_LIMITS.categoryDescription.max).default(''),
});
export const ForumCreateThread = z.strictObject({ categoryId: Id, title: Title, body: Body });
export const ForumReply = z.strictObject({ threadId: Id, body: Body });
export const ForumEdit = z.strictObject({ postId: Id, body: Body });
export const ForumSetPinned = z.strictObject({ threadId: Id, pinned: z.boolean() });
export const ForumSetLocked = z.strictObject({ threadId: Id, locked: z.boolean() });
export const ForumWatch = z.strictObject({ threadId: Id });

export type ForumCreateCategory = z.input<typeof ForumCreateCategory>;
export type ForumCreateThread = z.input<typeof ForumCreateThread>;
export type ForumReply = z.input<typeof ForumReply>;
export type ForumEdit = z.input<typeof ForumEdit>;
export type ForumSetPinned = z.input<typeof ForumSetPinned>;
export type ForumSetLocked = z.input<typeof ForumSetLocked>;
export type ForumWatch = z.input<typeof ForumWatch>;

export interface ForumClientEvents {
  'forum:create-category': (payload: ForumCreateCategory, ack: Ack<CategoryView>) => void;
  'forum:create-thread': (payload: ForumCreateThread, ack: Ack<{ thread: ThreadView; post: PostView }>) => void;
  'forum:reply': (payload: ForumReply, ack: Ack<PostView>) => void;
  /** The author, within FORUM_LIMITS.editWindowMs of posting; the new text is screened again. */
  'forum:edit': (payload: ForumEdit, ack: Ack<PostView>) => void;
  'forum:set-pinned': (payload: ForumSetPinned, ack: Ack<ThreadView>) => void;
  'forum:set-locked': (payload: ForumSetLocked, ack: Ack<ThreadView>) => void;
  /** Receive this thread's posts live until unwatched or disconnected. */
  'forum:watch-thread': (payload: ForumWatch, ack: Ack<ThreadView>) => void;
  'forum:unwatch-thread': (payload: ForumWatch, ack: Ack<null>) => void;
}

export interface ForumServerEvents {
  /** A post appeared for this audience or changed (edited, approved): upsert by id. */
  'forum:post-changed': (payload: { post: PostView }) => void;
  /** A post left this audience's view (removed, rejected, or taken down for review). */
  'forum:post-removed': (payload: { threadId: Id; postId: Id }) => void;
  /** The thread's pin, lock or status changed. */
  'forum:thread-changed': (payload: { thread: ThreadView }) => void;
  /** The thread left this audience's view (its opening post was removed or taken down). */
  'forum:thread-removed': (payload: { threadId: Id; categoryId: Id }) => void;
}
