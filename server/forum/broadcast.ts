import type { AppServer } from '../core/types.js';
import { rooms as coreRooms } from '../core/types.js';
import { isPublic, postView, threadView } from './rules.js';
import type { PostRecord, ThreadRecord } from './store.js';

/** Socket.IO rooms of the forum: everyone watching a thread, and the reviewing staff among them. */
export const forumRooms = {
  thread: (id: string) => `forum:thread:${id}`,
  threadStaff: (id: string) => `forum:thread:${id}:staff`,
};

export interface ForumBroadcast {
  /** Sends each audience watching the thread its own copy of a new or changed post. */
  postChanged(post: PostRecord, wasPublic: boolean): void;
  /** Takes a post off the screens that had it (everyone's if it was published). */
  postRemoved(post: PostRecord, wasPublic: boolean): void;
  threadChanged(thread: ThreadRecord, wasPublic: boolean): void;
}

/**
 * Fan-out by audience, as in the Q&A: reviewing staff watching the thread get the staff copy,
 * the author (all their tabs) the author's copy, other watchers the public copy and only while
 * it is published. A published item that leaves public view is removed from residents' screens
 * while staff and the author keep seeing it with its new status.
 */
export function createForumBroadcast(io: AppServer): ForumBroadcast {
  const audiences = (threadId: string, authorId: string) => ({
    all: forumRooms.thread(threadId),
    staff: forumRooms.threadStaff(threadId),
    author: coreRooms.user(authorId),
  });

  return {
    postChanged(post, wasPublic) {
      const room = audiences(post.threadId, post.authorId);
      io.to(room.staff).except(room.author).emit('forum:post-changed', { post: postView(post, 'staff') });
      if (isPublic(post)) {
        io.to(room.all).except([room.staff, room.author]).emit('forum:post-changed', { post: postView(post, 'public') });
      } else if (wasPublic) {
        io.to(room.all).except([room.staff, room.author]).emit('forum:post-removed', { threadId: post.threadId, postId: post.id });
      }
      io.to(room.author).emit('forum:post-changed', { post: postView(post, 'author') });
    },
    postRemoved(post, wasPublic) {
      const room = audiences(post.threadId, post.authorId);
      io.to([wasPublic ? room.all : room.staff, room.author]).emit('forum:post-removed', {
        threadId: post.threadId,
        postId: post.id,
      });
    },
    threadChanged(thread, wasPublic) {
      const room = audiences(thread.id, thread.authorId);
      const gone = thread.status === 'removed' || thread.status === 'rejected';
      if (gone) {
        io.to([wasPublic ? room.all : room.staff, room.author]).emit('forum:thread-removed', {
          threadId: thread.id,
          categoryId: thread.categoryId,
        });
        return;
      }
      io.to(room.staff).except(room.author).emit('forum:thread-changed', { thread: threadView(thread, 'staff') });
      if (isPublic(thread)) {
        io.to(room.all).except([room.staff, room.author]).emit('forum:thread-changed', { thread: threadView(thread, 'public') });
      } else if (wasPublic) {
        io.to(room.all).except([room.staff, room.author]).emit('forum:thread-removed', {
          threadId: thread.id,
          categoryId: thread.categoryId,
        });
      }
      io.to(room.author).emit('forum:thread-changed', { thread: threadView(thread, 'author') });
    },
  };
}
