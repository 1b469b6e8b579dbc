import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { ContentRef } from '../../shared/moderation.js';
import type { Role } from '../../shared/roles.js';
import type { IdentityService } from '../identity/service.js';
import type { ModerationCore } from './pipeline.js';

export interface ResolvedTarget {
  id: string;
  role: Role;
  /** The name a moderator may see: the display name, or the pseudonym for an anonymous author. */
  shownAs: string;
  anonymous: boolean;
}

/**
 * Who a sanction or user panel is about: a person by id, or the author of an item. An author
 * who hid their name stays known to moderators by pseudonym only.
 */
export async function resolveTarget(
  target: { userId: string } | { ref: ContentRef },
  core: ModerationCore,
  identity: IdentityService,
): Promise<ResolvedTarget> {
  if ('userId' in target) {
    const user = await identity.sessionUser(target.userId);
    if (!user) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
    return { id: user.id, role: user.role, shownAs: user.displayName, anonymous: false };
  }
  const item = await core.describe(target.ref);
  const user = await identity.sessionUser(item.authorId);
  if (!user) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
  const shownAs = item.anonymous ? core.handleOf(item) : user.displayName;
  return { id: user.id, role: user.role, shownAs, anonymous: item.anonymous };
}
