// Pure rules of the moderation pipeline.
import type { ModeratorAction, Notice, Sanction } from '../../shared/moderation.js';
import type { ContentStatus } from './pipeline-types.js';

/** Which statuses each decision may start from, and where it leads. */
export const MOVES: Record<ModeratorAction, { from: ContentStatus[]; to: ContentStatus }> = {
  // From published: keep a flagged item as it is and take it off the queue.
  approve: { from: ['held', 'hidden', 'published'], to: 'published' },
  hide: { from: ['published'], to: 'hidden' },
  reject: { from: ['held'], to: 'rejected' },
  remove: { from: ['held', 'hidden', 'published'], to: 'removed' },
  restore: { from: ['hidden', 'removed', 'rejected'], to: 'published' },
};

/** Decisions the author is told about, and may appeal once. */
export const NOTIFIED: Partial<Record<ModeratorAction, Notice['action']>> = {
  hide: 'hide',
  reject: 'reject',
  remove: 'remove',
  restore: 'restore',
};
export const APPEALABLE: ContentStatus[] = ['hidden', 'removed', 'rejected'];

/** The first words of a text, for notices: enough to recognise it, never the whole. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The place key for a town hall, as slow mode and the queue use it. */
export const townHallPlace = (townHallId: string) => `townhall:${townHallId}`;

export function sanctionMessage(s: Sanction): string {
  const what = s.kind === 'ban' ? 'You are banned' : 'You are timed out';
  return s.until === null ? `${what}.` : `${what} until ${new Date(s.until).toISOString()}.`;
}
