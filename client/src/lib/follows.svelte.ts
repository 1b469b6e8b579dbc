// The questions this person follows and the notices they bring (shared/notices.ts): fetched on
// every (re)connect; new notices arrive as `notices:arrived` facts, to every tab of the person.
import type { Result } from '../../../shared/errors.js';
import type { Followed, FollowNotice, MailLocale, NoticesServerEvents } from '../../../shared/notices.js';
import { PersonalInbox } from './personal-inbox.svelte.js';
import { command, type getSocket } from './socket.js';

export class FollowsState extends PersonalInbox<FollowNotice, { notices: FollowNotice[]; following: Followed[] }> {
  following = $state.raw<Followed[]>([]);

  readonly unread = $derived(this.notices.filter((n) => !n.read).length);

  protected fetch() {
    return command('notices:list', {});
  }

  protected take(data: { notices: FollowNotice[]; following: Followed[] }): FollowNotice[] {
    this.following = data.following;
    return data.notices;
  }

  protected listen(socket: ReturnType<typeof getSocket>, deliver: (notice: FollowNotice) => void): () => void {
    const onArrived: NoticesServerEvents['notices:arrived'] = ({ notice }) => deliver(notice);
    socket.on('notices:arrived', onArrived);
    return () => void socket.off('notices:arrived', onArrived);
  }

  protected override reset(): void {
    this.following = [];
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
}
