import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { SessionUser } from '../core/types.js';
import { createHallCodes } from './hall-code.js';
import type { TownHallService } from './service.js';
import type { TownHallStore } from './store.js';

/**
 * The people in the room of a hybrid town hall: a community centre's 150 residents share one
 * Wi-Fi address, which the per-network limits would otherwise treat as one person. The host
 * shows a short-lived code (or its link) in the hall; whoever comes in with it is admitted to
 * that town hall and votes without the per-network cap.
 */
export interface HallService {
  /** The code to show in the hall now: hosts (and admins) only, until the town hall ends. */
  codeFor(townHallId: string, by: SessionUser): Promise<{ code: string; expiresAt: number }>;
  /** Admits a person who came with the code; FORBIDDEN for a wrong or expired code. */
  admit(townHallId: string, code: string, userId: string): Promise<void>;
  /** True when the code is the hall's current (or previous) one and the town hall has not ended. */
  accepts(townHallId: string, code: string): Promise<boolean>;
  /** Records the admission of a person whose code `accepts` has just checked. */
  enter(townHallId: string, userId: string): Promise<void>;
  isAdmitted(townHallId: string, userId: string): Promise<boolean>;
}

export function createHallService(deps: { store: TownHallStore; townHalls: TownHallService; secret: string }): HallService {
  const { store, townHalls } = deps;
  const codes = createHallCodes(deps.secret);
  const accepts = async (townHallId: string, code: string) => {
    const townHall = await townHalls.get(townHallId);
    return townHall !== null && townHall.status !== 'ended' && codes.accepts(townHallId, code);
  };
  return {
    async codeFor(townHallId, by) {
      const townHall = await townHalls.requireNotEnded(townHallId);
      if (!townHalls.isHost(townHall, by)) throw new CommandError(ErrorCode.FORBIDDEN, 'Only the hosts of this town hall may show its hall code.');
      return codes.current(townHallId);
    },
    async admit(townHallId, code, userId) {
      if (!(await accepts(townHallId, code))) {
        throw new CommandError(ErrorCode.FORBIDDEN, 'That hall code is not valid or has expired. Ask for the code on the screen.');
      }
      await store.admit(townHallId, userId);
    },
    accepts,
    enter: (townHallId, userId) => store.admit(townHallId, userId),
    isAdmitted: (townHallId, userId) => store.isAdmitted(townHallId, userId),
  };
}
