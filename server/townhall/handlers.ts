import { TownHallTarget } from '../../shared/townhall.js';
import { canHost } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import { rooms } from '../core/types.js';
import type { TownHallService } from './service.js';

const LIFECYCLE_LIMIT: RateRule = { name: 'townhall:lifecycle', points: 10, seconds: 10 };

export interface TownHallDeps extends CommandDeps {
  townHalls: TownHallService;
}

/**
 * Hosts start and end their town hall from its page; everyone in it hears of every change.
 * Ending is final: the media closes (media/ listens for it) and Q&A, polls and chat freeze.
 */
export function registerTownHall(deps: TownHallDeps): void {
  const { io, townHalls } = deps;
  townHalls.onChange((townHall) => io.to(rooms.townHall(townHall.id)).emit('townhall:changed', townHall));

  const bind = commandBinder(deps);
  bind('townhall:start', {
    schema: TownHallTarget,
    allow: (user) => canHost(user.role),
    limit: LIFECYCLE_LIMIT,
    run: ({ user }, { townHallId }) => townHalls.start(townHallId, user),
  });
  bind('townhall:end', {
    schema: TownHallTarget,
    allow: (user) => canHost(user.role),
    limit: LIFECYCLE_LIMIT,
    run: ({ user }, { townHallId }) => townHalls.end(townHallId, user),
  });

}
