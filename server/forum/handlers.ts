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
import type { RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import type { ModerationPipeline, Screening } from '../moderation/pipeline-types.js';
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
  splitScreened,
  statusAfterEdit,
  threadView,
  withinEditWindow,
} from './rules.js';
import type { ForumStore, PostRecord, ThreadRecord } from './store.js';

export const FORUM_RATES = {
  watch: { name: 'forum:watch', points: 30, seconds: 10 },
  edit: { name: 'forum:edit', points: 10, seconds: 60 },
  staff: { name: 'forum:staff', points: 30, seconds: 1 },
} satisfies Record<string, RateRule>;

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
  const screen = (user: SessionUser, place: string, text: string): Promise<Screening> =>
    moderation.screen({ author: user, place, townHallId: null, text, mode: 'post' });
  /** Who wrote a new post, when, and what screening made of it. */
  const authored = (user: SessionUser, screening: Screening) => ({
    authorId: user.id,
    authorName: user.displayName,
    authorRole: user.role,
    status: screening.outcome === 'publish' ? ('published' as const) : ('held' as const),
    holdReason: screening.holdReason,
    filterHits: screening.hits,
    createdAt: now(),
  });
  /** Held posts join the moderators' queue once they are stored. */
  const submitted = (post: PostRecord) =>
    moderation.submitted({ ref: { kind: 'post', id: post.id }, place: `thread:${post.threadId}`, status: post.status, createdAt: post.createdAt });

  const bind = commandBinder(deps);

  bind('forum:create-category', {
    schema: ForumCreateCategory,
    allow: (user) => canCreateCategory(user.role),
    limit: FORUM_RATES.staff,
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
      const screening = await screen(user, `forum:${input.categoryId}`, joinForScreening(input.title, input.body));
      const { title, body } = splitScreened(screening.text, input);
      const created = await forum.createThread({
        categoryId: input.categoryId,
        title,
        body,
        ...authored(user, screening),
      });
      if (!created) throw notFound('category');
      await submitted(created.post);
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
      const screening = await screen(user, `thread:${thread.id}`, input.body);
      const post = await forum.addReply(thread.id, {
        body: screening.text,
        ...authored(user, screening),
      });
      if (!post) throw notFound('thread');
      await submitted(post);
      broadcast.postChanged(post, false);
      return postView(post, 'author');
    },
  });

  bind('forum:edit', {
    schema: ForumEdit,
    limit: FORUM_RATES.edit,
    async run({ user }, input) {
      const post = await forum.getPost(input.postId);
      if (!post || isGone(post)) throw notFound('post');
      if (post.authorId !== user.id) throw forbidden('Only its author can edit a post.');
      if (!withinEditWindow(post.createdAt, now())) throw forbidden('Posts can be edited for 15 minutes after posting.');
      if (!EDITABLE.includes(post.status)) throw new CommandError(ErrorCode.CONFLICT, 'This post is under review.');
      const thread = await visibleThread(post.threadId, user);
      if (!mayPostIn(thread, user.role)) throw forbidden('This thread is locked.');
      const screening = await screen(user, `thread:${thread.id}`, input.body);
      const status = statusAfterEdit(post.status, screening.outcome);
      const held = screening.outcome === 'hold';
      const updated = await forum.editPost(post.id, [post.status], {
        body: screening.text,
        editedAt: now(),
        status,
        holdReason: status === 'published' ? null : held ? screening.holdReason : post.holdReason,
        filterHits: status === 'published' ? [] : held ? screening.hits : post.filterHits,
      });
      if (!updated) throw new CommandError(ErrorCode.CONFLICT, 'This post changed meanwhile.');
      await submitted(updated);
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
    limit: FORUM_RATES.staff,
    run: ({ user }, { threadId, pinned }) => pin(user, threadId, pinned),
  });

  bind('forum:set-locked', {
    schema: ForumSetLocked,
    allow: (user) => canPinOrLock(user.role),
    limit: FORUM_RATES.staff,
    run: ({ user }, { threadId, locked }) => lock(user, threadId, locked),
  });

  bind('forum:watch-thread', {
    schema: ForumWatch,
    limit: FORUM_RATES.watch,
    async run({ user, socket }, { threadId }) {
      const thread = await visibleThread(threadId, user);
      await socket.join(forumRooms.thread(thread.id));
      if (canReview(user.role)) await socket.join(forumRooms.threadStaff(thread.id));
      return threadView(thread, audienceOf(thread, user));
    },
  });

  bind('forum:unwatch-thread', {
    schema: ForumWatch,
    limit: FORUM_RATES.watch,
    async run({ socket }, { threadId }) {
      await socket.leave(forumRooms.thread(threadId));
      await socket.leave(forumRooms.threadStaff(threadId));
      return null;
    },
  });

}
