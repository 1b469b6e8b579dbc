// A person's own list of notices kept live: fetched on every (re)connect and when the person
// signed in changes, with new ones arriving as facts meanwhile. Facts that arrive while a fetch
// is in flight wait and apply after it, so nothing falls between the list and the facts.
// Moderation notices (notices.svelte.ts) and follow notices (follows.svelte.ts) are both this.
import { untrack } from 'svelte';
import type { AppError, Result } from '../../../shared/errors.js';
import { getSocket } from './socket.js';

type AppSocket = ReturnType<typeof getSocket>;

export abstract class PersonalInbox<T extends { id: string }, D> {
  /** Whose notices these are; null when nobody is signed in. */
  userId = $state<string | null>(null);
  notices = $state.raw<T[]>([]);
  loaded = $state(false);
  loadError = $state.raw<AppError | null>(null);
  /** The newest notice that arrived live, for a polite announcement. */
  arrived = $state.raw<{ seq: number; notice: T } | null>(null);

  #seq = 0;
  #pending: T[] | null = null;

  /** Asks the server for the person's list. */
  protected abstract fetch(): Promise<Result<D>>;
  /** Keeps what a successful fetch brought beside the notices, and answers the notices. */
  protected abstract take(data: D): T[];
  /** Listens for new notices, handing each to `deliver`; returns the way to stop. */
  protected abstract listen(socket: AppSocket, deliver: (notice: T) => void): () => void;
  /** Called when the person signed in changes, after the list was emptied. */
  protected reset(_userId: string | null): void {}

  /**
   * Follows the person signed in now; a different person starts from an empty list. Called
   * from an effect: nothing read here becomes that effect's dependency.
   */
  use(userId: string | null): void {
    untrack(() => {
      if (userId === this.userId) return;
      this.userId = userId;
      this.notices = [];
      this.loaded = false;
      this.loadError = null;
      this.arrived = null;
      this.reset(userId);
      if (userId && getSocket().connected) void this.load();
    });
  }

  start(): () => void {
    const socket = getSocket();
    const stopListening = this.listen(socket, (notice) => {
      if (this.#pending) this.#pending.push(notice);
      else this.#add(notice);
      this.arrived = { seq: ++this.#seq, notice };
    });
    const onConnect = () => {
      if (this.userId) void this.load();
    };
    socket.on('connect', onConnect);
    if (socket.connected && this.userId) void this.load();
    return () => {
      socket.off('connect', onConnect);
      stopListening();
    };
  }

  async load(): Promise<void> {
    const userId = this.userId;
    this.#pending = [];
    const result = await this.fetch();
    const queued = this.#pending;
    this.#pending = null;
    if (userId !== this.userId) return;
    if (result.ok) {
      this.notices = this.take(result.data);
      this.loadError = null;
      this.loaded = true;
      for (const notice of queued) this.#add(notice);
    } else if (result.error.code !== 'UNAVAILABLE') {
      this.loadError = result.error;
    }
  }

  #add(notice: T): void {
    if (this.notices.some((n) => n.id === notice.id)) return;
    this.notices = [notice, ...this.notices];
  }
}
