import { CommandError, ErrorCode } from '../../shared/errors.js';
import { isHostOf, type TownHall } from '../../shared/townhall.js';
import { NotJoinedError } from '../core/command.js';
import type { AppSocket, SessionUser } from '../core/types.js';

/** Commands about a town hall come only from connections that joined it (`townhall:join`, see room.ts). */
export function requireJoined(socket: AppSocket, townHallId: string): void {
  if (!socket.data.townHalls.includes(townHallId)) throw new NotJoinedError();
}

/**
 * Running a town hall (its answers, polls and moderation mode) is for its hosts and admins: an
 * officer is staff everywhere but runs only the events they were named to. `doing` finishes the
 * sentence "Only this town hall's hosts can …".
 */
export function requireHost(townHall: Pick<TownHall, 'hosts'>, user: SessionUser, doing: string): void {
  if (!isHostOf(townHall, user)) {
    throw new CommandError(ErrorCode.FORBIDDEN, `Only this town hall's hosts can ${doing}.`);
  }
}
