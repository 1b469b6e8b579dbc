import { CommandError, ErrorCode } from '../../shared/errors.js';
import {
  canCreateCategory,
  canPinOrLock,
  ForumCreateCategory,
  ForumCreateThread,
  ForumEdit,
  ForumReply,
  ForumSetLocked,
  ForumSetPinned,
  ForumWatch,
} from '../../shared/forum.js';
import { canReview, isStaff } from '../../shared/roles.js';
import { commandBinder, tooFast, type CommandDeps } from '../core/command.js';
import type { SessionUser } from '../core/types.js';
import type { Place } from '../../shared/moderation.js';
import type { Admission, AdmittedFields, ModerationPipeline } from '../moderation/pipeline-types.js';
import { createPostAdapter } from './adapter.js';
import { createForumBroadcast, forumRooms } from './broadcast.js';
import {
  audienceOf,
  canSee,
  categoryView,
  EDITABLE,
  isGone,
  isPublic,
  joinForScreening,
  mayPostIn,
  postRule,
  postView,
  RATES,
  splitScreened,
  statusAfterEdit,
  threadView,
  withinEditWindow,
} from './rules.js';
import type { ForumStore, ThreadRecord } from './store.js';

export interface ForumDeps extends CommandDeps {
  forum: ForumStore;
  moderation: ModerationPipeline;
  /** What kind of session a person has and since when: new guests post at a slower pace. */
  accounts: { getUser(id: string): Promise<{ kind: 'guest' | 'account'; createdAt: number } | null> };
  /** The clock for post times and the edit window (tests move it). */
  now?: () => number;
}

const notFound = (what: string) => new CommandError(ErrorCode.NOT_FOUND, `No such ${what}.`);
const forbidden = (message: string) => new CommandError(ErrorCode.FORBIDDEN, message);

