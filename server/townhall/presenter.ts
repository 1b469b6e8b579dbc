// What the presenter screen reads beyond the room's snapshot: the hall code, which is hosts'
// only, and only while the town hall is live (a projector showing a code for a meeting that has
// not started, or has ended, would let people in to nothing).
import { CommandError, ErrorCode } from '../../shared/errors.js';
import { PresentTarget } from '../../shared/presenter.js';
import { canHost } from '../../shared/roles.js';
import { commandBinder, type CommandDeps } from '../core/command.js';
import type { RateRule } from '../core/rate-limit.js';
import { requireHost } from './access.js';
import type { HallService } from './hall.js';
import type { TownHallService } from './service.js';

/** The screen asks again every few minutes; a reload or a reconnection asks once more. */
const RATE: RateRule = { name: 'townhall:present', points: 30, seconds: 60 };

export interface PresenterDeps extends CommandDeps {
  townHalls: TownHallService;
  halls: HallService;
}

export function registerPresenter(deps: PresenterDeps): void {
  commandBinder(deps)('townhall:present', {
    schema: PresentTarget,
    allow: (user) => canHost(user.role),
    townHall: (input) => input.townHallId,
    limit: RATE,
    async run({ user }, { townHallId }) {
      const townHall = await deps.townHalls.require(townHallId);
      requireHost(townHall, user, 'open its presenter screen');
      if (townHall.status !== 'live') {
        throw new CommandError(ErrorCode.CONFLICT, 'The presenter screen shows a live town hall only.');
      }
      return { hallCode: await deps.halls.codeFor(townHallId, user) };
    },
  });
}
