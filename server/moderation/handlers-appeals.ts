import { CommandError, ErrorCode } from '../../shared/errors.js';
import { Empty, ModAppeal, ModDecideAppeal } from '../../shared/moderation-events.js';
import type { Bind } from '../core/command.js';
import { isModerator, RATES, type ModerationHandlerDeps } from './handler-deps.js';
import { APPEALABLE } from './rules.js';
import { appealView } from './targets.js';

/** Notices of decisions for their authors, appeals against them, and their outcomes. */
export function registerAppealHandlers(deps: ModerationHandlerDeps, bind: Bind): void {
  const { core } = deps;
  const { store } = core.appeals;

  bind('mod:notices', {
    schema: Empty,
    limit: RATES.read,
    run: ({ user }) => store.noticesFor(user.id, 50),
  });

  bind('mod:appeal', {
    schema: ModAppeal,
    limit: RATES.appeal,
    async run({ user }, { ref, text }) {
      const item = await core.content.describe(ref);
      if (item.authorId !== user.id) throw new CommandError(ErrorCode.FORBIDDEN, 'Only the author can appeal.');
      if (!APPEALABLE.includes(item.status) || !item.decision) {
        throw new CommandError(ErrorCode.CONFLICT, 'There is no decision on this item to appeal.');
      }
      const appeal = await store.createAppeal({ ref, authorId: user.id, text, at: Date.now(), appealedDecisionBy: item.decision.by });
      if (!appeal) throw new CommandError(ErrorCode.CONFLICT, 'You have already appealed this decision.');
      await store.closeAppealOnNotices(user.id, ref);
      await core.queue.enqueue({ ref, place: item.place, reason: 'appealed', flags: 0, submittedAt: appeal.at });
      return appeal;
    },
  });

  bind('mod:decide-appeal', {
    schema: ModDecideAppeal,
    allow: isModerator,
    limit: RATES.staff,
    async run({ user }, { ref, outcome, note }) {
      const appeal = await store.getAppeal(ref);
      if (!appeal) throw new CommandError(ErrorCode.NOT_FOUND, 'There is no appeal on this item.');
      if (appeal.appealedDecisionBy === user.id) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'A different moderator must decide an appeal against your decision.');
      }
      const item = await core.content.describe(ref);
      const decided = await store.decideAppeal(ref, outcome, user.id, Date.now());
      if (!decided) throw new CommandError(ErrorCode.CONFLICT, 'This appeal has already been decided.');
      const restored = outcome === 'restored';
      const action = restored ? 'appeal-restored' : 'appeal-upheld';
      await core.decide({
        actor: user,
        item,
        // Upheld: the decision stands and the item stays as it is.
        to: restored ? 'published' : null,
        action,
        reason: null,
        note: note ?? null,
        // The author is told which reason still stands.
        notice: { action, canAppeal: false, ...(restored ? {} : { reason: item.decision?.reason ?? null }) },
      });
      return appealView(decided);
    },
  });
}
