import type { FilterHit, HoldReason } from '../../shared/moderation.js';
import type { PostStatus } from '../../shared/forum.js';
import type { Role } from '../../shared/roles.js';
import type { Decision } from '../moderation/pipeline-types.js';

export interface CategoryRecord {
  id: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: number;
  /** Published threads (computed on read). */
  threadCount: number;
}

export interface ThreadRecord {
  id: string;
  categoryId: string;
  title: string;
  authorId: string;
  authorName: string;
  /** The author's role when they posted: the badge. */
  authorRole: Role;
  createdAt: number;
  /** The newest published post's createdAt, or the thread's own when none is published. */
  lastPostAt: number;
  /** Published posts other than the opening one. */
  replyCount: number;
  pinned: boolean;
  locked: boolean;
  /** Always the opening post's status. */
  status: PostStatus;
  openingPostId: string;
}

export interface PostRecord {
  id: string;
  threadId: string;
  categoryId: string;
  authorId: string;
  authorName: string;
  authorRole: Role;
  /** Raw Markdown, as screened (masked words already replaced). */
  body: string;
  createdAt: number;
  editedAt: number | null;
  status: PostStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  decision: Decision | null;
  opening: boolean;
}

/** What a new post carries; the caller owns the clock, so `createdAt` is given. */
export interface NewPost {
  authorId: string;
  authorName: string;
  authorRole: Role;
  body: string;
  status: PostStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  createdAt: number;
}

export interface NewThread extends NewPost {
  categoryId: string;
  title: string;
}

export interface PostEdit {
  body: string;
  status: PostStatus;
  holdReason: HoldReason | null;
  filterHits: FilterHit[];
  editedAt: number;
}

/** Who is reading: `public` lists published items only, `review` adds held and hidden ones. */
export type Scope = 'public' | 'review';

export interface Page<T> {
  items: T[];
  /** How many items the whole list has in this scope. */
  total: number;
}

/**
 * Categories, threads and posts.
 *
 * Invariants (tests/stores/forum.contract.ts runs them on both implementations):
 * - a thread and its opening post are created together, and the thread's status is always its
 *   opening post's status;
 * - `replyCount` is the number of published posts other than the opening one, and `lastPostAt`
 *   the newest published post's time (the thread's creation when none is published), whatever
 *   order posts are added, edited, held, removed or restored in;
 * - threads list pinned first, then by `lastPostAt` newest first, ties by id descending; posts
 *   list oldest first, ties by id;
 * - `public` lists hold published items only; `review` lists add held and hidden ones; removed
 *   and rejected items are in no list;
 * - `transitionPost` and `editPost` are compare-and-set on the post's status: they change
 *   nothing and resolve to null unless the status is one of `from`;
 * - every method resolves only after its write is stored.
 */
export interface ForumStore {
  createCategory(input: { name: string; description: string; createdBy: string; createdAt: number }): Promise<CategoryRecord>;
  getCategory(id: string): Promise<CategoryRecord | null>;
  /** Oldest first. */
  listCategories(): Promise<CategoryRecord[]>;

  /** Null when the category does not exist. */
  createThread(input: NewThread): Promise<{ thread: ThreadRecord; post: PostRecord } | null>;
  getThread(id: string): Promise<ThreadRecord | null>;
  listThreads(categoryId: string, scope: Scope, offset: number, limit: number): Promise<Page<ThreadRecord>>;
  /** One author's held and hidden threads in a category. */
  pendingThreads(categoryId: string, authorId: string): Promise<ThreadRecord[]>;
  /** Null when the thread does not exist. */
  setPinned(threadId: string, pinned: boolean): Promise<ThreadRecord | null>;
  setLocked(threadId: string, locked: boolean): Promise<ThreadRecord | null>;

  /** Null when the thread does not exist. */
  addReply(threadId: string, input: NewPost): Promise<PostRecord | null>;
  getPost(id: string): Promise<PostRecord | null>;
  listPosts(threadId: string, scope: Scope, offset: number, limit: number): Promise<Page<PostRecord>>;
  /** One author's held and hidden posts in a thread, oldest first. */
  pendingPosts(threadId: string, authorId: string): Promise<PostRecord[]>;
  editPost(id: string, from: PostStatus[], edit: PostEdit): Promise<PostRecord | null>;
  transitionPost(id: string, from: PostStatus[], to: PostStatus, decision: Decision): Promise<PostRecord | null>;
}
