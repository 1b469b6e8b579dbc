import { CommandError, ErrorCode } from '../../shared/errors.js';
import { isStaff } from '../../shared/roles.js';
import type { VoteSurge } from '../../shared/townhall.js';
import type { Logger } from '../core/log.js';
import type { RateLimits, RateRule } from '../core/rate-limit.js';
import type { SessionUser } from '../core/types.js';
import type { HallService } from './hall.js';
import type { RoomPublisher } from './publish.js';

const WINDOW_S = 10 * 60;
/** A network that made this many identities in fifteen minutes is making them for a reason. */
const FRESH_IDENTITIES = 3;
/** Votes from such a network on one item before the item's staff hear of it, and every so many after. */
const SURGE_FROM = 3;
const SURGE_EVERY = 5;
const RATES = {
  /** One log line per capped network and item per window, however many votes it sends. */
  logCapped: { name: 'townhall:log-capped-votes', points: 1, seconds: WINDOW_S },
  /** Not a limit: a counter of votes from freshly made identities, per item and network. */
  countFreshVotes: { name: 'townhall:count-fresh-votes', points: 1_000_000, seconds: WINDOW_S },
} satisfies Record<string, RateRule>;

export interface VoteTarget {
  kind: VoteSurge['target']['kind'];
  id: string;
}

/**
 * One person with a script on one network must not be able to fake a crowd: each network
 * raises the public count of one question or poll by at most `perNetwork` votes in ten
 * minutes. People let in with the hall's code are not capped (a community centre shares one
 * address), and staff vote freely. Votes from identities a network made minutes before are
 * counted, and the item's staff are told when they pile up.
 */
export interface VoteGuard {
  /** Before a vote is cast: RATE_LIMITED (scope 'network', with retryAfterMs) once the network's budget for the item is spent. */
  admit(input: { user: SessionUser; network: string; townHallId: string; target: VoteTarget }): Promise<void>;
}

export function createVoteGuard(deps: {
  room: RoomPublisher;
  limits: RateLimits;
  log: Logger;
  halls: HallService;
  /** Identities the network made in the last fifteen minutes. */
  madeRecently(network: string): Promise<number>;
  perNetwork: number;
}): VoteGuard {
  const { limits } = deps;
  const budget: RateRule = { name: `townhall:vote-from-network:${deps.perNetwork}`, points: deps.perNetwork, seconds: WINDOW_S };

  const watch = async (network: string, townHallId: string, target: VoteTarget) => {
    if ((await deps.madeRecently(network)) < FRESH_IDENTITIES) return;
    const key = `${target.kind}:${target.id}:${network}`;
    await limits.consume(RATES.countFreshVotes, key);
    const votes = await limits.count(RATES.countFreshVotes, key);
    if (votes === SURGE_FROM || (votes > SURGE_FROM && (votes - SURGE_FROM) % SURGE_EVERY === 0)) {
      deps.room.publishToStaff(townHallId, 'townhall:votes-surged', { townHallId, target, votes });
    }
  };

  return {
    async admit({ user, network, townHallId, target }) {
      if (isStaff(user.role)) return;
      const outcome = await limits.consume(budget, `${target.kind}:${target.id}:${network}`);
      if (!outcome.ok && !(await deps.halls.isAdmitted(townHallId, user.id))) {
        // Logged once per item, network and window, with ids only: never the address.
        if ((await limits.consume(RATES.logCapped, `${target.kind}:${target.id}:${network}`)).ok) {
          deps.log.info({ townHall: townHallId, [target.kind]: target.id }, 'votes from one network capped');
        }
        throw new CommandError(
          ErrorCode.RATE_LIMITED,
          'Many votes on this came from your network just now. If you are at the town hall in person, join with the code on the screen.',
          { retryAfterMs: outcome.retryAfterMs, scope: 'network' },
        );
      }
      await watch(network, townHallId, target);
    },
  };
}
