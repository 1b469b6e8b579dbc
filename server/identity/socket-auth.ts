import type { Logger } from '../core/log.js';
import { clientAddress, networkKeyer } from '../http/address.js';
import { rooms, type AppServer } from '../core/types.js';
import type { IdentityService } from './service.js';
import { readCookie, SESSION_COOKIE, verifySession } from './tokens.js';

/**
 * Authenticates every Socket.IO connection in its handshake from the session cookie. A
 * connection without a valid session is refused with `UNAUTHENTICATED` (the client's
 * connect_error message), so no handler ever runs for an unknown person. It runs again when a
 * dropped connection is recovered, so a session that ended meanwhile does not come back.
 */
export function authenticateSockets(
  io: AppServer,
  identity: IdentityService,
  options: { secret: string; trust: (addr: string, i: number) => boolean },
  log: Logger,
): void {
  const { secret, trust } = options;
  const networkKey = networkKeyer(secret);
  io.use(async (socket, next) => {
    try {
      const id = verifySession(secret, readCookie(socket.request.headers.cookie, SESSION_COOKIE));
      const user = id ? await identity.sessionUser(id) : null;
      if (!user) return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      socket.data.network = networkKey(clientAddress(socket.request, trust));
      // A recovered connection keeps the town halls it had joined (it was restored only for the
      // same person: see core/recovery.ts); its role and name are read afresh all the same.
      if (!socket.recovered) socket.data.townHalls = [];
      await socket.join(rooms.user(user.id));
      next();
    } catch (err) {
      log.warn({ err }, 'handshake failed');
      next(new Error('UNAVAILABLE'));
    }
  });
}
