// Who a sanction or user panel is about, and what moderators may see of them. The author of an
// anonymous item is known to moderators by the pseudonym of that place only: what was given
// under it never appears beside their name, id or other items, nor the other way round, so
// nothing links the two. Only an admin can reveal the author (`mod:reveal-author`).
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { placeKey, type Appeal, type ContentRef, type Notice, type Sanction } from '../../shared/moderation.js';
import type { AppealView, NoticeView, SanctionView, UserPanel } from '../../shared/moderation-events.js';
import type { Role } from '../../shared/roles.js';
import type { IdentityService } from '../identity/service.js';
import type { ModerationCore } from './parts.js';
import type { ContentSummary } from './pipeline-types.js';

export interface ResolvedTarget {
  id: string;
  role: Role;
  /** The name a moderator may see: the display name, or the pseudonym for an anonymous author. */
  shownAs: string;
  /** For an anonymous author, their pseudonym with its place (see `aliasFor`); null for a named person. */
  alias: string | null;
}

/** How many of a person's latest notices a panel looks through, and how many it shows. */
const NOTICES_READ = 50;
const NOTICES_SHOWN = 20;

/**
 * The name an item's author goes by with moderators when they hid it: their pseudonym, with the
 * place it holds in (pseudonyms differ from place to place); null when they wrote under their name.
 */
const aliasFor = (item: ContentSummary, core: ModerationCore): string | null =>
  item.anonymous ? `${placeKey(item.place)}/${core.content.handleOf(item)}` : null;

/** A person by id (as named), or the author of an item (by pseudonym if they hid their name). */
export async function resolveTarget(
  target: { userId: string } | { ref: ContentRef },
  core: ModerationCore,
  identity: IdentityService,
): Promise<ResolvedTarget> {
  if ('userId' in target) {
    const user = await identity.sessionUser(target.userId);
    if (!user) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
    return { id: user.id, role: user.role, shownAs: user.displayName, alias: null };
  }
  const item = await core.content.describe(target.ref);
  const user = await identity.sessionUser(item.authorId);
  if (!user) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
  const alias = aliasFor(item, core);
  return { id: user.id, role: user.role, shownAs: item.anonymous ? core.content.handleOf(item) : user.displayName, alias };
}

export const sanctionView = ({ userId, ...rest }: Sanction): SanctionView => ({ ...rest, userId: rest.alias === null ? userId : null });
export const noticeView = ({ userId: _userId, ...rest }: Notice): NoticeView => rest;
export const appealView = ({ authorId: _authorId, ...rest }: Appeal): AppealView => rest;

/** What a sanction is about in the moderation record: the person, or the pseudonym it was given to. */
export const sanctionTarget = (s: Sanction): string => (s.alias === null ? `user:${s.userId}` : `pseudonym:${s.alias}`);

/**
 * The user panel: the sanctions and notices given under the same name as the target (the
 * pseudonym, or the person's own name) and nothing else.
 */
export async function userPanel(target: ResolvedTarget, core: ModerationCore): Promise<UserPanel> {
  const [sanctions, active, notices] = await Promise.all([
    core.sanctions.store.sanctionsOf(target.id),
    core.sanctions.store.activeSanctions(target.id, Date.now()),
    core.appeals.store.noticesFor(target.id, NOTICES_READ),
  ]);
  const sameName = (s: Sanction) => s.alias === target.alias;
  // A notice is about an item; it belongs here if that item was written under the same name.
  const aliases = await Promise.all(
    notices.map(async (n) => {
      const item = await core.content.describe(n.ref).catch(() => null);
      return item ? aliasFor(item, core) : undefined;
    }),
  );
  return {
    displayName: target.shownAs,
    userId: target.alias === null ? target.id : null,
    sanctions: sanctions.filter(sameName).map(sanctionView),
    active: active.filter(sameName).map(sanctionView),
    notices: notices.filter((_, i) => aliases[i] === target.alias).slice(0, NOTICES_SHOWN).map(noticeView),
  };
}
