import { newId } from '../core/ids.js';
import type { Logger } from '../core/log.js';
import { clientAddress, networkKeyer } from '../http/address.js';
import { rooms, type AppServer } from '../core/types.js';
import type { Sessions } from './sessions.js';

/**
 * Authenticates every Socket.IO connection in its handshake from the session cookie, read in
 * the session store. A connection without a live session (never signed, expired, signed out,
 * revoked, or its account disabled) is refused with `UNAUTHENTICATED` (the client's
 * connect_error message), so no handler ever runs for an unknown person — unless it asks to
 * watch (`auth: { watch: true }`): then it is a watcher, who may only come in and receive
 * (core/command.ts, WATCHABLE). It runs again when a
 * dropped connection is recovered, so a session that ended meanwhile does not come back.
 */
export function authenticateSockets(
  io: AppServer,
  sessions: Sessions,
  options: { secret: string; trust: (addr: string, i: number) => boolean },
  log: Logger,
): void {
  const { secret, trust } = options;
  const networkKey = networkKeyer(secret);
  io.use(async (socket, next) => {
    try {
      const live = await sessions.fromCookieHeader(socket.request.headers.cookie);
      if (!live) {
        if (socket.handshake.auth?.watch !== true) return next(new Error('UNAUTHENTICATED'));
        // Watching before choosing a name: nothing is stored, so no identity is made; the
        // connection counts toward its network's caps like any other (core/socket-caps.ts).
        socket.data.user = { id: `w_${newId()}`, role: 'resident', displayName: '', watcher: true };
        socket.data.session = '';
        socket.data.network = networkKey(clientAddress(socket.request, trust));
        socket.data.townHalls = [];
        return next();
      }
      const { user } = live;
      socket.data.user = user;
      socket.data.session = live.id;
      socket.data.network = networkKey(clientAddress(socket.request, trust));
      // A recovered connection keeps the town halls it had joined (it was restored only for the
      // same person: see core/recovery.ts); its role and name are read afresh all the same.
      if (!socket.recovered) socket.data.townHalls = [];
      await socket.join([rooms.user(user.id), rooms.session(live.id)]);
      next();
    } catch (err) {
      log.warn({ err }, 'handshake failed');
      next(new Error('UNAVAILABLE'));
    }
  });
  // The handshake above is the last reader of the upgrade request. Engine.io keeps the request
  // object for the connection's life (a close listener of its upgrade response holds it), so
  // what it carries is let go instead: the headers, cookie included, and the parsed query.
  io.on('connection', (socket) => {
    const request = socket.request as unknown as { headers: object; rawHeaders: string[]; _query: object };
    request.headers = {};
    request.rawHeaders = [];
    request._query = {};
    socket.handshake.headers = {};
  });
}
