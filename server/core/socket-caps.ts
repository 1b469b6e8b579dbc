import { TOO_MANY_CONNECTIONS } from '../../shared/errors.js';
import type { Logger } from './log.js';
import type { AppServer, AppSocket } from './types.js';

/** How many connections one person (every tab of one session), and one network, may hold at once. */
export interface SocketCaps {
  perSession: number;
  perNetwork: number;
  /**
   * Of a network's connections, how many may be watchers (no name yet, no identity: see
   * identity/socket-auth.ts). They cost nothing to make, so they may not take all of the
   * network's places: the people who joined with a name keep the rest. 100 unless given.
   */
  watchersPerNetwork?: number;
}

/**
 * Enough for one person's tabs and devices, and for a hall of 150 people on one Wi-Fi each with
 * a phone and a laptop; far below the thousands one script could otherwise open from one cookie.
 */
const DEFAULT_WATCHERS_PER_NETWORK = 100;
export const DEFAULT_SOCKET_CAPS = { perSession: 20, perNetwork: 400, watchersPerNetwork: DEFAULT_WATCHERS_PER_NETWORK } satisfies Required<SocketCaps>;

/**
 * Refuses a handshake past either cap with `TOO_MANY_CONNECTIONS` (the client's connect_error
 * message). Counted per node: behind a load balancer that spreads one person's connections,
 * they may hold up to the cap on each node (docs/scaling.md).
 *
 * Registered after authentication, as the last handshake middleware: it needs the person and
 * network the handshake established, and nothing may refuse the connection after it counts it.
 */
export function capSockets(io: AppServer, caps: SocketCaps, log: Logger): void {
  const bySession = new Counter();
  const byNetwork = new Counter();
  const watchersByNetwork = new Counter();
  const watchersPerNetwork = caps.watchersPerNetwork ?? DEFAULT_WATCHERS_PER_NETWORK;
  // One warning per full session or network until a place frees: a script retrying must not
  // flood the log. A key is only here while it has connections, whose closing removes it.
  const warned = new Set<string>();
  io.use((socket, next) => {
    const { user, network } = socket.data;
    const full =
      bySession.count(user.id) >= caps.perSession
        ? `session:${user.id}`
        : byNetwork.count(network) >= caps.perNetwork
          ? `network:${network}`
          : user.watcher && watchersByNetwork.count(network) >= watchersPerNetwork
            ? `watchers:${network}`
            : null;
    if (full) {
      if (!warned.has(full)) log.warn({ user: user.id, cap: full.slice(0, full.indexOf(':')) }, 'connection refused: too many connections');
      warned.add(full);
      next(new Error(TOO_MANY_CONNECTIONS));
      // Once the refusal is written, the transport goes too: otherwise a script that ignores the
      // refusal keeps it open for the 45 s Socket.IO allows a connection to pick a namespace, and
      // opens the next. The app has one namespace, so nothing else shares the transport.
      setImmediate(() => socket.conn.close());
      return;
    }
    bySession.add(user.id);
    byNetwork.add(network);
    if (user.watcher) watchersByNetwork.add(network);
    counted.add(socket);
    transports.set(socket.conn, socket);
    // 'disconnect' ends a connection that opened; the transport's 'close' also ends one whose
    // client went away between this check and the connection, which never fires 'disconnect'.
    // `on`, not `once`: release is idempotent, and each `once` costs a wrapper per connection.
    socket.on('disconnect', releaseSocket);
    socket.conn.on('close', releaseTransport);
    next();
  });

  // Shared by every connection rather than a closure per connection (a crowd pays for each);
  // the person and network are on the socket, and the first of the two events releases it.
  const counted = new WeakSet<AppSocket>();
  const transports = new WeakMap<object, AppSocket>();
  function release(socket: AppSocket | undefined): void {
    if (!socket || !counted.delete(socket)) return;
    const { user, network } = socket.data;
    bySession.remove(user.id);
    byNetwork.remove(network);
    if (user.watcher) watchersByNetwork.remove(network);
    warned.delete(`session:${user.id}`);
    warned.delete(`network:${network}`);
    warned.delete(`watchers:${network}`);
  }
  function releaseSocket(this: AppSocket): void {
    release(this);
  }
  function releaseTransport(this: object): void {
    release(transports.get(this));
  }
}

/** Counts by key, forgetting a key at zero so the map holds only what is connected. */
class Counter {
  #counts = new Map<string, number>();

  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.#counts.set(key, this.count(key) + 1);
  }

  remove(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}
