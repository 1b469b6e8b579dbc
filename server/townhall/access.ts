import { CommandError, ErrorCode } from '../../shared/errors.js';
import type { AppSocket } from '../core/types.js';

/** Commands about a town hall come only from connections that joined it (`qa:join`). */
export function requireJoined(socket: AppSocket, townHallId: string): void {
  if (!socket.data.townHalls.includes(townHallId)) {
    throw new CommandError(ErrorCode.FORBIDDEN, 'Join the town hall first.');
  }
}
