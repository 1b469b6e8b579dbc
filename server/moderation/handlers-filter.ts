import { CommandError, ErrorCode } from '../../shared/errors.js';
import { ModFilterAdd, ModFilterRemove } from '../../shared/moderation-events.js';
import type { Bind } from '../core/command.js';
import { isModerator, RATES, type ModerationHandlerDeps } from './handler-deps.js';

/** The department's word list, kept from the console. */
export function registerFilterHandlers(deps: ModerationHandlerDeps, bind: Bind): void {
  const { filter } = deps.core;

  bind('mod:filter-add', {
    schema: ModFilterAdd,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { term, action }) {
      const entry = await filter.add(user, term, action);
      if (!entry) throw new CommandError(ErrorCode.CONFLICT, 'That word is on the list already.');
      return entry;
    },
  });

  bind('mod:filter-remove', {
    schema: ModFilterRemove,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { id }) {
      const entry = await filter.remove(user, id);
      if (!entry) throw new CommandError(ErrorCode.NOT_FOUND, 'No such entry.');
      return entry;
    },
  });
}
