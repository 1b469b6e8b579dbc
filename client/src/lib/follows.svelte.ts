// The questions this person follows and the notices they bring (shared/notices.ts): fetched on
// every (re)connect; new notices arrive as `notices:arrived` facts, to every tab of the person.
import { untrack } from 'svelte';
import type { AppError, Result } from '../../../shared/errors.js';
import type { Followed, FollowNotice, MailLocale, NoticesServerEvents } from '../../../shared/notices.js';
import { command, getSocket } from './socket.js';

export class FollowsState {
  userId = $state<string | null>(null);
  notices = $state.raw<FollowNotice[]>([]);
  following = $state.raw<Followed[]>([]);
  loaded = $state(false);
  loadError = $state.raw<AppError | null>(null);
  /** The newest notice that arrived live, for a polite announcement. */
  arrived = $state.raw<{ seq: number; notice: FollowNotice } | null>(null);

  readonly unread = $derived(this.notices.filter((n) => !n.read).length);

  #seq = 0;
  #pending: FollowNotice[] | null = null;

  /** Follows the person signed in now; called from an effect. */
  use(userId: string | null): void {
    untrack(() => {
      if (userId === this.userId) return;
      this.userId = userId;
      this.notices = [];
      this.following = [];
      this.loaded = false;
      this.loadError = null;
      this.arrived = null;
      if (userId && getSocket().connected) void this.load();
    });
  }

  start(): () => void {
    const socket = getSocket();
    const onArrived: NoticesServerEvents['notices:arrived'] = ({ notice }) => {
      if (this.#pending) this.#pending.push(notice);
      else this.#add(notice);
      this.arrived = { seq: ++this.#seq, notice };
    };
    const onConnect = () => {
      if (this.userId) void this.load();
    };
    socket.on('connect', onConnect);
    socket.on('notices:arrived', onArrived);
    if (socket.connected && this.userId) void this.load();
    return () => {
      socket.off('connect', onConnect);
      socket.off('notices:arrived', onArrived);
    };
  }

  async load(): Promise<void> {
    const userId = this.userId;
    this.#pending = [];
    const result = await command('notices:list', {});
    const queued = this.#pending;
    this.#pending = null;
    if (userId !== this.userId) return;
    if (result.ok) {
      this.notices = result.data.notices;
      this.following = result.data.following;
      this.loadError = null;
      this.loaded = true;
      for (const notice of queued) this.#add(notice);
    } else if (result.error.code !== 'UNAVAILABLE') {
      this.loadError = result.error;
    }
  }

  async markRead(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const result = await command('notices:read', { ids });
    if (result.ok) this.notices = this.notices.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n));
  }

  isFollowing(questionId: string): boolean {
    return this.following.some((f) => f.questionId === questionId);
  }

  /** Follows a question this person upvoted (their own they follow from the start). */
  async follow(questionId: string): Promise<Result<Followed>> {
    const result = await command('notices:follow', { questionId });
    if (result.ok && !this.isFollowing(questionId)) this.following = [result.data, ...this.following];
    return result;
  }

  async unfollow(questionId: string): Promise<Result<null>> {
    const result = await command('notices:unfollow', { questionId });
    if (result.ok) this.following = this.following.filter((f) => f.questionId !== questionId);
    return result;
  }

  async giveEmail(questionId: string, address: string, locale: MailLocale): Promise<Result<Followed>> {
    return this.#replace(await command('notices:give-email', { questionId, address, locale }));
  }

  async forgetEmail(questionId: string): Promise<Result<Followed>> {
    return this.#replace(await command('notices:forget-email', { questionId }));
  }

  #replace(result: Result<Followed>): Result<Followed> {
    if (result.ok) this.following = this.following.map((f) => (f.questionId === result.data.questionId ? result.data : f));
    return result;
  }

  #add(notice: FollowNotice): void {
    if (this.notices.some((n) => n.id === notice.id)) return;
    this.notices = [notice, ...this.notices];
  }
}
