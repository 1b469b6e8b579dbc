// What moderators decided about this person's own content, and their appeals. The list is
// fetched on every (re)connect and new notices arrive as `mod:notice-sent` facts.
import { untrack } from 'svelte';
import type { AppError, Result } from '../../../shared/errors.js';
import { refKey, type Appeal, type ContentRef, type Notice } from '../../../shared/moderation.js';
import type { ModServerEvents } from '../../../shared/moderation-events.js';
import { command, getSocket } from './socket.js';

const STORAGE_PREFIX = 'roundtable.noticesSeen.';

function readSeen(userId: string): number {
  try {
    return Number(localStorage.getItem(STORAGE_PREFIX + userId)) || 0;
  } catch {
    return 0;
  }
}

export class NoticesState {
  /** Whose notices these are; null when nobody is signed in. */
  userId = $state<string | null>(null);
  notices = $state.raw<Notice[]>([]);
  loaded = $state(false);
  loadError = $state.raw<AppError | null>(null);
  /** The newest notice that arrived live, for a polite announcement and a banner. */
  arrived = $state.raw<{ seq: number; notice: Notice } | null>(null);
  /** Notices newer than the last time the person opened the list. */
  seenAt = $state(0);

  readonly unseen = $derived(this.notices.filter((n) => n.at > this.seenAt).length);

  #seq = 0;
  #pending: Notice[] | null = null;

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
      this.seenAt = userId ? readSeen(userId) : 0;
      if (userId && getSocket().connected) void this.load();
    });
  }

  start(): () => void {
    const socket = getSocket();
    const onNotice: ModServerEvents['mod:notice-sent'] = ({ notice }) => {
      if (notice.userId !== this.userId) return;
      if (this.#pending) this.#pending.push(notice);
      else this.#add(notice);
      this.arrived = { seq: ++this.#seq, notice };
    };
    const onConnect = () => {
      if (this.userId) void this.load();
    };
    socket.on('connect', onConnect);
    socket.on('mod:notice-sent', onNotice);
    if (socket.connected && this.userId) void this.load();
    return () => {
      socket.off('connect', onConnect);
      socket.off('mod:notice-sent', onNotice);
    };
  }

  async load(): Promise<void> {
    const userId = this.userId;
    this.#pending = [];
    const result = await command('mod:notices', {});
    const queued = this.#pending;
    this.#pending = null;
    if (userId !== this.userId) return;
    if (result.ok) {
      this.notices = result.data;
      this.loadError = null;
      this.loaded = true;
      for (const notice of queued) this.#add(notice);
    } else if (result.error.code !== 'UNAVAILABLE') {
      this.loadError = result.error;
    }
  }

  /** The person opened the list: everything in it counts as seen, on this device. */
  markSeen(): void {
    if (!this.userId) return;
    const newest = this.notices.reduce((max, n) => Math.max(max, n.at), this.seenAt);
    this.seenAt = newest;
    try {
      localStorage.setItem(STORAGE_PREFIX + this.userId, String(newest));
    } catch {
      // Private browsing may refuse storage; the count then resets on the next visit.
    }
  }

  dismissArrived(): void {
    this.arrived = null;
  }

  /** Appeals a decision once; the notices about that item stop offering it. */
  async appeal(ref: ContentRef, text: string): Promise<Result<Appeal>> {
    const result = await command('mod:appeal', { ref, text });
    if (result.ok || result.error.code === 'CONFLICT') {
      const key = refKey(ref);
      this.notices = this.notices.map((n) => (refKey(n.ref) === key ? { ...n, canAppeal: false } : n));
    }
    return result;
  }

  #add(notice: Notice): void {
    if (this.notices.some((n) => n.id === notice.id)) return;
    this.notices = [notice, ...this.notices];
  }
}
