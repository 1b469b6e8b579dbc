// The forum end to end: real servers on both stores, real clients, the real moderation pipeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadPage, ThreadsPage } from '../../shared/forum.js';
import { command, nextEvent, startTestServer, unwrap, type ClientSocket, type Session, type TestServer } from '../support/server.js';

describe.each(['sqlite', 'redis'] as const)('the forum on the %s store', (store) => {
  let server: TestServer;
  let admin: ClientSocket, officer: ClientSocket, moderator: ClientSocket;
  let categoryId: string;

  beforeAll(async () => {
    server = await startTestServer({ store });
    [admin, officer, moderator] = await Promise.all([
      server.staff('admin', 'Admin Ada').then(server.connect),
      server.staff('officer', 'Sgt. Reyes').then(server.connect),
      server.staff('moderator', 'Mod Sam').then(server.connect),
    ]);
    categoryId = unwrap(await command(admin, 'forum:create-category', { name: 'Traffic and parking', description: 'Roads.' })).id;
  });
  afterAll(() => server.close());

  // Fresh residents for each use: a new guest may post once every 30 s.
  const resident = async (name: string): Promise<{ socket: ClientSocket; session: Session }> => {
    const session = await server.guest(name);
    return { socket: await server.connect(session), session };
  };
  const newThread = async (socket: ClientSocket, title = 'Speeding on Elm Street', body = 'Cars race here at night.') =>
    unwrap(await command(socket, 'forum:create-thread', { categoryId, title, body }));
  const get = async <T>(path: string, session?: Session): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${path}`, { headers: session ? { cookie: session.cookie } : {} });
    return { status: res.status, body: (await res.json()) as T };
  };
  const raw = (socket: ClientSocket, event: string, ...args: unknown[]) =>
    (socket.timeout(5000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(event, ...args);

  it('delivers a new reply to everyone watching the thread, with the officer badge', async () => {
    const alice = await resident('Alice');
    const bob = await resident('Bob');
    const { thread, post } = await newThread(alice.socket);
    expect(thread).toMatchObject({ status: 'published', mine: true, replyCount: 0, authorRole: null });
    expect(post).toMatchObject({ opening: true, body: 'Cars race here at night.', mine: true });
    for (const s of [alice.socket, bob.socket]) unwrap(await command(s, 'forum:watch-thread', { threadId: thread.id }));

    const bobSees = nextEvent(bob.socket, 'forum:post-changed', (p) => p.post.body.startsWith('We will'));
    const aliceSees = nextEvent(alice.socket, 'forum:post-changed', (p) => p.post.body.startsWith('We will'));
    const reply = unwrap(await command(officer, 'forum:reply', { threadId: thread.id, body: 'We will add patrols **tonight**.' }));
    expect(reply).toMatchObject({ authorName: 'Sgt. Reyes', authorRole: 'officer', status: 'published', mine: true });
    const seen = (await bobSees).post;
    expect(seen).toMatchObject({ id: reply.id, authorRole: 'officer', editedAt: null });
    expect(seen.mine).toBeUndefined();
    expect((await aliceSees).post.id).toBe(reply.id);

    const page = await get<ThreadPage>(`/api/forum/threads/${thread.id}`);
    expect(page.status).toBe(200);
    expect(page.body.thread).toMatchObject({ replyCount: 1, lastPostAt: reply.createdAt });
    expect(page.body.posts.map((p) => p.id)).toEqual([post.id, reply.id]);
  });

  it('lets residents read without a session, a page at a time, pinned threads first', async () => {
    const { id: busy } = unwrap(await command(admin, 'forum:create-category', { name: 'Busy category' }));
    const { thread } = unwrap(await command(officer, 'forum:create-thread', { categoryId: busy, title: 'Officer thread', body: 'Hello.' }));
    for (let i = 0; i < 21; i++) unwrap(await command(officer, 'forum:reply', { threadId: thread.id, body: `Reply ${i}` }));
    const second = await get<ThreadPage>(`/api/forum/threads/${thread.id}?page=2`);
    expect(second.body).toMatchObject({ page: 2, pageCount: 2, total: 22 });
    // Posts read in time order; replies made within one millisecond fall back on their ids, so
    // the two pages together are every post once, in (createdAt, id) order, two on the second.
    const firstPage = await get<ThreadPage>(`/api/forum/threads/${thread.id}?page=1`);
    const all = [...firstPage.body.posts, ...second.body.posts];
    expect(second.body.posts).toHaveLength(2);
    expect(new Set(all.map((p) => p.body)).size).toBe(22);
    const inOrder = [...all].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    expect(all.map((p) => p.id)).toEqual(inOrder.map((p) => p.id));
    expect((await get<ThreadPage>(`/api/forum/threads/${thread.id}?page=9`)).body.page).toBe(2);
    expect((await get(`/api/forum/threads/${thread.id}?page=zero`)).status).toBe(400);
    expect((await get(`/api/forum/threads/not-a-thread`)).status).toBe(404);

    const later = unwrap(await command(officer, 'forum:create-thread', { categoryId: busy, title: 'Newer thread', body: 'Hi.' }));
    const first = await get<ThreadsPage>(`/api/forum/categories/${busy}/threads`);
    expect(first.body.threads.map((t) => t.id)).toEqual([later.thread.id, thread.id]);
    unwrap(await command(moderator, 'forum:set-pinned', { threadId: thread.id, pinned: true }));
    const pinned = await get<ThreadsPage>(`/api/forum/categories/${busy}/threads`);
    expect(pinned.body.threads.map((t) => [t.id, t.pinned])).toEqual([
      [thread.id, true],
      [later.thread.id, false],
    ]);
  });

  it('refuses residents in a locked thread and still lets staff answer there', async () => {
    const carol = await resident('Carol');
    const { thread } = await newThread(carol.socket, 'Lock this thread');
    unwrap(await command(carol.socket, 'forum:watch-thread', { threadId: thread.id }));
    const locked = nextEvent(carol.socket, 'forum:thread-changed', (p) => p.thread.locked);
    const forbidden = await command(carol.socket, 'forum:set-locked', { threadId: thread.id, locked: true });
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unwrap(await command(moderator, 'forum:set-locked', { threadId: thread.id, locked: true }));
    expect((await locked).thread).toMatchObject({ locked: true, mine: true });

    const dave = await resident('Dave');
    const refused = await command(dave.socket, 'forum:reply', { threadId: thread.id, body: 'Me too' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    unwrap(await command(officer, 'forum:reply', { threadId: thread.id, body: 'Closing this: see the new thread.' }));
    const page = await get<ThreadPage>(`/api/forum/threads/${thread.id}`);
    expect(page.body.posts.map((p) => p.authorName)).toEqual(['Carol', 'Sgt. Reyes']);
  });

  it('shows an edit made within 15 minutes and refuses one after', async () => {
    const erin = await resident('Erin');
    const { thread, post } = await newThread(erin.socket, 'Edit window thread', 'Frist draft');
    const watcher = await resident('Watcher');
    unwrap(await command(watcher.socket, 'forum:watch-thread', { threadId: thread.id }));
    const seen = nextEvent(watcher.socket, 'forum:post-changed', (p) => p.post.id === post.id);
    const edited = unwrap(await command(erin.socket, 'forum:edit', { postId: post.id, body: 'First draft' }));
    expect(edited.editedAt).toEqual(expect.any(Number));
    expect((await seen).post).toMatchObject({ body: 'First draft', editedAt: edited.editedAt });

    const notMine = await command(watcher.socket, 'forum:edit', { postId: post.id, body: 'Vandalised' });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const old = await server.stores.forum.addReply(thread.id, {
      authorId: erin.session.me.id,
      authorName: 'Erin',
      authorRole: 'resident',
      body: 'Sixteen minutes ago',
      status: 'published',
      holdReason: null,
      filterHits: [],
      createdAt: Date.now() - 16 * 60_000,
    });
    const late = await command(erin.socket, 'forum:edit', { postId: old!.id, body: 'Too late' });
    expect(late).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await server.stores.forum.getPost(old!.id))?.body).toBe('Sixteen minutes ago');
  });

  it('answers invalid payloads with INVALID_PAYLOAD and stores nothing', async () => {
    const frank = await resident('Frank');
    const before = (await server.stores.forum.listThreads(categoryId, 'review', 0, 100)).total;
    const bad: unknown[][] = [
      [{ categoryId, title: 'Four', body: 'x' }],
      [{ categoryId, title: 'x'.repeat(151), body: 'x' }],
      [{ categoryId, title: 'A fine title', body: '' }],
      [{ categoryId, title: 'A fine title', body: '  \n ' }],
      [{ categoryId, title: 'A fine title', body: 'x'.repeat(10_001) }],
      [{ categoryId, title: 'A fine title', body: 'x', pinned: true }],
      [{ categoryId: '../etc', title: 'A fine title', body: 'x' }],
      [{ categoryId, title: 42, body: 'x' }],
      [null],
      [{ categoryId, title: 'A fine title', body: 'x' }, 'extra'],
    ];
    for (const args of bad) {
      const result = await raw(frank.socket, 'forum:create-thread', ...args);
      expect(result, JSON.stringify(args).slice(0, 80)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect(await raw(frank.socket, 'forum:reply', { threadId: 'nope!', body: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', fields: ['threadId'] },
    });
    expect((await server.stores.forum.listThreads(categoryId, 'review', 0, 100)).total).toBe(before);
    // Invalid payloads spend no posting budget: a valid thread still goes through at once.
    expect((await newThread(frank.socket, 'After the bad ones')).thread.status).toBe('published');
  });

  it('holds a filtered post for review, out of other residents’ sight until approved', async () => {
    const gina = await resident('Gina');
    const { thread } = await newThread(gina.socket, 'Filtered replies');
    const hank = await resident('Hank');
    unwrap(await command(gina.socket, 'forum:watch-thread', { threadId: thread.id }));
    unwrap(await command(moderator, 'forum:watch-thread', { threadId: thread.id }));
    let ginaSawIt = false;
    gina.socket.on('forum:post-changed', (p) => {
      if (p.post.body.includes('d1rtyc0p')) ginaSawIt = true;
    });
    const staffSees = nextEvent(moderator, 'forum:post-changed', (p) => p.post.status === 'held');
    const held = unwrap(await command(hank.socket, 'forum:reply', { threadId: thread.id, body: 'That d1rtyc0p again' }));
    expect(held).toMatchObject({ status: 'held', holdReason: 'filter', mine: true });
    expect(held.filterHits).toBeUndefined();
    expect((await staffSees).post.filterHits).toEqual([{ source: 'department', term: 'dirtycop' }]);

    const publicPage = await get<ThreadPage>(`/api/forum/threads/${thread.id}`, gina.session);
    expect(publicPage.body.posts.map((p) => p.id)).not.toContain(held.id);
    const hankPage = await get<ThreadPage>(`/api/forum/threads/${thread.id}`, hank.session);
    expect(hankPage.body.pending.map((p) => p.id)).toEqual([held.id]);

    const approved = nextEvent(gina.socket, 'forum:post-changed', (p) => p.post.id === held.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'post', id: held.id }, action: 'approve' }));
    expect((await approved).post.status).toBe('published');
    expect(ginaSawIt).toBe(true);

    const removed = nextEvent(gina.socket, 'forum:post-removed', (p) => p.postId === held.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'post', id: held.id }, action: 'remove', reason: 'harassment' }));
    await removed;
    const after = await get<ThreadPage>(`/api/forum/threads/${thread.id}`, gina.session);
    expect(after.body.posts.map((p) => p.id)).not.toContain(held.id);
    expect(after.body.thread.replyCount).toBe(0);
  });

  it('holds a whole thread whose title trips the filter, and removes it from every screen when rejected', async () => {
    const ivy = await resident('Ivy');
    const { thread, post } = await newThread(ivy.socket, 'About that dirtycop', 'Body text');
    expect(thread.status).toBe('held');
    expect((await get(`/api/forum/threads/${thread.id}`)).status).toBe(404);
    const listed = await get<ThreadsPage>(`/api/forum/categories/${categoryId}/threads`, ivy.session);
    expect(listed.body.pending.map((t) => t.id)).toEqual([thread.id]);
    expect(listed.body.threads.map((t) => t.id)).not.toContain(thread.id);
    unwrap(await command(ivy.socket, 'forum:watch-thread', { threadId: thread.id }));
    const gone = nextEvent(ivy.socket, 'forum:thread-removed', (p) => p.threadId === thread.id);
    unwrap(await command(moderator, 'mod:decide', { ref: { kind: 'post', id: post.id }, action: 'reject', reason: 'hate' }));
    await gone;
    expect((await get(`/api/forum/threads/${thread.id}`, ivy.session)).status).toBe(404);
  });

  it('paces posts: 30 s for a new guest, 5 s for an account, none for staff', async () => {
    const jo = await resident('Jo');
    const { thread } = await newThread(jo.socket, 'Pacing thread');
    const tooSoon = await command(jo.socket, 'forum:reply', { threadId: thread.id, body: 'Again' });
    expect(tooSoon).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!tooSoon.ok && tooSoon.error.retryAfterMs).toBeGreaterThan(25_000);

    const res = await fetch(`${server.url}/api/session/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Kim', username: `kim${Date.now()}`, password: 'long enough password' }),
    });
    const kim = await server.connect({ cookie: res.headers.getSetCookie()[0]!.split(';')[0]!, me: (await res.json()).me });
    unwrap(await command(kim, 'forum:reply', { threadId: thread.id, body: 'One' }));
    const kimAgain = await command(kim, 'forum:reply', { threadId: thread.id, body: 'Two' });
    expect(kimAgain).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!kimAgain.ok && kimAgain.error.retryAfterMs).toBeLessThanOrEqual(5_000);

    for (let i = 0; i < 3; i++) unwrap(await command(officer, 'forum:reply', { threadId: thread.id, body: `Staff ${i}` }));
  });

  it('refuses a timed-out person with the time the timeout ends', async () => {
    const lee = await resident('Lee');
    const { post, thread } = await newThread(lee.socket, 'Before the timeout');
    const sanction = unwrap(
      await command(moderator, 'mod:sanction', {
        target: { ref: { kind: 'post', id: post.id } },
        kind: 'timeout',
        minutes: 10,
        reason: 'harassment',
      }),
    );
    const refused = await command(lee.socket, 'forum:edit', { postId: post.id, body: 'Edited while timed out' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', until: sanction.until } });
    expect((await server.stores.forum.getPost(post.id))?.body).toBe('Cars race here at night.');
    expect((await server.stores.forum.listPosts(thread.id, 'review', 0, 20)).total).toBe(1);
  });

  it('lets only admins create categories', async () => {
    const mo = await resident('Mo');
    for (const s of [mo.socket, officer, moderator]) {
      expect(await command(s, 'forum:create-category', { name: 'Not allowed' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    const { body } = await get<{ categories: { name: string }[] }>('/api/forum/categories');
    expect(body.categories.map((c) => c.name)).not.toContain('Not allowed');
  });
});
