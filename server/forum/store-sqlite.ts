import type { HoldReason } from '../../shared/moderation.js';
import type { PostStatus } from '../../shared/forum.js';
import type { Role } from '../../shared/roles.js';
import { migrateSqlite, type SqliteSchema } from '../storage/migrations.js';
import type { Database } from '../storage/sqlite.js';
import type { CategoryRecord, ForumStore, PostRecord, Scope, ThreadRecord } from './store.js';
import { newCategoryRecord, newPostRecord, newThreadRecords, PENDING_STATUSES, PUBLIC_STATUSES, REVIEW_STATUSES } from './store-records.js';
import { plainDecision, plainHits } from '../moderation/stored.js';

interface CategoryRow {
  id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: number;
  thread_count: number;
}

interface ThreadRow {
  id: string;
  category_id: string;
  title: string;
  author_id: string;
  author_name: string;
  author_role: Role;
  created_at: number;
  last_post_at: number;
  reply_count: number;
  pinned: 0 | 1;
  locked: 0 | 1;
  status: PostStatus;
  opening_post_id: string;
}

interface PostRow {
  id: string;
  thread_id: string;
  category_id: string;
  author_id: string;
  author_name: string;
  author_role: Role;
  body: string;
  created_at: number;
  edited_at: number | null;
  status: PostStatus;
  hold_reason: HoldReason | null;
  filter_hits: string;
  decision: string | null;
  opening: 0 | 1;
}

const category = (r: CategoryRow): CategoryRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
  threadCount: r.thread_count,
});

const thread = (r: ThreadRow): ThreadRecord => ({
  id: r.id,
  categoryId: r.category_id,
  title: r.title,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  createdAt: r.created_at,
  lastPostAt: r.last_post_at,
  replyCount: r.reply_count,
  pinned: r.pinned === 1,
  locked: r.locked === 1,
  status: r.status,
  openingPostId: r.opening_post_id,
});

const post = (r: PostRow): PostRecord => ({
  id: r.id,
  threadId: r.thread_id,
  categoryId: r.category_id,
  authorId: r.author_id,
  authorName: r.author_name,
  authorRole: r.author_role,
  body: r.body,
  createdAt: r.created_at,
  editedAt: r.edited_at,
  status: r.status,
  holdReason: r.hold_reason,
  filterHits: JSON.parse(r.filter_hits),
  decision: r.decision === null ? null : JSON.parse(r.decision),
  opening: r.opening === 1,
});

const postRow = (p: PostRecord): PostRow => ({
  id: p.id,
  thread_id: p.threadId,
  category_id: p.categoryId,
  author_id: p.authorId,
  author_name: p.authorName,
  author_role: p.authorRole,
  body: p.body,
  created_at: p.createdAt,
  edited_at: p.editedAt,
  status: p.status,
  hold_reason: p.holdReason,
  filter_hits: JSON.stringify(plainHits(p.filterHits)),
  decision: p.decision === null ? null : JSON.stringify(plainDecision(p.decision)),
  opening: p.opening ? 1 : 0,
});

const statuses = (scope: Scope): string => JSON.stringify(scope === 'public' ? PUBLIC_STATUSES : REVIEW_STATUSES);

