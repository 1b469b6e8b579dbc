import { ModAuditPage } from '../../shared/moderation-events.js';
import { commandBinder } from '../core/command.js';
import { isModerator, RATES, type ModerationHandlerDeps } from './handler-deps.js';
import { registerAppealHandlers } from './handlers-appeals.js';
import { registerFilterHandlers } from './handlers-filter.js';
import { registerQueueHandlers } from './handlers-queue.js';
import { registerSanctionHandlers } from './handlers-sanctions.js';

export type { ModerationHandlerDeps } from './handler-deps.js';

/**
 * Wires the `mod:` commands, one file per part: the queue (flags, claims, decisions, slow
 * mode), appeals and notices, sanctions and the people they are about, the word filter; and
 * here, the audit chain.
 */
export function registerModeration(deps: ModerationHandlerDeps): void {
  // One binder, so every connection gets the moderation commands through one listener.
  const bind = commandBinder(deps);
  registerQueueHandlers(deps, bind);
  registerAppealHandlers(deps, bind);
  registerSanctionHandlers(deps, bind);
  registerFilterHandlers(deps, bind);

  bind('mod:audit', {
    schema: ModAuditPage,
    allow: isModerator,
    limit: RATES.read,
    async run(_ctx, { afterSeq, limit }) {
      const entries = await deps.audit.list(afterSeq, limit);
      return entries.map(({ seq, at, actorName, action, target, reason, note, hash }) => ({
        seq,
        at,
        actorName,
        action,
        target,
        reason,
        note,
        hash,
      }));
    },
  });
}