/** Wires the forum commands onto every connection and hands the pipeline the forum's posts. */
export function registerForum(deps: ForumDeps): void {
  const { io, forum, moderation } = deps;
  const now = deps.now ?? Date.now;
  const broadcast = createForumBroadcast(io);
  moderation.registerKind(createPostAdapter(forum, broadcast));

  /** The pace between posts depends on who is posting, so it is checked here rather than by a fixed rule. */
  const pace = async (user: SessionUser) => {
    const rule = isStaff(user.role) ? null : postRule(user.role, await deps.accounts.getUser(user.id), now());
    if (!rule) return;
    const outcome = await deps.limits.consume(rule, user.id);
    if (!outcome.ok) throw tooFast(outcome.retryAfterMs);
  };
  const visibleThread = async (id: string, user: SessionUser): Promise<ThreadRecord> => {
    const thread = await forum.getThread(id);
    if (!thread || !canSee(thread, user)) throw notFound('thread');
    return thread;
  };
  /** A post written in a place: forum posts are never pre-moderated, and no town hall's bans apply. */
  const writing = (user: SessionUser, place: Place, text: string): Admission => ({ kind: 'post', author: user, place, text, mode: 'post' });
  const threadPlace = (id: string): Place => ({ kind: 'thread', id });
  /** Who wrote a new post, when, and what screening made of it. */
  const authored = (user: SessionUser, { holdReason, filterHits, status }: AdmittedFields) => ({
    authorId: user.id,
    authorName: user.displayName,
    authorRole: user.role,
    status,
    holdReason,
    filterHits,
    createdAt: now(),
  });

  const bind = commandBinder(deps);

  bind('forum:create-category', {
    schema: ForumCreateCategory,
    allow: (user) => canCreateCategory(user.role),
    limit: RATES.staff,
    async run({ user }, input) {
      const c = await forum.createCategory({ ...input, createdBy: user.id, createdAt: now() });
      deps.log.info({ category: c.id, by: user.id }, 'forum category created');
      return categoryView(c);
    },
  });

  bind('forum:create-thread', {
    schema: ForumCreateThread,
    async run({ user }, input) {
      await pace(user);
      if (!(await forum.getCategory(input.categoryId))) throw notFound('category');
      // Screened in its category (the thread has no id yet), queued in the thread.
      const created = await moderation.admit(
        writing(user, { kind: 'forum', id: input.categoryId }, joinForScreening(input.title, input.body)),
        (admitted) => forum.createThread({ categoryId: input.categoryId, ...splitScreened(admitted.text, input), ...authored(user, admitted) }),
        (c) => c && { id: c.post.id, createdAt: c.post.createdAt, status: c.post.status, place: threadPlace(c.thread.id) },
      );
      if (!created) throw notFound('category');
      deps.log.info({ thread: created.thread.id, status: created.thread.status }, 'forum thread created');
      return { thread: threadView(created.thread, 'author'), post: postView(created.post, 'author') };
    },
  });

  bind('forum:reply', {
    schema: ForumReply,
    async run({ user }, input) {
      await pace(user);
      const thread = await visibleThread(input.threadId, user);
      if (!isPublic(thread) && !canReview(user.role)) {
        throw new CommandError(ErrorCode.CONFLICT, 'This thread is waiting for review.');
      }
      if (!mayPostIn(thread, user.role)) throw forbidden('This thread is locked.');
      const reply = await moderation.admit(writing(user, threadPlace(thread.id), input.body), (admitted) =>
        forum.addReply(thread.id, { body: admitted.text, ...authored(user, admitted) }),
      );
      if (!reply) throw notFound('thread');
      broadcast.postChanged(reply, false);
      return postView(reply, 'author');
    },
  });

  bind('forum:edit', {
    schema: ForumEdit,
    limit: RATES.edit,
    async run({ user }, input) {
      const post = await forum.getPost(input.postId);
      if (!post || isGone(post)) throw notFound('post');
      if (post.authorId !== user.id) throw forbidden('Only its author can edit a post.');
      if (!withinEditWindow(post.createdAt, now())) throw forbidden('Posts can be edited for 15 minutes after posting.');
      if (!EDITABLE.includes(post.status)) throw new CommandError(ErrorCode.CONFLICT, 'This post is under review.');
      const thread = await visibleThread(post.threadId, user);
      if (!mayPostIn(thread, user.role)) throw forbidden('This thread is locked.');
      const updated = await moderation.admit(writing(user, threadPlace(thread.id), input.body), (admitted) => {
        const status = statusAfterEdit(post.status, admitted.status === 'held' ? 'hold' : 'publish');
        const held = admitted.status === 'held';
        return forum.editPost(post.id, [post.status], {
          body: admitted.text,
          editedAt: now(),
          status,
          holdReason: status === 'published' ? null : held ? admitted.holdReason : post.holdReason,
          filterHits: status === 'published' ? [] : held ? admitted.filterHits : post.filterHits,
        });
      });
      if (!updated) throw new CommandError(ErrorCode.CONFLICT, 'This post changed meanwhile.');
      const wasPublic = post.status === 'published';
      broadcast.postChanged(updated, wasPublic);
      if (updated.opening && updated.status !== post.status) {
        const after = await forum.getThread(updated.threadId);
        if (after) broadcast.threadChanged(after, wasPublic);
      }
      return postView(updated, 'author');
    },
  });

  const setFlag = (field: 'pinned' | 'locked') => async (user: SessionUser, threadId: string, on: boolean) => {
    const before = await forum.getThread(threadId);
    if (!before || isGone(before)) throw notFound('thread');
    const thread = field === 'pinned' ? await forum.setPinned(threadId, on) : await forum.setLocked(threadId, on);
    if (!thread) throw notFound('thread');
    deps.log.info({ thread: threadId, [field]: on, by: user.id }, 'forum thread changed');
    broadcast.threadChanged(thread, isPublic(thread));
    return threadView(thread, audienceOf(thread, user));
  };
  const pin = setFlag('pinned');
  const lock = setFlag('locked');

  bind('forum:set-pinned', {
    schema: ForumSetPinned,
    allow: (user) => canPinOrLock(user.role),
    limit: RATES.staff,
    run: ({ user }, { threadId, pinned }) => pin(user, threadId, pinned),
  });

  bind('forum:set-locked', {
    schema: ForumSetLocked,
    allow: (user) => canPinOrLock(user.role),
    limit: RATES.staff,
    run: ({ user }, { threadId, locked }) => lock(user, threadId, locked),
  });

  bind('forum:watch-thread', {
    schema: ForumWatch,
    limit: RATES.watch,
    async run({ user, socket }, { threadId }) {
      const thread = await visibleThread(threadId, user);
      await socket.join(forumRooms.thread(thread.id));
      if (canReview(user.role)) await socket.join(forumRooms.threadStaff(thread.id));
      return threadView(thread, audienceOf(thread, user));
    },
  });

  bind('forum:unwatch-thread', {
    schema: ForumWatch,
    limit: RATES.watch,
    async run({ socket }, { threadId }) {
      await socket.leave(forumRooms.thread(threadId));
      await socket.leave(forumRooms.threadStaff(threadId));
      return null;
    },
  });

}
