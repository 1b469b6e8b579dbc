import { HallPass } from '../../shared/session.js';
import { TownHallTarget } from '../../shared/townhall.js';
import { canHost } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import type { HallService } from './hall.js';
import type { TownHallRoom } from './room.js';
import type { TownHallService } from './service.js';

const RATES = {
  /** Starting and ending share one budget. */
  lifecycle: { name: 'townhall:start-or-end', points: 10, seconds: 10 },
  hallCode: { name: 'townhall:hall-code', points: 30, seconds: 60 },
  /** A wrong code is a guess: few per person, so a code cannot be found by trying. */
  admit: { name: 'townhall:admit', points: 5, seconds: 60 },
} satisfies Record<string, RateRule>;

export interface TownHallDeps extends CommandDeps {
  room: TownHallRoom;
  townHalls: TownHallService;
  halls: HallService;
}

/**
 * Hosts start and end their town hall from its page; everyone in it hears of every change.
 * Ending is final: the media closes (media/ listens for it) and Q&A, polls and chat freeze.
 */
export function registerTownHall(deps: TownHallDeps): void {
  const { room, townHalls } = deps;
  townHalls.onChange((townHall) => room.publish(townHall.id, 'townhall:changed', townHall));
  // A host's page shows the hall's code from the moment it joins.
  room.use({
    name: 'hallCode',
    onJoin: async ({ user, townHall }) =>
      townHall.status !== 'ended' && townHalls.isHost(townHall, user) ? deps.halls.codeFor(townHall.id, user) : null,
  });

  const bind = commandBinder(deps);
  bind('townhall:start', {
    schema: TownHallTarget,
    allow: (user) => canHost(user.role),
    limit: RATES.lifecycle,
    run: ({ user }, { townHallId }) => townHalls.start(townHallId, user),
  });
  bind('townhall:end', {
    schema: TownHallTarget,
    allow: (user) => canHost(user.role),
    limit: RATES.lifecycle,
    run: ({ user }, { townHallId }) => townHalls.end(townHallId, user),
  });
  bind('townhall:hall-code', {
    schema: TownHallTarget,
    allow: (user) => canHost(user.role),
    limit: RATES.hallCode,
    run: ({ user }, { townHallId }) => deps.halls.codeFor(townHallId, user),
  });
  bind('townhall:admit', {
    schema: HallPass,
    limit: RATES.admit,
    async run({ user }, { townHallId, code }) {
      await deps.halls.admit(townHallId, code, user.id);
      return { admitted: true as const };
    },
  });

}
