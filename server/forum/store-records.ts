// What both forum stores build, so they cannot drift apart. Each copies exactly the declared
// fields: an extra property on the caller's object would otherwise come back from a create but
// not from a later read.
import { newId } from '../core/ids.js';
import { plainHits } from '../moderation/stored.js';
import type { CategoryRecord, NewPost, NewThread, PostRecord, ThreadRecord } from './store.js';


export const newCategoryRecord = (c: { name: string; description: string; createdBy: string; createdAt: number }): CategoryRecord => ({
  id: newId(),
  name: c.name,
  description: c.description,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  threadCount: 0,
});

export const newPostRecord = (threadId: string, categoryId: string, p: NewPost, opening: boolean): PostRecord => ({
  id: newId(),
  threadId,
  categoryId,
  authorId: p.authorId,
  authorName: p.authorName,
  authorRole: p.authorRole,
  body: p.body,
  createdAt: p.createdAt,
  editedAt: null,
  status: p.status,
  holdReason: p.holdReason,
  filterHits: plainHits(p.filterHits),
  decision: null,
  opening,
});

export function newThreadRecords(t: NewThread): { thread: ThreadRecord; post: PostRecord } {
  const threadId = newId();
  const post = newPostRecord(threadId, t.categoryId, t, true);
  const thread: ThreadRecord = {
    id: threadId,
    categoryId: t.categoryId,
    title: t.title,
    authorId: t.authorId,
    authorName: t.authorName,
    authorRole: t.authorRole,
    createdAt: t.createdAt,
    lastPostAt: t.createdAt,
    replyCount: 0,
    pinned: false,
    locked: false,
    status: t.status,
    openingPostId: post.id,
  };
  return { thread, post };
}

/** Statuses in each list scope. */
export const PUBLIC_STATUSES = ['published'] as const;
export const REVIEW_STATUSES = ['held', 'hidden', 'published'] as const;
export const PENDING_STATUSES = ['held', 'hidden'] as const;
