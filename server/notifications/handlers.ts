import { z } from 'zod';
import { NoticesFollow, NoticesForgetEmail, NoticesGiveEmail, NoticesRead } from '../../shared/notices.js';
import { commandBinder, tooFast, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { NotificationService } from './service.js';

export const RATES = {
  read: { name: 'notices:read', points: 30, seconds: 10 },
  follow: { name: 'notices:follow', points: 20, seconds: 60 },
  /** Each address given sends a mail: a person may ask for three confirmations in ten minutes… */
  email: { name: 'notices:give-email', points: 3, seconds: 600 },
  /** …and one network for twenty an hour, so throwaway guests cannot turn the server into a mail cannon. */
  emailNetwork: { name: 'notices:give-email:network', points: 20, seconds: 3600 },
} satisfies Record<string, RateRule>;

const Empty = z.strictObject({});

export interface NoticesDeps extends CommandDeps {
  notices: NotificationService;
}

/** Wires the follower's commands: their inbox, following and stopping, and the address for mail. */
export function registerNotices(deps: NoticesDeps): void {
  const { notices } = deps;
  const bind = commandBinder(deps);
  bind('notices:list', { schema: Empty, limit: RATES.read, run: ({ user }) => notices.snapshot(user) });
  bind('notices:read', { schema: NoticesRead, limit: RATES.read, run: ({ user }, { ids }) => notices.markRead(user, ids) });
  bind('notices:follow', { schema: NoticesFollow, limit: RATES.follow, run: ({ user }, { questionId }) => notices.follow(user, questionId) });
  bind('notices:unfollow', {
    schema: NoticesFollow,
    limit: RATES.follow,
    run: async ({ user }, { questionId }) => (await notices.unfollow(user, questionId), null),
  });
  bind('notices:give-email', {
    schema: NoticesGiveEmail,
    limit: RATES.email,
    async run({ user, socket }, input) {
      const network = await deps.limits.consume(RATES.emailNetwork, socket.data.network);
      if (!network.ok) throw tooFast(network.retryAfterMs);
      return notices.giveEmail(user, input);
    },
  });
  bind('notices:forget-email', {
    schema: NoticesForgetEmail,
    limit: RATES.follow,
    run: ({ user }, { questionId }) => notices.forgetEmail(user, questionId),
  });
}
