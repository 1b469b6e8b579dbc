import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { Sanction } from '../../shared/moderation.js';
import { isStaff } from '../../shared/roles.js';
import type { Recorder, SanctionsPart } from './parts.js';
import { sanctionMessage } from './rules.js';
import type { SanctionStore } from './sanction-store.js';
import { createSanctionCheck } from './sanctions.js';
import { sanctionTarget } from './targets.js';

/**
 * Giving and lifting go one way: store → this node's cache forgets the person, and every other
 * node is told to (`changed`) → listeners → the audit chain.
 */
export function createSanctionsPart(deps: { store: SanctionStore; record: Recorder; changed?: (userId: string) => void }): SanctionsPart {
  const { store, record } = deps;
  const check = createSanctionCheck(store);
  const listeners = new Set<(sanction: Sanction) => void>();
  return {
    store,
    async requireAllowed(user, townHallId) {
      if (isStaff(user.role)) return;
      const blocking = await check.blocking(user.id, townHallId);
      if (blocking) throw new CommandError(ErrorCode.FORBIDDEN, sanctionMessage(blocking), { until: blocking.until });
    },
    async give(actor, input, note) {
      const sanction = await store.addSanction(input);
      check.forget(sanction.userId);
      deps.changed?.(sanction.userId);
      for (const listener of listeners) listener(sanction);
      await record(actor, sanction.kind, sanctionTarget(sanction), sanction.reason, note);
      return sanction;
    },
    async lift(actor, id) {
      const lifted = await store.liftSanction(id, actor.id, Date.now());
      if (!lifted) return null;
      check.forget(lifted.userId);
      deps.changed?.(lifted.userId);
      await record(actor, 'lift', sanctionTarget(lifted), null, `${lifted.kind} ${lifted.id}`);
      return lifted;
    },
    forget: (userId) => check.forget(userId),
    onSanction(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