/** The tables of this store, step by step; see server/storage/migrations.ts. */
export const forumSchema: SqliteSchema = {
  feature: 'forum',
  steps: [
    {
      // A thread's status, reply count and last activity are kept on its row (rewritten from its
      // posts after every change), so listing a category is one indexed read.
      why: 'categories, threads and posts',
      run: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS forum_categories (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL
          ) STRICT;
          CREATE TABLE IF NOT EXISTS forum_threads (
            id TEXT PRIMARY KEY,
            category_id TEXT NOT NULL REFERENCES forum_categories (id),
            title TEXT NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_role TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_post_at INTEGER NOT NULL,
            reply_count INTEGER NOT NULL,
            pinned INTEGER NOT NULL,
            locked INTEGER NOT NULL,
            status TEXT NOT NULL,
            opening_post_id TEXT NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS forum_threads_order ON forum_threads
            (category_id, status, pinned DESC, last_post_at DESC, id DESC);
          CREATE TABLE IF NOT EXISTS forum_posts (
            id TEXT PRIMARY KEY,
            thread_id TEXT NOT NULL REFERENCES forum_threads (id),
            category_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_role TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            edited_at INTEGER,
            status TEXT NOT NULL,
            hold_reason TEXT,
            filter_hits TEXT NOT NULL,
            decision TEXT,
            opening INTEGER NOT NULL
          ) STRICT;
          CREATE INDEX IF NOT EXISTS forum_posts_order ON forum_posts (thread_id, status, created_at, id);
        `),
    },
  ],
};

export function createSqliteForumStore(db: Database): ForumStore {
  migrateSqlite(db, [forumSchema]);


  const insertCategory = db.prepare(`
    INSERT INTO forum_categories (id, name, description, created_by, created_at)
    VALUES (@id, @name, @description, @createdBy, @createdAt)`);
  const categorySelect = `
    SELECT c.*, (SELECT count(*) FROM forum_threads t WHERE t.category_id = c.id AND t.status = 'published') AS thread_count
    FROM forum_categories c`;
  const categoryById = db.prepare<[string], CategoryRow>(`${categorySelect} WHERE c.id = ?`);
  const categories = db.prepare<[], CategoryRow>(`${categorySelect} ORDER BY c.created_at, c.id`);

  const insertThread = db.prepare<[ThreadRow], void>(`
    INSERT INTO forum_threads (id, category_id, title, author_id, author_name, author_role, created_at, last_post_at,
      reply_count, pinned, locked, status, opening_post_id)
    VALUES (@id, @category_id, @title, @author_id, @author_name, @author_role, @created_at, @last_post_at,
      @reply_count, @pinned, @locked, @status, @opening_post_id)`);
  const threadById = db.prepare<[string], ThreadRow>('SELECT * FROM forum_threads WHERE id = ?');
  const threadPage = db.prepare<[string, string, number, number], ThreadRow>(`
    SELECT * FROM forum_threads WHERE category_id = ? AND status IN (SELECT value FROM json_each(?))
    ORDER BY pinned DESC, last_post_at DESC, id DESC LIMIT ? OFFSET ?`);
  const threadCount = db.prepare<[string, string], number>(`
    SELECT count(*) FROM forum_threads WHERE category_id = ? AND status IN (SELECT value FROM json_each(?))`).pluck();
  const pendingThreads = db.prepare<[string, string, string], ThreadRow>(`
    SELECT * FROM forum_threads WHERE category_id = ? AND author_id = ? AND status IN (SELECT value FROM json_each(?))
    ORDER BY pinned DESC, last_post_at DESC, id DESC`);
  const setPinned = db.prepare<[number, string], ThreadRow>('UPDATE forum_threads SET pinned = ? WHERE id = ? RETURNING *');
  const setLocked = db.prepare<[number, string], ThreadRow>('UPDATE forum_threads SET locked = ? WHERE id = ? RETURNING *');
  const sync = db.prepare<[string], void>(`
    UPDATE forum_threads SET
      status = (SELECT p.status FROM forum_posts p WHERE p.id = forum_threads.opening_post_id),
      reply_count = (SELECT count(*) FROM forum_posts p
        WHERE p.thread_id = forum_threads.id AND p.status = 'published' AND p.opening = 0),
      last_post_at = coalesce((SELECT max(p.created_at) FROM forum_posts p
        WHERE p.thread_id = forum_threads.id AND p.status = 'published'), forum_threads.created_at)
    WHERE id = ?`);

  const insertPost = db.prepare<[PostRow], void>(`
    INSERT INTO forum_posts (id, thread_id, category_id, author_id, author_name, author_role, body, created_at,
      edited_at, status, hold_reason, filter_hits, decision, opening)
    VALUES (@id, @thread_id, @category_id, @author_id, @author_name, @author_role, @body, @created_at,
      @edited_at, @status, @hold_reason, @filter_hits, @decision, @opening)`);
  const postById = db.prepare<[string], PostRow>('SELECT * FROM forum_posts WHERE id = ?');
  const postPage = db.prepare<[string, string, number, number], PostRow>(`
    SELECT * FROM forum_posts WHERE thread_id = ? AND status IN (SELECT value FROM json_each(?))
    ORDER BY created_at, id LIMIT ? OFFSET ?`);
  const postCount = db.prepare<[string, string], number>(`
    SELECT count(*) FROM forum_posts WHERE thread_id = ? AND status IN (SELECT value FROM json_each(?))`).pluck();
  const pendingPosts = db.prepare<[string, string, string], PostRow>(`
    SELECT * FROM forum_posts WHERE thread_id = ? AND author_id = ? AND status IN (SELECT value FROM json_each(?))
    ORDER BY created_at, id`);
  const edit = db.prepare<[string, number, string, string | null, string, string, string], PostRow>(`
    UPDATE forum_posts SET body = ?, edited_at = ?, status = ?, hold_reason = ?, filter_hits = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`);
  const transition = db.prepare<[string, string, string, string], PostRow>(`
    UPDATE forum_posts SET status = ?, decision = ?
    WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING *`);

  const createThread = db.transaction((input: Parameters<ForumStore['createThread']>[0]) => {
    if (!categoryById.get(input.categoryId)) return null;
    const created = newThreadRecords(input);
    const t = created.thread;
    insertThread.run({
      id: t.id,
      category_id: t.categoryId,
      title: t.title,
      author_id: t.authorId,
      author_name: t.authorName,
      author_role: t.authorRole,
      created_at: t.createdAt,
      last_post_at: t.lastPostAt,
      reply_count: 0,
      pinned: 0,
      locked: 0,
      status: t.status,
      opening_post_id: t.openingPostId,
    });
    insertPost.run(postRow(created.post));
    sync.run(t.id);
    return { thread: thread(threadById.get(t.id)!), post: created.post };
  });

  const addReply = db.transaction((threadId: string, input: Parameters<ForumStore['addReply']>[1]) => {
    const t = threadById.get(threadId);
    if (!t) return null;
    const record = newPostRecord(threadId, t.category_id, input, false);
    insertPost.run(postRow(record));
    sync.run(threadId);
    return record;
  });

  /** Runs a status-changing update and brings the post's thread up to date in the same transaction. */
  const changing = db.transaction((update: () => PostRow | undefined) => {
    const row = update();
    if (row) sync.run(row.thread_id);
    return row ? post(row) : null;
  });

  return {
    async createCategory(input) {
      const record = newCategoryRecord(input);
      const { id, name, description, createdBy, createdAt } = record;
      insertCategory.run({ id, name, description, createdBy, createdAt });
      return record;
    },
    async getCategory(id) {
      const row = categoryById.get(id);
      return row ? category(row) : null;
    },
    async listCategories() {
      return categories.all().map(category);
    },
    async createThread(input) {
      return createThread.immediate(input);
    },
    async getThread(id) {
      const row = threadById.get(id);
      return row ? thread(row) : null;
    },
    async listThreads(categoryId, scope, offset, limit) {
      return {
        items: threadPage.all(categoryId, statuses(scope), limit, offset).map(thread),
        total: threadCount.get(categoryId, statuses(scope)) ?? 0,
      };
    },
    async pendingThreads(categoryId, authorId) {
      return pendingThreads.all(categoryId, authorId, JSON.stringify(PENDING_STATUSES)).map(thread);
    },
    async setPinned(threadId, pinned) {
      const row = setPinned.get(pinned ? 1 : 0, threadId);
      return row ? thread(row) : null;
    },
    async setLocked(threadId, locked) {
      const row = setLocked.get(locked ? 1 : 0, threadId);
      return row ? thread(row) : null;
    },
    async addReply(threadId, input) {
      return addReply.immediate(threadId, input);
    },
    async getPost(id) {
      const row = postById.get(id);
      return row ? post(row) : null;
    },
    async listPosts(threadId, scope, offset, limit) {
      return {
        items: postPage.all(threadId, statuses(scope), limit, offset).map(post),
        total: postCount.get(threadId, statuses(scope)) ?? 0,
      };
    },
    async pendingPosts(threadId, authorId) {
      return pendingPosts.all(threadId, authorId, JSON.stringify(PENDING_STATUSES)).map(post);
    },
    async editPost(id, from, e) {
      const hits = JSON.stringify(plainHits(e.filterHits));
      return changing.immediate(() => edit.get(e.body, e.editedAt, e.status, e.holdReason, hits, id, JSON.stringify(from)));
    },
    async transitionPost(id, from, to, decision) {
      const d = JSON.stringify(plainDecision(decision));
      return changing.immediate(() => transition.get(to, d, id, JSON.stringify(from)));
    },
  };
}
