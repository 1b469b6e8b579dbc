// The forum's REST reads. Reading needs no session; the same Result shape as every other call,
// so pages handle errors one way whichever transport answered.
import type { CategoriesPage, ThreadPage, ThreadsPage } from '../../../shared/forum.js';
import { request } from './api.js';

const get = <T>(path: string) => request<T>('GET', path);

const pageQuery = (page: number) => (page > 1 ? `?page=${page}` : '');

export const forumApi = {
  categories: () => get<CategoriesPage>('/api/forum/categories'),
  threads: (categoryId: string, page: number) =>
    get<ThreadsPage>(`/api/forum/categories/${encodeURIComponent(categoryId)}/threads${pageQuery(page)}`),
  thread: (threadId: string, page: number) => get<ThreadPage>(`/api/forum/threads/${encodeURIComponent(threadId)}${pageQuery(page)}`),
};

/** Links inside the forum, in one place. */
export const forumHref = {
  home: () => '/forum',
  category: (id: string, page = 1) => `/forum/c/${encodeURIComponent(id)}${pageQuery(page)}`,
  thread: (id: string, page = 1) => `/forum/t/${encodeURIComponent(id)}${pageQuery(page)}`,
};

/** The page number in a `?page=` query: a whole number from 1, anything else is page 1. */
export function pageParam(raw: string | null): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
