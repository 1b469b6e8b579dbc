import type { AppError, Result } from '../../../shared/errors.js';
import { FORUM_LIMITS, type ForumServerEvents, type PostView, type ThreadPage, type ThreadView } from '../../../shared/forum.js';
import type { ReasonCode } from '../../../shared/moderation.js';
import { SvelteSet } from 'svelte/reactivity';
import { forumApi } from './forum-api.js';
import { command, getSocket } from './socket.js';

/** A reply that a reader should hear about without looking. */
export interface ForumAnnouncement {
  seq: number;
  authorName: string;
}

const byTime = (a: PostView, b: PostView) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
/** Whether a post counts as a reply in the thread's count (the server's count follows the same rule). */
const counted = (p: PostView) => p.status === 'published' && !p.opening;

/**
 * One page of one thread as this person sees it: the server's page (REST) held immutably and
 * replaced on every change, with the thread's live facts applied on top while the page is open.
 */
export class ForumThreadState {
  readonly threadId: string;

  data = $state.raw<ThreadPage | null>(null);
  loadError = $state.raw<AppError | null>(null);
  /** The thread was removed or taken down while open. */
  gone = $state(false);
  announcement = $state.raw<ForumAnnouncement | null>(null);
  /** Published replies that arrived while this page was open but belong on a later page. */
  later = $state(0);

  readonly thread: ThreadView | null = $derived(this.data?.thread ?? null);
  readonly posts: PostView[] = $derived(this.data?.posts ?? []);
  readonly pending: PostView[] = $derived(this.data?.pending ?? []);
  readonly page = $derived(this.data?.page ?? 1);
  readonly pageCount = $derived(this.data?.pageCount ?? 1);
  readonly onLastPage = $derived(this.page >= this.pageCount);

  #page: number;
  #seq = 0;
  #loads = 0;
  #shown = 0;
  #inFlight = 0;
  #live = false;
  /** Facts that arrive while a page is loading wait here and are applied over it (see docs/protocol.md). */
  #pending: (() => void)[] | null = null;

  /** Whether the reader reviews content: staff read held posts in the thread itself. */
  readonly #reviews: () => boolean;

  constructor(threadId: string, page: number, reviews: () => boolean) {
    this.threadId = threadId;
    this.#page = page;
    this.#reviews = reviews;
  }

