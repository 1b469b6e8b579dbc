import { CommandError, ErrorCode } from '../../shared/errors.js';
import { placeKey, refKey, townHallPlace } from '../../shared/moderation.js';
import { ModLift, ModRevealAuthor, ModSanction, ModUser } from '../../shared/moderation-events.js';
import { canRevealAuthor } from '../../shared/roles.js';
import type { Bind } from '../core/command.js';
import { isModerator, RATES, type ModerationHandlerDeps } from './handler-deps.js';
import { resolveTarget, sanctionView, userPanel } from './targets.js';

/** Timeouts and bans, and what moderators may see of the people they are about. */
export function registerSanctionHandlers(deps: ModerationHandlerDeps, bind: Bind): void {
  const { core } = deps;

  bind('mod:sanction', {
    schema: ModSanction,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, input) {
      const target = await resolveTarget(input.target, core, deps.identity);
      if (target.role !== 'resident') throw new CommandError(ErrorCode.FORBIDDEN, 'Staff accounts cannot be sanctioned.');
      if (input.townHallId) await deps.townHalls.require(input.townHallId);
      const at = Date.now();
      const scope = input.townHallId ? placeKey(townHallPlace(input.townHallId)) : 'site';
      const sanction = await core.sanctions.give(
        user,
        {
          userId: target.id,
          kind: input.kind,
          townHallId: input.townHallId ?? null,
          until: input.minutes ? at + input.minutes * 60_000 : null,
          reason: input.reason,
          note: input.note ?? null,
          by: user.id,
          at,
          alias: target.alias,
        },
        `${scope}${input.minutes ? `, ${input.minutes} min` : ''}${input.note ? `: ${input.note}` : ''}`,
      );
      return sanctionView(sanction);
    },
  });

  bind('mod:lift', {
    schema: ModLift,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { sanctionId }) {
      const lifted = await core.sanctions.lift(user, sanctionId);
      if (!lifted) throw new CommandError(ErrorCode.NOT_FOUND, 'No such active sanction.');
      return sanctionView(lifted);
    },
  });

  bind('mod:user', {
    schema: ModUser,
    allow: isModerator,
    limit: RATES.read,
    run: async (_ctx, { target }) => userPanel(await resolveTarget(target, core, deps.identity), core),
  });

  bind('mod:reveal-author', {
    schema: ModRevealAuthor,
    allow: (user) => canRevealAuthor(user.role),
    limit: RATES.staff,
    async run({ user }, { ref, reason }) {
      const item = await core.content.describe(ref);
      if (!item.anonymous) throw new CommandError(ErrorCode.CONFLICT, 'This item is not anonymous: its author is shown already.');
      const author = await deps.identity.sessionUser(item.authorId);
      if (!author) throw new CommandError(ErrorCode.NOT_FOUND, 'No such person.');
      // On the record before the answer leaves: a reveal is never unaccounted for.
      await core.record(user, 'reveal', refKey(ref), reason, null);
      return { userId: author.id, displayName: author.displayName };
    },
  });
}
