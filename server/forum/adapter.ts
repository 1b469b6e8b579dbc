// The forum's side of the moderation pipeline: it describes a post to moderators and applies
// their decisions, telling the thread's readers at once.
import { showDecision, type DecisionScreens } from '../moderation/announce.js';
import type { ContentAdapter, ContentSummary } from '../moderation/pipeline-types.js';
import type { ForumBroadcast } from './broadcast.js';
import { joinForScreening } from './rules.js';
import type { ForumStore, PostRecord, ThreadRecord } from './store.js';

/** A post as the pipeline sees it; an opening post carries its thread's title, which was screened with it. */
export function summaryOf(post: PostRecord, thread: ThreadRecord): ContentSummary {
  return {
    ref: { kind: 'post', id: post.id },
    place: { kind: 'thread', id: thread.id, title: thread.title },
    authorId: post.authorId,
    authorName: post.authorName,
    anonymous: false,
    text: post.opening ? joinForScreening(thread.title, post.body) : post.body,
    status: post.status,
    createdAt: post.createdAt,
    holdReason: post.holdReason,
    filterHits: post.filterHits,
    decision: post.decision,
  };
}

export function createPostAdapter(forum: ForumStore, broadcast: ForumBroadcast): ContentAdapter {
  const describe = async (post: PostRecord | null): Promise<ContentSummary | null> => {
    const thread = post ? await forum.getThread(post.threadId) : null;
    return post && thread ? summaryOf(post, thread) : null;
  };

  // A post hidden from the public stays in its thread for its author and staff: `changed` says so.
  const screens: DecisionScreens<PostRecord> = {
    changed: (post, wasPublic) => broadcast.postChanged(post, wasPublic),
    removed: (post, wasPublic) => broadcast.postRemoved(post, wasPublic),
  };
  return {
    kind: 'post',
    describe: async (id) => describe(await forum.getPost(id)),
    async transition(id, from, to, decision) {
      const before = await forum.getPost(id);
      if (!before) return null;
      const updated = await forum.transitionPost(id, from, to, decision);
      if (!updated) return null;
      // The compare-and-set succeeded from one of `from`; with a single one it is exact.
      const wasPublic = from.length === 1 ? from[0] === 'published' : before.status === 'published';
      await showDecision(updated, updated.status, wasPublic, screens);
      const thread = await forum.getThread(updated.threadId);
      if (updated.opening && thread) broadcast.threadChanged(thread, wasPublic);
      return thread ? summaryOf(updated, thread) : null;
    },
  };
}
