// Pure rules of the moderation pipeline.
import type { ModeratorAction, Notice, Sanction } from '../../shared/moderation.js';
import { isStaff, type Role } from '../../shared/roles.js';
import type { SessionUser } from '../core/types.js';
import type { ContentStatus, Decision } from './pipeline-types.js';

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

// ---- flags -------------------------------------------------------------------------------------

/** Who hides an item when enough people flag it; recorded as that decision's author. */
export const FLAGS_ACTOR = { id: 'system', role: 'moderator', displayName: 'Community flags' } as const satisfies SessionUser;

/** Taken down by flags and not yet seen by a moderator: no moderator decided anything about it. */
export const hiddenByFlags = (item: { status: string; decision: Pick<Decision, 'by'> | null }): boolean =>
  item.status === 'hidden' && item.decision?.by === FLAGS_ACTOR.id;

/**
 * Whether a flag counts toward hiding an item. It counts from someone who joined the place and
 * took part in it (wrote or voted there) before flagging, or who holds an account (not a
 * guest) at least `accountAgeMs` old, so a crowd of fresh guests cannot take content down.
 * Anyone else's flag is still a report that puts the item before moderators.
 */
export function flagCounts(input: {
  joined: boolean;
  tookPart: boolean;
  account: { kind: 'guest' | 'account'; createdAt: number } | null;
  now: number;
  accountAgeMs: number;
}): boolean {
  if (input.joined && input.tookPart) return true;
  return input.account?.kind === 'account' && input.now - input.account.createdAt >= input.accountAgeMs;
}

/**
 * Whether flags may take an item down at all. Never an ended town hall's (its public record
 * changes only by a moderator's decision) and never staff's writing: those flags only queue it.
 */
export const flagsMayHide = (input: { placeEnded: boolean; authorRole: Role | null }): boolean =>
  !input.placeEnded && !(input.authorRole !== null && isStaff(input.authorRole));

export function sanctionMessage(s: Sanction): string {
  const what = s.kind === 'ban' ? 'You are banned' : 'You are timed out';
  return s.until === null ? `${what}.` : `${what} until ${new Date(s.until).toISOString()}.`;
}
