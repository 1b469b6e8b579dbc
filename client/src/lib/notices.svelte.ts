// What moderators decided about this person's own content, and their appeals. The list is
// fetched on every (re)connect and new notices arrive as `mod:notice-sent` facts.
import type { Result } from '../../../shared/errors.js';
import { refKey, type Appeal, type ContentRef, type Notice } from '../../../shared/moderation.js';
import type { ModServerEvents } from '../../../shared/moderation-events.js';
import { PersonalInbox } from './personal-inbox.svelte.js';
import { command, type getSocket } from './socket.js';

const STORAGE_PREFIX = 'roundtable.noticesSeen.';

function readSeen(userId: string): number {
  try {
    return Number(localStorage.getItem(STORAGE_PREFIX + userId)) || 0;
  } catch {
    return 0;
  }
}

export class NoticesState extends PersonalInbox<Notice, Notice[]> {
  /** Notices newer than the last time the person opened the list. */
  seenAt = $state(0);

  readonly unseen = $derived(this.notices.filter((n) => n.at > this.seenAt).length);

  protected fetch() {
    return command('mod:notices', {});
  }

  protected take(notices: Notice[]): Notice[] {
    return notices;
  }

  protected listen(socket: ReturnType<typeof getSocket>, deliver: (notice: Notice) => void): () => void {
    // Sent to every connection of the person; another person's never applies here.
    const onNotice: ModServerEvents['mod:notice-sent'] = ({ notice }) => {
      if (notice.userId === this.userId) deliver(notice);
    };
    socket.on('mod:notice-sent', onNotice);
    return () => void socket.off('mod:notice-sent', onNotice);
  }

  protected override reset(userId: string | null): void {
    this.seenAt = userId ? readSeen(userId) : 0;
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
}
