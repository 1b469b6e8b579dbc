// Reading the forum over HTTP: no session is needed to read, and a signed-in reader also sees
// what only staff or its author may (held posts, why they were held).
import { Router, type Response } from 'express';
import { z } from 'zod';
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { FORUM_LIMITS, type CategoriesPage, type ThreadPage, type ThreadsPage } from '../../shared/forum.js';
import { canReview } from '../../shared/roles.js';
import type { SessionUser } from '../core/types.js';
import { idParam, parseBody } from '../http/errors.js';
import { sessionOf } from '../http/session.js';
import { audienceOf, canSee, categoryView, clampPage, offsetOf, pageCount, postView, threadView } from './rules.js';
import type { ForumStore, Page, Scope } from './store.js';

const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).default(1) });

/** Reads one page, and reads again at the last page when the one asked for is past the end. */
async function pageOf<T>(requested: number, read: (offset: number) => Promise<Page<T>>): Promise<Page<T> & { page: number }> {
  const first = await read(offsetOf(requested));
  const page = clampPage(requested, first.total);
  if (page === requested) return { ...first, page };
  return { ...(await read(offsetOf(page))), page };
}

export function forumRoutes(deps: { forum: ForumStore }): Router {
  const { forum } = deps;
  const router = Router();
  const reader = (res: Response): SessionUser | null => sessionOf(res);
  const scopeOf = (user: SessionUser | null): Scope => (user && canReview(user.role) ? 'review' : 'public');
  const size = FORUM_LIMITS.pageSize;

  router.get('/forum/categories', async (_req, res) => {
    const body: CategoriesPage = { categories: (await forum.listCategories()).map(categoryView) };
    res.json(body);
  });

  router.get('/forum/categories/:id/threads', async (req, res) => {
    const { page } = parseBody(PageQuery, req.query);
    const category = await forum.getCategory(idParam(req.params.id, 'category'));
    if (!category) throw new CommandError(ErrorCode.NOT_FOUND, 'No such category.');
    const user = reader(res);
    const scope = scopeOf(user);
    const list = await pageOf(page, (offset) => forum.listThreads(category.id, scope, offset, size));
    const pending = user && scope === 'public' ? await forum.pendingThreads(category.id, user.id) : [];
    const body: ThreadsPage = {
      category: categoryView(category),
      threads: list.items.map((t) => threadView(t, audienceOf(t, user))),
      page: list.page,
      pageCount: pageCount(list.total),
      total: list.total,
      pending: pending.map((t) => threadView(t, 'author')),
    };
    res.json(body);
  });

  router.get('/forum/threads/:id', async (req, res) => {
    const { page } = parseBody(PageQuery, req.query);
    const user = reader(res);
    const thread = await forum.getThread(idParam(req.params.id, 'thread'));
    if (!thread || !canSee(thread, user)) throw new CommandError(ErrorCode.NOT_FOUND, 'No such thread.');
    const category = await forum.getCategory(thread.categoryId);
    if (!category) throw new CommandError(ErrorCode.NOT_FOUND, 'No such thread.');
    const scope = scopeOf(user);
    const list = await pageOf(page, (offset) => forum.listPosts(thread.id, scope, offset, size));
    const pending = user && scope === 'public' ? await forum.pendingPosts(thread.id, user.id) : [];
    const body: ThreadPage = {
      category: categoryView(category),
      thread: threadView(thread, audienceOf(thread, user)),
      posts: list.items.map((p) => postView(p, audienceOf(p, user))),
      page: list.page,
      pageCount: pageCount(list.total),
      total: list.total,
      pending: pending.map((p) => postView(p, 'author')),
    };
    res.json(body);
  });

  return router;
}