  /** Loads the page, and follows the thread live while the socket is connected; returns the stop. */
  start(): () => void {
    const socket = getSocket();
    const mine = (threadId: string) => threadId === this.threadId;
    const handlers: ForumServerEvents = {
      'forum:post-changed': ({ post }) => {
        if (mine(post.threadId)) this.#whenLoaded(() => this.#upsert(post, true));
      },
      'forum:post-removed': ({ threadId, postId }) => {
        if (mine(threadId)) this.#whenLoaded(() => this.#remove(postId));
      },
      'forum:thread-changed': ({ thread }) => {
        if (mine(thread.id)) this.#whenLoaded(() => this.#setThread(thread));
      },
      'forum:thread-removed': ({ threadId }) => {
        if (mine(threadId)) this.gone = true;
      },
    };
    const onConnect = () => void this.#watchAndLoad();
    socket.on('connect', onConnect);
    for (const [event, handler] of Object.entries(handlers)) socket.on(event as keyof ForumServerEvents, handler);
    void this.#watchAndLoad();
    return () => {
      socket.off('connect', onConnect);
      for (const [event, handler] of Object.entries(handlers)) socket.off(event as keyof ForumServerEvents, handler);
      if (socket.connected && this.#live) void command('forum:unwatch-thread', { threadId: this.threadId });
    };
  }

  /** The page last asked for (the one shown may be the last page, when this one is past it). */
  get requestedPage(): number {
    return this.#page;
  }

  /** Shows another page of the same thread (the live subscription stays). */
  goTo(page: number): Promise<void> {
    this.#page = page;
    return this.#load();
  }

  reload(): Promise<void> {
    return this.#load();
  }

  async reply(body: string): Promise<Result<PostView>> {
    const result = await command('forum:reply', { threadId: this.threadId, body });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  /** Posts this person flagged in this visit (the server counts one flag per person anyway). */
  readonly flagged = new SvelteSet<string>();

  /** Reports someone else's post to the moderators. */
  async flag(postId: string, reason: ReasonCode): Promise<Result<{ flagged: true }>> {
    const result = await command('mod:flag', { ref: { kind: 'post', id: postId }, reason });
    if (result.ok) this.flagged.add(postId);
    return result;
  }

  async edit(postId: string, body: string): Promise<Result<PostView>> {
    const result = await command('forum:edit', { postId, body });
    if (result.ok) this.#upsert(result.data, false);
    return result;
  }

  async setPinned(pinned: boolean): Promise<Result<ThreadView>> {
    const result = await command('forum:set-pinned', { threadId: this.threadId, pinned });
    if (result.ok) this.#setThread(result.data);
    return result;
  }

  async setLocked(locked: boolean): Promise<Result<ThreadView>> {
    const result = await command('forum:set-locked', { threadId: this.threadId, locked });
    if (result.ok) this.#setThread(result.data);
    return result;
  }

  #whenLoaded(apply: () => void): void {
    if (this.#pending) this.#pending.push(apply);
    else if (this.data) apply();
  }

  async #watchAndLoad(): Promise<void> {
    // Watch first, then read: a fact sent between the two is applied over the page.
    this.#pending ??= [];
    const socket = getSocket();
    if (socket.connected) {
      const watched = await command('forum:watch-thread', { threadId: this.threadId });
      this.#live = watched.ok;
    }
    await this.#load();
  }

  async #load(): Promise<void> {
    // Loads can overlap (a reconnect while a page loads): facts keep queueing until the last
    // one answers, and an answer older than the one shown is dropped.
    const seq = ++this.#loads;
    this.#inFlight++;
    this.#pending ??= [];
    const result = await forumApi.thread(this.threadId, this.#page);
    this.#inFlight--;
    const queued = this.#pending ?? [];
    if (this.#inFlight === 0) this.#pending = null;
    if (seq < this.#shown) return;
    this.#shown = seq;
    if (!result.ok) {
      this.loadError = result.error;
      return;
    }
    this.data = result.data;
    this.loadError = null;
    this.later = 0;
    for (const apply of queued) apply();
  }

  #setThread(thread: ThreadView): void {
    if (this.data) this.data = { ...this.data, thread };
  }

  #upsert(post: PostView, live: boolean): void {
    const data = this.data;
    if (!data) return;
    const inPosts = data.posts.some((p) => p.id === post.id);
    const inPending = data.pending.some((p) => p.id === post.id);
    if (inPosts) {
      this.data = { ...data, posts: data.posts.map((p) => (p.id === post.id ? post : p)) };
      return;
    }
    // A resident's own post that is not public waits in their pending list.
    const pendingForMe = post.mine && post.status !== 'published' && !this.#reviews();
    if (pendingForMe) {
      const pending = inPending ? data.pending.map((p) => (p.id === post.id ? post : p)) : [...data.pending, post];
      this.data = { ...data, pending };
      return;
    }
    const pending = inPending ? data.pending.filter((p) => p.id !== post.id) : data.pending;
    const total = data.total + 1;
    const pageCount = Math.max(1, Math.ceil(total / FORUM_LIMITS.pageSize));
    const fits = data.page >= data.pageCount && data.posts.length < FORUM_LIMITS.pageSize;
    const thread = counted(post) ? { ...data.thread, replyCount: data.thread.replyCount + 1, lastPostAt: Math.max(data.thread.lastPostAt, post.createdAt) } : data.thread;
    this.data = { ...data, thread, pending, total, pageCount, posts: fits ? [...data.posts, post].sort(byTime) : data.posts };
    if (!fits) this.later++;
    if (live && !post.mine && post.status === 'published') this.announcement = { seq: ++this.#seq, authorName: post.authorName };
  }

  #remove(postId: string): void {
    const data = this.data;
    if (!data) return;
    const removed = data.posts.find((p) => p.id === postId);
    const inPosts = removed !== undefined;
    const thread = removed && counted(removed) ? { ...data.thread, replyCount: Math.max(0, data.thread.replyCount - 1) } : data.thread;
    this.data = {
      ...data,
      thread,
      posts: data.posts.filter((p) => p.id !== postId),
      pending: data.pending.filter((p) => p.id !== postId),
      total: inPosts ? Math.max(0, data.total - 1) : data.total,
    };
  }
}
