import { describe, expect, it } from 'vitest';
import type { ForumStore, NewPost, NewThread, PostRecord, ThreadRecord } from '../../server/forum/store.js';
import { storePerTest, type MakeStore } from './harness.js';

const T0 = 1_767_000_000_000;
const MIN = 60_000;

const post = (body: string, extra: Partial<NewPost> = {}): NewPost => ({
  authorId: 'author-00000001',
  authorName: 'Jordan',
  authorRole: 'resident',
  body,
  status: 'published',
  holdReason: null,
  filterHits: [],
  createdAt: T0,
  ...extra,
});

const decision = (by: string) => ({ by, at: T0 + 99 * MIN, reason: by === 'admin-1' ? null : ('spam' as const), note: null });
const ids = (items: { id: string }[]): string[] => items.map((i) => i.id);

export function describeForumStore(name: string, makeStore: MakeStore<ForumStore>): void {
  describe(`ForumStore (${name})`, () => {
    const t = storePerTest(makeStore);

    const category = (name = 'Traffic and parking', createdAt = T0) =>
      t.store.createCategory({ name, description: 'Speeding, crossings, parking.', createdBy: 'admin-1', createdAt });
    const thread = async (categoryId: string, title: string, extra: Partial<NewThread> = {}) => {
      const created = await t.store.createThread({ ...post(`${title} body`), categoryId, title, ...extra });
      if (!created) throw new Error('no thread');
      return created;
    };
    const reply = async (threadId: string, body: string, extra: Partial<NewPost> = {}): Promise<PostRecord> => {
      const created = await t.store.addReply(threadId, post(body, extra));
      if (!created) throw new Error('no reply');
      return created;
    };
    const current = async (id: string): Promise<ThreadRecord> => (await t.store.getThread(id))!;

    describe('categories', () => {
      it('returns exactly the category it stored, oldest first, with its published thread count', async () => {
        const later = await category('Parks', T0 + 5);
        const first = await category('Traffic', T0);
        expect(await t.store.getCategory(first.id)).toEqual(first);
        expect(first).toMatchObject({ name: 'Traffic', threadCount: 0, createdBy: 'admin-1' });
        await thread(first.id, 'Speed bumps on Elm');
        await thread(first.id, 'Held thread here', { status: 'held', holdReason: 'filter' });
        expect(ids(await t.store.listCategories())).toEqual([first.id, later.id]);
        expect((await t.store.getCategory(first.id))!.threadCount).toBe(1);
      });

      it('resolves to null for an unknown category and refuses threads in it', async () => {
        expect(await t.store.getCategory('nothing-here-000')).toBeNull();
        expect(await t.store.createThread({ ...post('x'), categoryId: 'nothing-here-000', title: 'Nowhere' })).toBeNull();
      });
    });

    describe('threads', () => {
      it('creates a thread together with its opening post', async () => {
        const c = await category();
        const { thread: th, post: opening } = await thread(c.id, 'Crosswalk on 5th', { authorRole: 'officer' });
        expect(th).toMatchObject({
          categoryId: c.id,
          title: 'Crosswalk on 5th',
          authorRole: 'officer',
          createdAt: T0,
          lastPostAt: T0,
          replyCount: 0,
          pinned: false,
          locked: false,
          status: 'published',
          openingPostId: opening.id,
        });
        expect(opening).toMatchObject({ threadId: th.id, categoryId: c.id, opening: true, editedAt: null, decision: null });
        expect(await t.store.getThread(th.id)).toEqual(th);
        expect(await t.store.getPost(opening.id)).toEqual(opening);
      });

      it('lists pinned threads first, then by latest activity, ties by id descending', async () => {
        const c = await category();
        const old = await thread(c.id, 'Oldest thread', { createdAt: T0 });
        const mid = await thread(c.id, 'Middle thread', { createdAt: T0 + MIN });
        const tieA = await thread(c.id, 'Tie thread A', { createdAt: T0 + 2 * MIN });
        const tieB = await thread(c.id, 'Tie thread B', { createdAt: T0 + 2 * MIN });
        const ties = [tieA.thread.id, tieB.thread.id].sort().reverse();
        expect(ids((await t.store.listThreads(c.id, 'public', 0, 20)).items)).toEqual([...ties, mid.thread.id, old.thread.id]);

        await reply(old.thread.id, 'bump', { createdAt: T0 + 3 * MIN });
        await t.store.setPinned(mid.thread.id, true);
        const page = await t.store.listThreads(c.id, 'public', 0, 20);
        expect(ids(page.items)).toEqual([mid.thread.id, old.thread.id, ...ties]);
        expect(page.total).toBe(4);
      });

      it('pages through threads', async () => {
        const c = await category();
        const made: string[] = [];
        for (let i = 0; i < 5; i++) made.push((await thread(c.id, `Thread number ${i}`, { createdAt: T0 + i })).thread.id);
        const newestFirst = made.reverse();
        expect(await t.store.listThreads(c.id, 'public', 0, 2)).toMatchObject({ total: 5 });
        expect(ids((await t.store.listThreads(c.id, 'public', 2, 2)).items)).toEqual(newestFirst.slice(2, 4));
        expect(ids((await t.store.listThreads(c.id, 'public', 4, 2)).items)).toEqual(newestFirst.slice(4));
        expect((await t.store.listThreads(c.id, 'public', 10, 2)).items).toEqual([]);
      });

      it('lists held and hidden threads for review only, and the author finds their own pending ones', async () => {
        const c = await category();
        const shown = await thread(c.id, 'Shown thread', { createdAt: T0 });
        const held = await thread(c.id, 'Held thread', { status: 'held', holdReason: 'filter', createdAt: T0 + 1 });
        const other = await thread(c.id, 'Someone else held', {
          status: 'held',
          holdReason: 'filter',
          authorId: 'author-00000002',
          createdAt: T0 + 2,
        });
        expect(held.thread.status).toBe('held');
        expect(ids((await t.store.listThreads(c.id, 'public', 0, 20)).items)).toEqual([shown.thread.id]);
        expect((await t.store.listThreads(c.id, 'review', 0, 20)).total).toBe(3);
        expect(ids(await t.store.pendingThreads(c.id, 'author-00000001'))).toEqual([held.thread.id]);
        expect(ids(await t.store.pendingThreads(c.id, 'author-00000002'))).toEqual([other.thread.id]);
      });

      it('pins and locks a thread, and resolves to null for an unknown one', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Pin and lock me');
        expect(await t.store.setLocked(th.id, true)).toEqual({ ...th, locked: true });
        expect(await t.store.setPinned(th.id, true)).toEqual({ ...th, locked: true, pinned: true });
        expect(await t.store.setPinned(th.id, false)).toEqual({ ...th, locked: true, pinned: false });
        expect(await t.store.setLocked('nothing-here-000', true)).toBeNull();
        expect(await t.store.setPinned('nothing-here-000', true)).toBeNull();
      });

      it('takes the thread out of public lists when its opening post is removed, and back on restore', async () => {
        const c = await category();
        const { thread: th, post: opening } = await thread(c.id, 'Remove my opening');
        await t.store.transitionPost(opening.id, ['published'], 'removed', decision('mod-1'));
        expect((await current(th.id)).status).toBe('removed');
        expect((await t.store.listThreads(c.id, 'review', 0, 20)).items).toEqual([]);
        expect((await t.store.getCategory(c.id))!.threadCount).toBe(0);
        await t.store.transitionPost(opening.id, ['removed'], 'published', decision('admin-1'));
        expect(ids((await t.store.listThreads(c.id, 'public', 0, 20)).items)).toEqual([th.id]);
      });
    });

    describe('posts', () => {
      it('lists posts oldest first, ties by id, with the opening post first', async () => {
        const c = await category();
        const { thread: th, post: opening } = await thread(c.id, 'Order of posts');
        const late = await reply(th.id, 'late', { createdAt: T0 + 2 * MIN });
        const a = await reply(th.id, 'tie a', { createdAt: T0 + MIN });
        const b = await reply(th.id, 'tie b', { createdAt: T0 + MIN });
        const page = await t.store.listPosts(th.id, 'public', 0, 20);
        expect(ids(page.items)).toEqual([opening.id, ...[a.id, b.id].sort(), late.id]);
        expect(page.total).toBe(4);
        expect(ids((await t.store.listPosts(th.id, 'public', 1, 2)).items)).toEqual([a.id, b.id].sort());
      });

      it('returns exactly the reply it stored, keeping filter hits and why it was held', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Replies kept');
        const filterHits = [{ source: 'department' as const, term: 'dirtycop' }];
        const held = await reply(th.id, 'Markdown **kept** as\nwritten <b>raw</b> 🚓', {
          status: 'held',
          holdReason: 'filter',
          filterHits,
        });
        expect(held).toMatchObject({ threadId: th.id, categoryId: c.id, opening: false, filterHits, holdReason: 'filter' });
        expect(await t.store.getPost(held.id)).toEqual(held);
        expect(await t.store.getPost('nothing-here-000')).toBeNull();
      });

      it('refuses a reply to an unknown thread', async () => {
        expect(await t.store.addReply('nothing-here-000', post('hello'))).toBeNull();
      });

      it('counts only published replies and tracks the latest published post', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Counting replies');
        const r1 = await reply(th.id, 'one', { createdAt: T0 + MIN });
        await reply(th.id, 'held', { createdAt: T0 + 3 * MIN, status: 'held', holdReason: 'filter' });
        const r3 = await reply(th.id, 'three', { createdAt: T0 + 2 * MIN });
        expect(await current(th.id)).toMatchObject({ replyCount: 2, lastPostAt: T0 + 2 * MIN });

        await t.store.transitionPost(r3.id, ['published'], 'removed', decision('mod-1'));
        expect(await current(th.id)).toMatchObject({ replyCount: 1, lastPostAt: T0 + MIN });
        await t.store.transitionPost(r1.id, ['published'], 'hidden', decision('mod-1'));
        expect(await current(th.id)).toMatchObject({ replyCount: 0, lastPostAt: T0 });
        await t.store.transitionPost(r1.id, ['hidden'], 'published', decision('admin-1'));
        expect(await current(th.id)).toMatchObject({ replyCount: 1, lastPostAt: T0 + MIN });
      });

      it('keeps held and hidden posts out of public lists and lists them for review and for their author', async () => {
        const c = await category();
        const { thread: th, post: opening } = await thread(c.id, 'Held replies');
        const held = await reply(th.id, 'held', { status: 'held', holdReason: 'premoderation', createdAt: T0 + 1 });
        const hidden = await reply(th.id, 'to hide', { createdAt: T0 + 2 });
        await t.store.transitionPost(hidden.id, ['published'], 'hidden', decision('mod-1'));
        const others = await reply(th.id, 'other held', { status: 'held', holdReason: 'filter', authorId: 'author-00000002', createdAt: T0 + 3 });
        const removed = await reply(th.id, 'removed', { createdAt: T0 + 4 });
        await t.store.transitionPost(removed.id, ['published'], 'removed', decision('mod-1'));

        expect(ids((await t.store.listPosts(th.id, 'public', 0, 20)).items)).toEqual([opening.id]);
        expect(ids((await t.store.listPosts(th.id, 'review', 0, 20)).items)).toEqual([opening.id, held.id, hidden.id, others.id]);
        expect(ids(await t.store.pendingPosts(th.id, 'author-00000001'))).toEqual([held.id, hidden.id]);
        expect(ids(await t.store.pendingPosts(th.id, 'author-00000002'))).toEqual([others.id]);
      });
    });

    describe('editPost', () => {
      it('replaces the body, records the edit time and may hold the post', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Edits');
        const r = await reply(th.id, 'first words', { createdAt: T0 + MIN });
        const edited = await t.store.editPost(r.id, ['held', 'published'], {
          body: 'second words',
          editedAt: T0 + 2 * MIN,
          status: 'held',
          holdReason: 'filter',
          filterHits: [{ source: 'obscenity', term: 'darn' }],
        });
        expect(edited).toEqual({
          ...r,
          body: 'second words',
          editedAt: T0 + 2 * MIN,
          status: 'held',
          holdReason: 'filter',
          filterHits: [{ source: 'obscenity', term: 'darn' }],
        });
        expect(await t.store.getPost(r.id)).toEqual(edited);
        expect(await current(th.id)).toMatchObject({ replyCount: 0 });
        const clean = await t.store.editPost(r.id, ['held', 'published'], {
          body: 'clean words',
          editedAt: T0 + 3 * MIN,
          status: 'published',
          holdReason: null,
          filterHits: [],
        });
        expect(clean).toMatchObject({ status: 'published', holdReason: null, filterHits: [], editedAt: T0 + 3 * MIN });
        expect(await t.store.getPost(r.id)).toEqual(clean);
        expect(await current(th.id)).toMatchObject({ replyCount: 1 });
      });

      it('changes nothing when the post is not in one of the expected statuses', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'No edits');
        const r = await reply(th.id, 'removed soon');
        const removed = await t.store.transitionPost(r.id, ['published'], 'removed', decision('mod-1'));
        const edit = { body: 'sneaky', editedAt: T0 + 1, status: 'published' as const, holdReason: null, filterHits: [] };
        expect(await t.store.editPost(r.id, ['held', 'published'], edit)).toBeNull();
        expect(await t.store.getPost(r.id)).toEqual(removed);
        expect(await t.store.editPost('nothing-here-000', ['published'], edit)).toBeNull();
      });

      it('holds the whole thread when its opening post is edited into held', async () => {
        const c = await category();
        const { thread: th, post: opening } = await thread(c.id, 'Opening edit');
        await t.store.editPost(opening.id, ['published'], {
          body: 'now filtered',
          editedAt: T0 + 1,
          status: 'held',
          holdReason: 'filter',
          filterHits: [],
        });
        expect((await current(th.id)).status).toBe('held');
        expect((await t.store.listThreads(c.id, 'public', 0, 20)).items).toEqual([]);
        expect(ids(await t.store.pendingThreads(c.id, 'author-00000001'))).toEqual([th.id]);
      });
    });

    describe('transitionPost', () => {
      it('moves a held post to published and records the decision', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Approvals');
        const r = await reply(th.id, 'approve me', { status: 'held', holdReason: 'filter' });
        const approved = await t.store.transitionPost(r.id, ['held'], 'published', decision('admin-1'));
        expect(approved).toEqual({ ...r, status: 'published', decision: decision('admin-1') });
        expect(await t.store.getPost(r.id)).toEqual(approved);
      });

      it('lets exactly one of two moderators racing on a held post win', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Contested');
        const r = await reply(th.id, 'contested', { status: 'held', holdReason: 'filter' });
        const other = await t.another();
        const results = await Promise.all([
          t.store.transitionPost(r.id, ['held'], 'published', decision('admin-1')),
          other.transitionPost(r.id, ['held'], 'rejected', decision('mod-2')),
        ]);
        const winners = results.filter((x) => x !== null);
        expect(winners).toHaveLength(1);
        expect(await t.store.getPost(r.id)).toEqual(winners[0]);
      });

      it('changes nothing when the post is not in one of the expected statuses, or unknown', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Stays');
        const r = await reply(th.id, 'published already');
        expect(await t.store.transitionPost(r.id, ['held'], 'rejected', decision('mod-1'))).toBeNull();
        expect(await t.store.transitionPost(r.id, [], 'removed', decision('mod-1'))).toBeNull();
        expect(await t.store.getPost(r.id)).toEqual(r);
        expect(await t.store.transitionPost('nothing-here-000', ['held'], 'published', decision('mod-1'))).toBeNull();
      });

      it('keeps the counts right when replies and removals race from two nodes', async () => {
        const c = await category();
        const { thread: th } = await thread(c.id, 'Busy thread');
        const other = await t.another();
        const first = await Promise.all(Array.from({ length: 10 }, (_, i) => reply(th.id, `r${i}`, { createdAt: T0 + i + 1 })));
        await Promise.all([
          ...first.slice(0, 5).map((r, i) => (i % 2 ? other : t.store).transitionPost(r.id, ['published'], 'removed', decision('mod-1'))),
          ...Array.from({ length: 10 }, (_, i) => (i % 2 ? other : t.store).addReply(th.id, post(`s${i}`, { createdAt: T0 + 100 + i }))),
        ]);
        expect(await current(th.id)).toMatchObject({ replyCount: 15, lastPostAt: T0 + 109 });
        expect((await t.store.listPosts(th.id, 'public', 0, 50)).total).toBe(16);
      });
    });

    it('keeps categories, threads, posts and counts after the storage is reopened', async () => {
      const c = await category();
      const { thread: th } = await thread(c.id, 'Durable thread');
      const r = await reply(th.id, 'durable reply', { createdAt: T0 + MIN });
      const held = await reply(th.id, 'held reply', { createdAt: T0 + 2 * MIN, status: 'held', holdReason: 'filter' });
      const pinned = await t.store.setPinned(th.id, true);
      const reopened = await t.reopen();
      expect(await reopened.getCategory(c.id)).toEqual({ ...c, threadCount: 1 });
      expect(await reopened.getThread(th.id)).toEqual(pinned);
      expect(pinned).toMatchObject({ replyCount: 1, lastPostAt: T0 + MIN, pinned: true });
      expect(await reopened.getPost(r.id)).toEqual(r);
      expect(ids(await reopened.pendingPosts(th.id, 'author-00000001'))).toEqual([held.id]);
      expect(ids((await reopened.listThreads(c.id, 'public', 0, 20)).items)).toEqual([th.id]);
    });
  });
}
